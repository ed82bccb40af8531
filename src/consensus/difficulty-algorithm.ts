/**
 * Difficulty algorithms behind one interface, so a scenario can ask "what if Bitcoin used X".
 * The engine calls `onBlock` once per appended block, in height order.
 */
import { AsertCalculator } from './asert.ts';
import { checkBits, compactToTarget, targetToCompact } from './compact.ts';
import { checkParams, difficultyAdjustmentInterval, MAINNET, type ConsensusParams } from './params.ts';
import { nextWorkRequired } from './pow.ts';

export interface DifficultyAlgorithm {
  readonly name: 'bitcoin' | 'asert';
  /**
   * Record that the block at `height` (the previous height + 1) was found at unix time `time`
   * (seconds; fractional times are floored, as block headers carry integer seconds). Returns the
   * compact bits required of block height + 1.
   */
  onBlock(height: number, time: number): number;
  /** Bits required of the next block. */
  readonly nextBits: number;
}

export type DifficultyAlgorithmConfig = { algorithm: 'bitcoin' } | { algorithm: 'asert'; halfLifeSeconds: number };

export interface DifficultyStart {
  /** Height of the last block before the simulation (the tip). */
  readonly height: number;
  /** Compact bits required of block height + 1. */
  readonly bits: number;
  /** Timestamp of the tip (unix seconds). */
  readonly time: number;
  /**
   * Timestamp of the first block of the tip's retarget period (Bitcoin only). When omitted for a
   * tip in the middle of a period, the period is assumed to have run on schedule: the first
   * block's time is `time - spacing * (height - periodStart)`.
   */
  readonly epochFirstBlockTime?: number;
}

function checkStart(start: DifficultyStart, params: ConsensusParams): void {
  if (typeof start !== 'object' || start === null) throw new TypeError('start must be an object');
  if (typeof start.height !== 'number') throw new TypeError(`start.height must be a number, got ${typeof start.height}`);
  if (!Number.isSafeInteger(start.height) || start.height < 0) {
    throw new RangeError(`start.height must be a non-negative integer, got ${start.height}`);
  }
  checkBits(start.bits, 'start.bits');
  const { target, negative, overflow } = compactToTarget(start.bits);
  if (negative || overflow || target === 0n || target > params.powLimit) {
    throw new RangeError(`start.bits 0x${start.bits.toString(16)} must encode a positive target no easier than powLimit`);
  }
  checkTimeInput(start.time, 'start.time');
  if (start.epochFirstBlockTime !== undefined) checkTimeInput(start.epochFirstBlockTime, 'start.epochFirstBlockTime');
}

function checkTimeInput(t: number, name: string): void {
  if (typeof t !== 'number') throw new TypeError(`${name} must be a number (unix seconds), got ${typeof t}`);
  if (!Number.isFinite(t) || !Number.isSafeInteger(Math.floor(t))) {
    throw new RangeError(`${name} must be a finite time in unix seconds, got ${t}`);
  }
}

function badBlock(expected: number, height: number, time: number): never {
  if (height !== expected) throw new RangeError(`onBlock: expected height ${expected}, got ${height}`);
  throw new RangeError(`onBlock: time must be a finite number of unix seconds, got ${time}`);
}

class BitcoinDifficulty implements DifficultyAlgorithm {
  readonly name = 'bitcoin' as const;
  nextBits: number;
  private lastHeight: number;
  private epochFirstTime: number;
  private readonly interval: number;

  constructor(start: DifficultyStart, private readonly params: ConsensusParams) {
    this.interval = difficultyAdjustmentInterval(params);
    this.nextBits = start.bits;
    this.lastHeight = start.height;
    const tipTime = Math.floor(start.time);
    const offset = start.height % this.interval;
    if (offset === 0) {
      if (start.epochFirstBlockTime !== undefined && Math.floor(start.epochFirstBlockTime) !== tipTime) {
        throw new RangeError('start.epochFirstBlockTime must equal start.time when the tip opens a retarget period');
      }
      this.epochFirstTime = tipTime;
    } else if (start.epochFirstBlockTime !== undefined) {
      this.epochFirstTime = Math.floor(start.epochFirstBlockTime);
    } else {
      // Unknown history: assume the period so far ran exactly on schedule (documented in docs/MODEL.md).
      this.epochFirstTime = tipTime - params.powTargetSpacing * offset;
    }
  }

  onBlock(height: number, time: number): number {
    if (height !== this.lastHeight + 1 || !Number.isFinite(time)) badBlock(this.lastHeight + 1, height, time);
    const t = Math.floor(time);
    this.lastHeight = height;
    if (height % this.interval === 0) this.epochFirstTime = t;
    if ((height + 1) % this.interval === 0) {
      this.nextBits = nextWorkRequired(this.nextBits, this.epochFirstTime, t, this.params);
    }
    return this.nextBits;
  }
}

class AsertDifficulty implements DifficultyAlgorithm {
  readonly name = 'asert' as const;
  nextBits: number;
  private lastHeight: number;
  private readonly anchorHeight: number;
  private readonly anchorParentTime: number;
  private readonly calc: AsertCalculator;

  constructor(start: DifficultyStart, halfLife: number, params: ConsensusParams) {
    // The anchor is the first simulated block (height + 1), whose target is start.bits and whose
    // parent is the tip: blocks exactly on schedule then keep start.bits unchanged.
    this.anchorHeight = start.height + 1;
    this.anchorParentTime = Math.floor(start.time);
    this.lastHeight = start.height;
    this.nextBits = start.bits;
    this.calc = new AsertCalculator(
      start.bits,
      params.powTargetSpacing,
      halfLife,
      params.powLimit,
      targetToCompact(params.powLimit),
    );
  }

  onBlock(height: number, time: number): number {
    if (height !== this.lastHeight + 1 || !Number.isFinite(time)) badBlock(this.lastHeight + 1, height, time);
    this.lastHeight = height;
    this.nextBits = this.calc.bits(Math.floor(time) - this.anchorParentTime, height - this.anchorHeight);
    return this.nextBits;
  }
}

/**
 * A difficulty algorithm starting from a chain tip. `bitcoin` is Core's 2016-block retarget
 * (nextWorkRequired at every period end); `asert` is Bitcoin Cash's aserti3-2d anchored at the tip.
 */
export function createDifficultyAlgorithm(
  config: DifficultyAlgorithmConfig,
  start: DifficultyStart,
  params: ConsensusParams = MAINNET,
): DifficultyAlgorithm {
  if (typeof config !== 'object' || config === null) throw new TypeError('difficulty config must be an object');
  if (params !== MAINNET) checkParams(params);
  checkStart(start, params);
  switch (config.algorithm) {
    case 'bitcoin':
      return new BitcoinDifficulty(start, params);
    case 'asert': {
      const hl = config.halfLifeSeconds;
      if (typeof hl !== 'number') throw new TypeError(`halfLifeSeconds must be a number, got ${typeof hl}`);
      if (!Number.isSafeInteger(hl) || hl <= 0) throw new RangeError(`halfLifeSeconds must be a positive integer, got ${hl}`);
      return new AsertDifficulty(start, hl, params);
    }
    default:
      throw new RangeError(`unknown difficulty algorithm ${JSON.stringify((config as { algorithm: unknown }).algorithm)}`);
  }
}

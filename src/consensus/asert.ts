/**
 * aserti3-2d, the ASERT difficulty algorithm of Bitcoin Cash (since 2020-11-15), as specified in
 * "ASERT Difficulty Adjustment Algorithm (aserti3-2d)" (bitcoincash.org spec 2020-11-15-asert.md)
 * and implemented by `CalculateASERT` in Bitcoin Cash Node's src/pow.cpp:
 *
 *   exponent = floor_toward_zero((timeDiff - spacing * (heightDiff + 1)) * 65536 / halfLife)
 *   target   = anchorTarget * 2^(exponent / 65536)
 *
 * with 2^x approximated in 16-bit fixed point by a cubic on the fractional part (error < 0.013 %),
 * the result clamped to [1, powLimit].
 */
import { compactFromExactNumber, compactToTarget, UINT256_MOD } from './compact.ts';

const UINT256_MASK = UINT256_MOD - 1n;

/** Largest |timeDiff - spacing*heightDiff| the reference implementation accepts (it asserts < 2^47). */
const MAX_SCHEDULE_DRIFT = 2 ** 47;

/** Fixed-point 2^(frac/65536) * 65536 for 0 <= frac < 65536: BCHN's cubic, exactly. */
function factorBig(frac: bigint): bigint {
  return (
    65536n +
    ((195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) >> 48n)
  );
}

let factorTable: Uint32Array | null = null;

/** The 65536 possible fixed-point factors, computed once in exact integer arithmetic. */
export function asertFactorTable(): Uint32Array {
  if (factorTable === null) {
    const table = new Uint32Array(65536);
    for (let f = 0; f < 65536; f++) table[f] = Number(factorBig(BigInt(f)));
    factorTable = table;
  }
  return factorTable;
}

function checkInt(v: number, name: string): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be an integer, got ${v}`);
}

/**
 * BCHN's `CalculateASERT(refTarget, nPowTargetSpacing, nTimeDiff, nHeightDiff, powLimit, nHalfLife)`
 * in exact 256-bit integer arithmetic. `timeDiff` is measured from the anchor block's parent and
 * `heightDiff` from the anchor block, to the block whose successor's target is computed.
 */
export function calculateAsert(
  refTarget: bigint,
  targetSpacing: number,
  timeDiff: number,
  heightDiff: number,
  powLimit: bigint,
  halfLife: number,
): bigint {
  checkInt(targetSpacing, 'targetSpacing');
  checkInt(timeDiff, 'timeDiff');
  checkInt(heightDiff, 'heightDiff');
  checkInt(halfLife, 'halfLife');
  if (halfLife <= 0) throw new RangeError(`halfLife must be positive, got ${halfLife}`);
  if (heightDiff < 0) throw new RangeError(`heightDiff must be >= 0, got ${heightDiff}`);
  if (powLimit <= 0n || powLimit >> 224n !== 0n) throw new RangeError('powLimit must be in (0, 2^224)');
  if (refTarget <= 0n || refTarget > powLimit) throw new RangeError('refTarget must be in (0, powLimit]');
  const drift = BigInt(timeDiff) - BigInt(targetSpacing) * BigInt(heightDiff);
  if (drift >= BigInt(MAX_SCHEDULE_DRIFT) || drift <= -BigInt(MAX_SCHEDULE_DRIFT)) {
    throw new RangeError(`ASERT: block times drift more than 2^47 s from schedule`);
  }
  // BigInt division truncates toward zero like C++'s, and >> floors like the arithmetic shift BCHN requires.
  const exponent = ((drift - BigInt(targetSpacing)) * 65536n) / BigInt(halfLife);
  let shifts = exponent >> 16n;
  const frac = exponent - (shifts << 16n);
  let next = refTarget * factorBig(frac);
  shifts -= 16n;
  if (shifts <= 0n) {
    next = -shifts >= 256n ? 0n : next >> -shifts;
  } else if (shifts >= 256n) {
    next = powLimit;
  } else {
    const shifted = (next << shifts) & UINT256_MASK;
    next = shifted >> shifts !== next ? powLimit : shifted;
  }
  if (next === 0n) return 1n;
  return next > powLimit ? powLimit : next;
}

/**
 * Allocation-free ASERT for a fixed anchor: the anchor target is mantissa * 2^exp2 with a 23-bit
 * mantissa, so target * factor (< 2^41 times a power of two) and every later step are exact in
 * doubles. Returns compact bits equal to `targetToCompact(calculateAsert(...))`.
 */
export class AsertCalculator {
  private readonly mant: number;
  private readonly exp2: number;
  private readonly limitNumber: number;
  private readonly limitRoundedUp: boolean;
  private readonly table: Uint32Array;

  constructor(
    anchorBits: number,
    private readonly targetSpacing: number,
    private readonly halfLife: number,
    powLimit: bigint,
    private readonly powLimitBits: number,
  ) {
    const { target, negative, overflow } = compactToTarget(anchorBits);
    if (negative || overflow || target === 0n || target > powLimit) {
      throw new RangeError(`ASERT anchor bits 0x${anchorBits.toString(16)} must encode a target in (0, powLimit]`);
    }
    if (powLimit >> 224n !== 0n) throw new RangeError('ASERT needs powLimit < 2^224');
    const size = anchorBits >>> 24;
    const word = anchorBits & 0x007fffff;
    if (size <= 3) {
      this.mant = word >>> (8 * (3 - size));
      this.exp2 = 0;
    } else {
      this.mant = word;
      this.exp2 = 8 * (size - 3);
    }
    this.limitNumber = Number(powLimit);
    this.limitRoundedUp = BigInt(this.limitNumber) > powLimit;
    this.table = asertFactorTable();
  }

  /** Compact bits of the target after a block `heightDiff` above the anchor, `timeDiff` s after the anchor's parent. */
  bits(timeDiff: number, heightDiff: number): number {
    const drift = timeDiff - this.targetSpacing * heightDiff;
    if (!(drift < MAX_SCHEDULE_DRIFT && drift > -MAX_SCHEDULE_DRIFT)) {
      throw new RangeError('ASERT: block times drift more than 2^47 s from schedule');
    }
    // |num| < 2^47 * 65536 could exceed 2^53, so bound the inputs the engine can reach instead.
    const num = (drift - this.targetSpacing) * 65536;
    if (!Number.isSafeInteger(num)) throw new RangeError('ASERT: schedule drift too large for exact arithmetic');
    let exponent = Math.trunc(num / this.halfLife);
    // Correct a quotient that rounding pushed across an integer (exact: all products < 2^53).
    const rem = num - exponent * this.halfLife;
    if (num >= 0) {
      if (rem < 0) exponent--;
      else if (rem >= this.halfLife) exponent++;
    } else if (rem > 0) exponent++;
    else if (rem <= -this.halfLife) exponent--;
    const shifts = Math.floor(exponent / 65536);
    const frac = exponent - shifts * 65536;
    const m = this.mant * this.table[frac]!;
    const e = this.exp2 + shifts - 16;
    let v: number;
    if (e >= 0) v = m * 2 ** e;
    else if (e < -64) v = 0;
    else v = Math.floor(m / 2 ** -e);
    if (v === 0) return 0x01010000;
    if (v > this.limitNumber || (v === this.limitNumber && this.limitRoundedUp)) return this.powLimitBits;
    return compactFromExactNumber(v);
  }
}

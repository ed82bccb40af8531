import { compactToTarget, difficultyFromBits } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { EPOCH_BITS, EPOCH_BLOCKS, EPOCH_START_TIME, FIRST_TIMED_EPOCH } from './retarget-data.ts';

// Maps a scenario's start (date, and optionally height/bits) to the chain state the engine starts
// from, using the real retarget bits and ESTIMATED epoch start times (scripts/gen-retarget-data.ts:
// epoch durations read back from consecutive targets, anchored at block 840,000's timestamp).
// Within an epoch, blocks are placed evenly; past the last epoch in the data, at 600 s per block
// with the last known bits. Accurate to a few hours in time (tens of blocks in height).

/** Nominal block spacing used beyond the data (s). */
const SPACING = 600;

/** Where a run starts; field meanings match consensus `DifficultyStart`. */
export interface ResolvedStart {
  /** Height of the chain tip at the start (the last block before the simulation). */
  readonly height: number;
  /** Compact bits required of block height + 1. */
  readonly bits: number;
  /** Start instant and tip timestamp, Unix seconds (00:00 UTC of `dateIso`). */
  readonly time: number;
  /** Timestamp (estimated) of the first block of the tip's retarget epoch, Unix seconds. */
  readonly epochFirstBlockTime: number;
  /** The start date, YYYY-MM-DD. */
  readonly dateIso: string;
}

/** The part of a scenario resolveStart reads. */
export interface StartInput {
  readonly start: { readonly date: string; readonly height?: number | undefined; readonly bits?: string | number | undefined };
}

/** Number of epochs in the embedded data (the last starts at height (n-1) * 2016). */
export const KNOWN_EPOCHS = EPOCH_BITS.length;
/** Last epoch whose start time is estimated (the last in the data). */
const LAST_EPOCH = KNOWN_EPOCHS - 1;

/** Estimated Unix time of the first block of `epoch` (nominal spacing beyond the data); null before the timed range. */
export function epochStartTime(epoch: number): number | null {
  if (epoch < FIRST_TIMED_EPOCH) return null;
  if (epoch <= LAST_EPOCH) return EPOCH_START_TIME[epoch - FIRST_TIMED_EPOCH]!;
  return EPOCH_START_TIME[LAST_EPOCH - FIRST_TIMED_EPOCH]! + (epoch - LAST_EPOCH) * EPOCH_BLOCKS * SPACING;
}

/** Mean block interval (s) within `epoch`: from the data where the next epoch's start is known, else 600. */
export function epochBlockInterval(epoch: number): number {
  if (epoch >= FIRST_TIMED_EPOCH && epoch < LAST_EPOCH) {
    return (EPOCH_START_TIME[epoch + 1 - FIRST_TIMED_EPOCH]! - EPOCH_START_TIME[epoch - FIRST_TIMED_EPOCH]!) / EPOCH_BLOCKS;
  }
  return SPACING;
}

/** Real compact bits of the epoch containing `height` (the last known bits beyond the data). */
export function bitsAtHeight(height: number): number {
  return EPOCH_BITS[Math.min(Math.floor(height / EPOCH_BLOCKS), LAST_EPOCH)]!;
}

/** Estimated tip height at Unix time `time`: the last block whose estimated time is <= time. */
export function heightAtTime(time: number): number {
  const first = EPOCH_START_TIME[0]!;
  if (time < first) {
    throw new RangeError(`no calibration before ${new Date(first * 1000).toISOString().slice(0, 10)}`);
  }
  // Binary search over the timed epochs; beyond the data the nominal schedule continues.
  let lo = FIRST_TIMED_EPOCH;
  let hi = LAST_EPOCH;
  if (time >= EPOCH_START_TIME[LAST_EPOCH - FIRST_TIMED_EPOCH]!) {
    lo = LAST_EPOCH;
  } else {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (EPOCH_START_TIME[mid - FIRST_TIMED_EPOCH]! <= time) lo = mid;
      else hi = mid;
    }
  }
  const offset = Math.floor((time - epochStartTime(lo)!) / epochBlockInterval(lo));
  return lo * EPOCH_BLOCKS + offset;
}

function parseBits(bits: string | number): number {
  return typeof bits === 'string' ? parseInt(bits, 16) : bits;
}

/** Unix seconds of 00:00 UTC on an ISO date (YYYY-MM-DD). */
export function dateToUnix(dateIso: string): number {
  const ms = Date.parse(`${dateIso}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new HashsimError(`start.date: expected a date YYYY-MM-DD, got "${dateIso}"`);
  return ms / 1000;
}

/**
 * The chain state at the scenario's start. Defaults come from the real retarget data ("calibrated");
 * an explicit `start.height` and/or `start.bits` override them. The epoch's first-block time is set so
 * that the epoch ran at its historical pace (nominal 600 s beyond the data) up to the tip at `time`.
 */
export function resolveStart(scenario: StartInput): ResolvedStart {
  const { date } = scenario.start;
  const time = dateToUnix(date);
  let height = scenario.start.height;
  if (height === undefined) {
    try {
      height = heightAtTime(time);
    } catch (err) {
      throw new HashsimError(`start.date: ${(err as Error).message}; give start.height and start.bits explicitly`);
    }
  }
  const bits = scenario.start.bits !== undefined ? parseBits(scenario.start.bits) : bitsAtHeight(height + 1);
  const epoch = Math.floor(height / EPOCH_BLOCKS);
  const epochFirstBlockTime = Math.round(time - (height - epoch * EPOCH_BLOCKS) * epochBlockInterval(epoch));
  return { height, bits, time, epochFirstBlockTime, dateIso: date };
}

/**
 * Realized mean hashrate (EH/s) of retarget epoch `epoch`, from the real bits of it and the next
 * epoch: the retarget set target' = target x timespan / 1209600 (2015 intervals; unclamped within
 * 4x), so timespan = 1209600 x target' / target and H = difficulty x 2^32 x 2015 / timespan.
 * Null when the next epoch's bits are not in the data, or the retarget was clamped or capped.
 */
export function realizedHashrateOfEpoch(epoch: number): number | null {
  if (epoch < 0 || epoch + 1 > LAST_EPOCH) return null;
  const a = compactToTarget(EPOCH_BITS[epoch]!).target;
  const b = compactToTarget(EPOCH_BITS[epoch + 1]!).target;
  const ratio = Number(b) / Number(a);
  if (!(ratio > 0.25 && ratio < 4) || ratio === 1) return null;
  const timespan = 1_209_600 * ratio;
  return (difficultyFromBits(EPOCH_BITS[epoch]!) * 2 ** 32 * 2015) / timespan / 1e18;
}

/** Realized hashrate (EH/s) of the last epoch completed at a chain tip of `height`, or null. */
export function realizedHashrateBefore(height: number): number | null {
  return realizedHashrateOfEpoch(Math.floor((height + 1) / EPOCH_BLOCKS) - 1);
}

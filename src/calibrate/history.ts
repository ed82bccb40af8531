// The history a calibration is scored against: retarget epochs (bits, start time, the consensus
// timespan of their 2015 intervals) and daily prices. The real one comes from the embedded retarget
// data (src/scenario/retarget-data.ts) and data/btc-usd-daily.csv; a synthetic one (simulation-based
// calibration tests) from the retargets of a hashsim run. Pure: no I/O.
import { compactToTarget, difficultyFromBits } from '../consensus/index.ts';
import type { FringeConfig } from '../agents/schema.ts';
import { EPOCH_BITS, EPOCH_BLOCKS, EPOCH_START_TIME, FIRST_TIMED_EPOCH } from '../scenario/retarget-data.ts';

/** One retarget epoch: its blocks share `bits`; the consensus measured `timespanS` over 2015 intervals. */
export interface HistoryEpoch {
  readonly epoch: number;
  readonly bits: number;
  /** Unix time (s) of the epoch's first block. */
  readonly startTime: number;
  /** Seconds between the epoch's first and last block, read back from the next epoch's bits; null if clamped. */
  readonly timespanS: number | null;
}

export interface History {
  readonly epochs: readonly HistoryEpoch[];
  /** Daily BTC/USD from `firstDate` (index 0) on. */
  readonly firstDate: string;
  readonly pricesUsd: readonly number[];
}

/** Consensus timespan of an epoch from its bits and the next epoch's (null where the 4x clamp or powLimit hides it). */
export function timespanFromBits(bits: number, nextBits: number): number | null {
  const ratio = Number(compactToTarget(nextBits).target) / Number(compactToTarget(bits).target);
  if (!(ratio > 0.25 && ratio < 4) || ratio === 1) return null;
  return 1_209_600 * ratio;
}

/** The real history: every timed epoch of the embedded data, with the given daily prices. */
export function realHistory(firstDate: string, pricesUsd: readonly number[]): History {
  const epochs: HistoryEpoch[] = [];
  for (let e = FIRST_TIMED_EPOCH; e < EPOCH_BITS.length; e++) {
    const next = EPOCH_BITS[e + 1];
    epochs.push({
      epoch: e,
      bits: EPOCH_BITS[e]!,
      startTime: EPOCH_START_TIME[e - FIRST_TIMED_EPOCH]!,
      timespanS: next === undefined ? null : timespanFromBits(EPOCH_BITS[e]!, next),
    });
  }
  return { epochs, firstDate, pricesUsd };
}

/** Realized mean hashrate (EH/s) of an epoch: difficulty x 2^32 x 2015 / timespan. */
export function realizedEHs(ep: HistoryEpoch): number | null {
  return ep.timespanS === null ? null : (difficultyFromBits(ep.bits) * 2 ** 32 * 2015) / ep.timespanS / 1e18;
}

/** Index (in history.epochs) of the epoch running at Unix time t, or -1 before the first. */
export function epochAt(history: History, t: number): number {
  const eps = history.epochs;
  let lo = 0;
  let hi = eps.length - 1;
  if (eps.length === 0 || t < eps[0]!.startTime) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (eps[mid]!.startTime <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Estimated height of the chain tip at Unix time t (blocks spread evenly within the epoch). */
export function heightAt(history: History, t: number): number {
  const k = epochAt(history, t);
  const ep = history.epochs[k]!;
  const next = history.epochs[k + 1];
  const span = next !== undefined ? next.startTime - ep.startTime : (ep.timespanS ?? 1_209_600) * (2016 / 2015);
  const into = Math.min(EPOCH_BLOCKS - 1, Math.max(0, Math.floor(((t - ep.startTime) / span) * EPOCH_BLOCKS)));
  return ep.epoch * EPOCH_BLOCKS + into;
}

/**
 * Frontier machine efficiency (J/TH) by release date: public vendor specifications of each
 * generation's flagship (Bitmain Antminer S5 .. S21 XP, and the ~10 J/TH generation announced for 2026).
 */
export const FRONTIER_HISTORY: readonly (readonly [string, number])[] = [
  ['2014-12-01', 510], // S5
  ['2015-09-01', 250], // S7
  ['2016-06-01', 98], // S9
  ['2018-11-01', 75], // S11
  ['2019-04-01', 45], // S17
  ['2020-05-01', 29.5], // S19 Pro
  ['2022-07-01', 21.5], // S19 XP
  ['2023-11-01', 17.5], // S21
  ['2024-10-01', 13.5], // S21 XP
  ['2026-06-01', 10], // announced
];

const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Frontier efficiency at Unix time t: log-linear between the table's points, flat outside. */
export function frontierJPerTHAt(t: number): number {
  const ms = t * 1000;
  const pts = FRONTIER_HISTORY;
  if (ms <= dayMs(pts[0]![0])) return pts[0]![1];
  for (let k = 1; k < pts.length; k++) {
    const a = dayMs(pts[k - 1]![0]);
    const b = dayMs(pts[k]![0]);
    if (ms <= b) {
      const f = (ms - a) / (b - a);
      return Math.exp(Math.log(pts[k - 1]![1]) * (1 - f) + Math.log(pts[k]![1]) * f);
    }
  }
  return pts[pts.length - 1]![1];
}

/**
 * The installed fleet at Unix time t0 by perpetual inventory: the net additions of realized hashrate
 * in each of the `classes` quarters before t0 at the frontier efficiency of their quarter, and the
 * hashrate of `classes` quarters before at the frontier of that date (the oldest machines).
 * Returns vintage shares for `fringe.vintages` (summing to 1).
 */
export function vintagesFromHistory(history: History, t0: number, classes = 16): { efficiencyJPerTH: number; share: number }[] {
  const quarter = 91.3 * 86_400;
  const at = (t: number): number => {
    // Realized hashrate of the last completed epoch at t (the latest known at that time).
    let k = epochAt(history, t) - 1;
    while (k >= 0) {
      const h = realizedEHs(history.epochs[k]!);
      if (h !== null) return h;
      k--;
    }
    return 0;
  };
  const out: { efficiencyJPerTH: number; share: number }[] = [];
  const oldest = at(t0 - classes * quarter);
  out.push({ efficiencyJPerTH: frontierJPerTHAt(t0 - classes * quarter), share: oldest });
  for (let q = classes - 1; q >= 0; q--) {
    const add = at(t0 - q * quarter) - at(t0 - (q + 1) * quarter);
    if (add > 0) out.push({ efficiencyJPerTH: frontierJPerTHAt(t0 - (q + 0.5) * quarter), share: add });
  }
  const total = out.reduce((a, v) => a + v.share, 0);
  if (!(total > 0)) return [{ efficiencyJPerTH: frontierJPerTHAt(t0), share: 1 }];
  const shares = out.map((v) => ({ efficiencyJPerTH: v.efficiencyJPerTH, share: v.share / total }));
  // Exact sum of 1 for the schema's check (rounding goes to the largest class).
  const rest = 1 - shares.reduce((a, v) => a + v.share, 0);
  const big = shares.reduce((b, v, i) => (v.share > shares[b]!.share ? i : b), 0);
  shares[big] = { ...shares[big]!, share: shares[big]!.share + rest };
  return shares;
}

/** The fringe config for a window starting at t0: the fleet from history, the frontier of that date. */
export function fringeForWindow(base: FringeConfig, history: History, t0: number): FringeConfig {
  return { ...base, vintages: vintagesFromHistory(history, t0), frontier: { ...base.frontier, efficiencyJPerTH: frontierJPerTHAt(t0) } };
}

// The exact likelihood of real epoch spans given the supply model (docs/CALIBRATION.md).
//
// With Poisson block arrivals at mean interval tau, the consensus timespan of an epoch (its 2015
// intervals) is Gamma(2015, tau); tau = difficulty x 2^32 / H for hashrate H (hashes/s). The supply
// model is driven by the REAL hashprice (real price, real difficulty of the epoch running at each day,
// subsidy of that height, fees as a nuisance), which is the conditional likelihood of the observed
// spans given the observed driver: the difficulty feedback is exact consensus and has no parameters.
// The supply is deterministic, so the likelihood is a deterministic function of the parameters.
import { gammaln } from 'simple-statistics';
import { btcPerPhDay } from '../agents/economics.ts';
import type { FringeConfig } from '../agents/schema.ts';
import { NetworkSupply, type SupplyWorld } from '../agents/supply.ts';
import { blockSubsidySats, difficultyFromBits, expectedHashesPerBlock, MAINNET } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { daysBetween, dateMs } from '../market/daily.ts';
import { epochAt, fringeForWindow, heightAt, realizedEHs, type History } from './history.ts';

/** Intervals whose total the consensus measures per epoch. */
export const SPAN_INTERVALS = 2015;

/** log density of Gamma(shape k, scale theta) at x. */
export function gammaLogPdf(x: number, k: number, theta: number): number {
  return -gammaln(k) - k * Math.log(theta) + (k - 1) * Math.log(x) - x / theta;
}

/** A training window: whole days [from, to), with the mean fee per block over it (a nuisance). */
export interface Window {
  readonly from: string;
  readonly to: string;
  readonly feeBtcPerBlock: number;
  /** Known capacity events by date (turned into the fringe's capacityShocks for the window). */
  readonly capacityShocks?: readonly { readonly date: string; readonly share: number; readonly overDays: number }[];
}

export interface EpochFit {
  /** Index into history.epochs. */
  readonly index: number;
  /** Time-weighted mean of the simulated hashrate over the epoch's measured span (EH/s). */
  readonly meanEHs: number;
  readonly realizedEHs: number;
  readonly logLik: number;
}

export interface WindowFit {
  readonly hashrateEHs: Float64Array;
  readonly epochs: readonly EpochFit[];
  readonly logLik: number;
}

/**
 * Run the network supply (the fringe as the whole network) through a window on the real hashprice,
 * started at the realized hashrate of the last epoch completed before the window with the fleet
 * inferred from history (or the fringe's own vintages), and score every epoch inside the window.
 */
export function fitWindow(fringe: FringeConfig, history: History, window: Window, fleet: 'history' | 'base' = 'history'): WindowFit {
  const t0 = dateMs(window.from) / 1000;
  const days = daysBetween(window.from, window.to);
  const offset = daysBetween(history.firstDate, window.from);
  if (!(days > 0) || offset < 0 || offset + days > history.pricesUsd.length) {
    throw new HashsimError(`window ${window.from} .. ${window.to}: prices cover only from ${history.firstDate} for ${history.pricesUsd.length} days`);
  }
  const k0 = epochAt(history, t0);
  if (k0 < 1) throw new HashsimError(`window ${window.from}: no completed retarget epoch before it in the data`);
  let startH: number | null = null;
  for (let k = k0 - 1; k >= 0 && startH === null; k--) startH = realizedEHs(history.epochs[k]!);
  if (startH === null) throw new HashsimError(`window ${window.from}: no realized hashrate before it`);

  const fleetFringe = fleet === 'history' ? fringeForWindow(fringe, history, t0) : fringe;
  const shocks = (window.capacityShocks ?? []).map((k) => ({ day: daysBetween(window.from, k.date), share: k.share, overDays: k.overDays }));
  // The window's own shocks only (a scenario's shocks are days from its start, not dates).
  const supply = new NetworkSupply({ ...fleetFringe, capacityShocks: shocks }, { stepDays: 1, horizonDays: days });
  const world: SupplyWorld = { hashpriceUsdPerPhDay: 0, daysToHalving: 0, postHalvingRatio: 1 };
  const interval = MAINNET.subsidyHalvingInterval;
  const setWorld = (d: number) => {
    const t = t0 + d * 86_400;
    const ep = history.epochs[epochAt(history, t)]!;
    const h = heightAt(history, t);
    const subsidy = blockSubsidySats(h + 1) / 1e8;
    world.hashpriceUsdPerPhDay = btcPerPhDay(expectedHashesPerBlock(ep.bits), subsidy + window.feeBtcPerBlock) * history.pricesUsd[offset + d]!;
    const next = (Math.floor((h + 1) / interval) + 1) * interval;
    world.daysToHalving = ((next - h) * 600) / 86_400;
    world.postHalvingRatio = (subsidy / 2 + window.feeBtcPerBlock) / (subsidy + window.feeBtcPerBlock);
  };
  setWorld(0);
  supply.start(startH, world);
  const H = new Float64Array(days);
  for (let d = 0; d < days; d++) {
    setWorld(d);
    H[d] = supply.update(world, d);
  }

  const epochs: EpochFit[] = [];
  let total = 0;
  const tEnd = t0 + days * 86_400;
  for (let k = k0 + (history.epochs[k0]!.startTime < t0 ? 1 : 0); k < history.epochs.length; k++) {
    const ep = history.epochs[k]!;
    const T = ep.timespanS;
    if (ep.startTime + (T ?? 0) > tEnd) break;
    const real = realizedEHs(ep);
    if (T === null || real === null) continue;
    // Time-weighted mean of the daily hashrate over [start, start + T].
    const a = ep.startTime;
    const b = a + T;
    let sum = 0;
    for (let d = Math.floor((a - t0) / 86_400); d * 86_400 + t0 < b; d++) {
      const lo = Math.max(a, t0 + d * 86_400);
      const hi = Math.min(b, t0 + (d + 1) * 86_400);
      if (hi > lo) sum += H[d]! * (hi - lo);
    }
    const mean = sum / T;
    const tau = (difficultyFromBits(ep.bits) * 2 ** 32) / (mean * 1e18);
    const ll = mean > 0 ? gammaLogPdf(T, SPAN_INTERVALS, tau) : -Infinity;
    total += ll;
    epochs.push({ index: k, meanEHs: mean, realizedEHs: real, logLik: ll });
  }
  return { hashrateEHs: H, epochs, logLik: total };
}

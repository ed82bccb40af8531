// The backtest window: where it starts (a real retarget), where it ends (a date), the real retargets
// inside it and the daily prices that drive it. Every problem is a HashsimError (exit 1) naming the
// flag or scenario field it comes from and what was expected. Pure apart from the error messages.
import { difficultyFromBits } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { addDays, dateMs, daysBetween, sliceDays, type DailyPriceSeries } from '../market/daily.ts';
import { epochStartTime } from '../scenario/calibration.ts';
import { EPOCH_BITS, EPOCH_BLOCKS, FIRST_TIMED_EPOCH } from '../scenario/retarget-data.ts';

/** A real retarget: the first block of epoch height / 2016 and the bits it set. */
export interface RealRetarget {
  readonly height: number;
  /** UTC date of the ESTIMATED time of the epoch's first block (from the retarget data). */
  readonly realDate: string;
  readonly realBits: number;
  readonly realDifficulty: number;
}

export interface BacktestWindow {
  /** Height of the start retarget (first block simulated; the tip is fromHeight - 1). */
  readonly fromHeight: number;
  /** Compact bits the start retarget set (required of block fromHeight). */
  readonly startBits: number;
  /** Simulation start: 00:00 UTC of the estimated date of the start retarget. */
  readonly startDate: string;
  /** Last day of the window (inclusive): the simulation runs to 24:00 UTC of it. */
  readonly to: string;
  /** daysBetween(startDate, to) + 1. */
  readonly horizonDays: number;
  /** The real retargets after the start whose estimated date is on or before `to`, in height order. */
  readonly retargets: readonly RealRetarget[];
  /** Daily prices of startDate .. to (one per simulated day). */
  readonly pricesUsd: readonly number[];
}

export interface WindowRequest {
  /** --from-height. */
  readonly fromHeight?: number;
  /** --from-date (YYYY-MM-DD). */
  readonly fromDate?: string;
  /** --to (YYYY-MM-DD). */
  readonly to?: string;
  /** The scenario's own window: the defaults of the flags (start: start.height + 1 or start.date; length: horizonDays). */
  readonly scenario: { readonly startDate: string; readonly startHeight?: number; readonly horizonDays: number };
  /** The daily price series and how to name it in messages (the --prices file). */
  readonly prices: DailyPriceSeries;
  readonly pricesLabel: string;
}

/** Last epoch in the embedded retarget data. */
const LAST_EPOCH = EPOCH_BITS.length - 1;

const fail = (message: string): never => {
  throw new HashsimError(message, 1);
};

const fmtHeight = (h: number): string => h.toLocaleString('en-US');

/** UTC date (YYYY-MM-DD) of the estimated start of `epoch` (a timed epoch in the data). */
export function epochDate(epoch: number): string {
  const t = epochStartTime(epoch);
  if (t === null) throw new RangeError(`epoch ${epoch} has no estimated start time`);
  return new Date(t * 1000).toISOString().slice(0, 10);
}

/** The real retarget at `height` (a multiple of 2016 in the data). */
export function realRetarget(height: number): RealRetarget {
  const epoch = height / EPOCH_BLOCKS;
  const bits = EPOCH_BITS[epoch]!;
  return { height, realDate: epochDate(epoch), realBits: bits, realDifficulty: difficultyFromBits(bits) };
}

/** Retarget heights the backtest can start from: timed epochs that have a later retarget in the data. */
export const FIRST_START_HEIGHT = FIRST_TIMED_EPOCH * EPOCH_BLOCKS;
export const LAST_START_HEIGHT = (LAST_EPOCH - 1) * EPOCH_BLOCKS;

/** Resolves and checks the window (see WindowRequest); throws HashsimError (exit 1) on any problem. */
export function resolveWindow(req: WindowRequest): BacktestWindow {
  const { scenario, prices, pricesLabel } = req;
  const lastHeight = LAST_EPOCH * EPOCH_BLOCKS;
  const lastDate = epochDate(LAST_EPOCH);

  // ---- start: a real retarget
  let epoch: number;
  if (req.fromHeight !== undefined || (req.fromDate === undefined && scenario.startHeight !== undefined && (scenario.startHeight + 1) % EPOCH_BLOCKS === 0)) {
    const explicit = req.fromHeight !== undefined;
    const h = explicit ? req.fromHeight! : scenario.startHeight! + 1;
    const field = explicit ? '--from-height' : 'start.height (+ 1, the scenario default of --from-height)';
    if (h % EPOCH_BLOCKS !== 0) fail(`${field}: expected a retarget height (a multiple of ${EPOCH_BLOCKS}), got ${h}; the nearest are ${Math.floor(h / EPOCH_BLOCKS) * EPOCH_BLOCKS} and ${Math.ceil(h / EPOCH_BLOCKS) * EPOCH_BLOCKS}`);
    if (h < FIRST_START_HEIGHT || h > LAST_START_HEIGHT) {
      fail(`${field}: expected a retarget height from ${FIRST_START_HEIGHT} to ${LAST_START_HEIGHT} (the real retargets in the data with dated epochs and a later retarget; the data ends at height ${lastHeight}, ~${lastDate}), got ${h}`);
    }
    epoch = h / EPOCH_BLOCKS;
  } else {
    const explicit = req.fromDate !== undefined;
    const d = explicit ? req.fromDate! : scenario.startDate;
    const field = explicit ? '--from-date' : 'start.date (the scenario default of --from-date)';
    let e = FIRST_TIMED_EPOCH;
    while (e <= LAST_EPOCH && epochDate(e) < d) e++;
    if (e > LAST_EPOCH - 1) {
      fail(`${field}: expected a date on or before ${epochDate(LAST_EPOCH - 1)} (a real retarget in the data must follow the start; the data ends at height ${lastHeight}, ~${lastDate}), got ${d}`);
    }
    epoch = e;
  }
  const fromHeight = epoch * EPOCH_BLOCKS;
  const startBits = EPOCH_BITS[epoch]!;
  const startDate = epochDate(epoch);

  // ---- end: a date
  const toField = req.to !== undefined ? '--to' : `horizonDays (--to defaults to the start ${startDate} + the scenario's ${scenario.horizonDays} days)`;
  const to = req.to ?? addDays(startDate, scenario.horizonDays - 1);
  if (to > lastDate) {
    fail(`${toField}: expected a date on or before ${lastDate} (the estimated date of the last real retarget in the data, height ${fmtHeight(lastHeight)}), got ${to}`);
  }
  const retargets: RealRetarget[] = [];
  for (let e = epoch + 1; e <= LAST_EPOCH && epochDate(e) <= to; e++) retargets.push(realRetarget(e * EPOCH_BLOCKS));
  if (retargets.length === 0) {
    const next = realRetarget(fromHeight + EPOCH_BLOCKS);
    fail(`${toField}: the window ${startDate} .. ${to} (from the retarget at height ${fmtHeight(fromHeight)}) holds no later real retarget; expected a date on or after ${next.realDate} (height ${fmtHeight(next.height)})`);
  }

  // ---- prices of every simulated day
  if (startDate < prices.firstDate) {
    fail(`--prices ${pricesLabel}: the price data starts on ${prices.firstDate}, after the window's start ${startDate} (retarget at height ${fmtHeight(fromHeight)}); expected prices from ${startDate}`);
  }
  if (to > prices.lastDate) {
    fail(`${toField}: the window ends on ${to}, after the last day of the price data (${pricesLabel} covers ${prices.firstDate} .. ${prices.lastDate}); give a --prices CSV that covers ${startDate} .. ${to}, or a --to on or before ${prices.lastDate}`);
  }
  const horizonDays = daysBetween(startDate, to) + 1;
  const pricesUsd = sliceDays(prices, startDate, horizonDays);
  return { fromHeight, startBits, startDate, to, horizonDays, retargets, pricesUsd };
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  return Number.isFinite(dateMs(s));
}

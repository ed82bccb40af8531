import { CHART_WIDTH } from '../theme.ts';

const DAY_MS = 86_400_000;

/** ISO date (UTC) of `day` days after `startDate`; keeps the time of day when `day` is fractional. */
export function dayToDate(startDate: string, day: number): string {
  // Every chart of a set asks for the same few hundred days (38 charts x 730 steps): remember them
  // for the last start date instead of formatting a Date each time.
  if (startDate !== cachedStart) {
    cachedStart = startDate;
    cachedT0 = Date.parse(`${startDate.slice(0, 10)}T00:00:00Z`);
    cachedDates.clear();
  }
  if (!Number.isFinite(cachedT0)) throw new Error(`invalid start date "${startDate}" (expected YYYY-MM-DD)`);
  let out = cachedDates.get(day);
  if (out === undefined) {
    const iso = new Date(cachedT0 + day * DAY_MS).toISOString();
    out = Number.isInteger(day) ? iso.slice(0, 10) : iso;
    if (cachedDates.size < 100_000) cachedDates.set(day, out);
  }
  return out;
}

let cachedStart: string | undefined;
let cachedT0 = Number.NaN;
const cachedDates = new Map<number, string>();

/** Room one date label needs on the axis (about 8 characters of 11 px DejaVu Sans plus a gap), in CSS px. */
const LABEL_ROOM_PX = 80;

/** Smallest "nice" step (in the interval's units) that keeps the number of ticks at or below `max`. */
function niceStep(units: number, max: number, steps: readonly number[]): number {
  return steps.find((s) => units / s <= max) ?? Math.ceil(units / max);
}

/**
 * Axis of dates in UTC (no dependence on the machine's time zone), formatted for the horizon.
 * Ticks are calendar-aligned (1st of a month, quarter, year) and spaced so that the labels never
 * touch at the given plot width: vega's automatic ticks put 12+ "Mon YYYY" labels on a two-year
 * axis, which run into each other, and its overlap removal then leaves unlabelled ticks.
 */
export function dateAxis(days: readonly number[], width: number = CHART_WIDTH): { title: string; format: string; tickCount?: { interval: string; step: number } } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of days) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const span = days.length > 0 ? hi - lo : 0;
  const maxLabels = Math.max(2, Math.floor(width / LABEL_ROOM_PX));
  if (span > 3 * 366) return { title: 'Date (UTC)', format: '%Y', tickCount: { interval: 'year', step: niceStep(span / 365.25, maxLabels, [1, 2, 5, 10, 20, 50]) } };
  if (span > 75) return { title: 'Date (UTC)', format: '%b %Y', tickCount: { interval: 'month', step: niceStep(span / 30.44, maxLabels, [1, 2, 3, 6, 12]) } };
  if (span >= 2) return { title: 'Date (UTC)', format: '%d %b %Y', tickCount: { interval: 'day', step: niceStep(span, Math.max(2, Math.floor(width / 95)), [1, 2, 7, 14]) } };
  return { title: 'Date (UTC)', format: '%d %b %Y' };
}

/** x encoding of a date field in UTC (the scale type makes vega format dates in UTC). */
export function dateX(days: readonly number[], field = 'date', width?: number): Record<string, unknown> {
  return { field, type: 'temporal', scale: { type: 'utc' }, axis: dateAxis(days, width) };
}

/** Tooltip entry of a date field, formatted in UTC. */
export const DATE_TOOLTIP = { field: 'date', type: 'temporal', timeUnit: 'utcyearmonthdate', title: 'date', format: '%d %b %Y' } as const;

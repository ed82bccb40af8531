const DAY_MS = 86_400_000;

/** ISO date (UTC) of `day` days after `startDate`; keeps the time of day when `day` is fractional. */
export function dayToDate(startDate: string, day: number): string {
  const t0 = Date.parse(`${startDate.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(t0)) throw new Error(`invalid start date "${startDate}" (expected YYYY-MM-DD)`);
  const iso = new Date(t0 + day * DAY_MS).toISOString();
  return Number.isInteger(day) ? iso.slice(0, 10) : iso;
}

/** Axis of dates in UTC (no dependence on the machine's time zone), formatted for the horizon. */
export function dateAxis(days: readonly number[]): { title: string; format: string } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of days) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const span = days.length > 0 ? hi - lo : 0;
  return { title: 'Date (UTC)', format: span > 3 * 366 ? '%Y' : span > 75 ? '%b %Y' : '%d %b %Y' };
}

/** x encoding of a date field in UTC (the scale type makes vega format dates in UTC). */
export function dateX(days: readonly number[], field = 'date'): Record<string, unknown> {
  return { field, type: 'temporal', scale: { type: 'utc' }, axis: dateAxis(days) };
}

/** Tooltip entry of a date field, formatted in UTC. */
export const DATE_TOOLTIP = { field: 'date', type: 'temporal', timeUnit: 'utcyearmonthdate', title: 'date', format: '%d %b %Y' } as const;

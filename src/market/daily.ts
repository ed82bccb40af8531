// A dated daily price series (one row per calendar day, `date, <price column>`), checked the way a
// backtest or a calibration needs it: dates in YYYY-MM-DD, strictly consecutive days (no gaps, no
// duplicates, no disorder), positive finite prices. Pure: text in, series out.
import { CsvFormatError, showHeader } from './csv.ts';

/** Daily prices from `firstDate` on, one per day. */
export interface DailyPriceSeries {
  readonly firstDate: string;
  readonly lastDate: string;
  readonly pricesUsd: readonly number[];
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix milliseconds of 00:00 UTC of a YYYY-MM-DD date, or NaN if it is not a real date. */
export function dateMs(date: string): number {
  const m = DATE.exec(date);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === date ? ms : NaN;
}

/** The YYYY-MM-DD date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dateMs(b) - dateMs(a)) / DAY_MS);
}

/**
 * Parses a dated daily price CSV: a header row naming a date column (`date`, or the first column)
 * and a price column (`column`, else close_usd / close / priceUsd / price_usd / price). Comment
 * lines (#) and blank lines are skipped. Errors name the line and say what was expected.
 */
export function parseDailyPriceCsv(text: string, column?: string): DailyPriceSeries {
  const lines = text.split(/\r?\n/).map((l, i) => ({ line: i + 1, text: l.trim() })).filter((l) => l.text !== '' && !l.text.startsWith('#'));
  if (lines.length < 2) throw new CsvFormatError('expected a header row and at least one data row');
  const header = lines[0]!.text.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const lower = header.map((h) => h.toLowerCase());
  const dateCol = lower.indexOf('date') >= 0 ? lower.indexOf('date') : 0;
  let priceCol: number;
  if (column !== undefined) {
    priceCol = header.indexOf(column);
    if (priceCol < 0) throw new CsvFormatError(`no column "${column}" (columns: ${showHeader(header)})`, lines[0]!.line, 'column');
  } else {
    priceCol = ['close_usd', 'close', 'priceusd', 'price_usd', 'price'].map((c) => lower.indexOf(c)).find((k) => k >= 0) ?? -1;
    if (priceCol < 0) throw new CsvFormatError(`cannot tell which column holds the price (columns: ${showHeader(header)}): name it`, lines[0]!.line, 'column');
  }
  const prices: number[] = [];
  let first = '';
  let prevMs = NaN;
  for (const { line, text: row } of lines.slice(1)) {
    const cells = row.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length !== header.length) throw new CsvFormatError(`expected ${header.length} comma-separated cells, got ${cells.length}`, line);
    const date = cells[dateCol]!;
    const ms = dateMs(date);
    if (!Number.isFinite(ms)) throw new CsvFormatError(`expected a date YYYY-MM-DD in column "${header[dateCol]}", got "${date}"`, line);
    if (prices.length > 0 && ms !== prevMs + DAY_MS) {
      const expected = new Date(prevMs + DAY_MS).toISOString().slice(0, 10);
      throw new CsvFormatError(ms > prevMs + DAY_MS ? `gap: expected ${expected}, got ${date} (one row per day)` : `expected ${expected} after the previous row, got ${date} (dates must increase by one day)`, line);
    }
    const cell = cells[priceCol]!;
    const v = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : NaN;
    if (!(v > 0) || !Number.isFinite(v)) throw new CsvFormatError(`column "${header[priceCol]}": expected a positive price, got "${cell}"`, line);
    if (prices.length === 0) first = date;
    prices.push(v);
    prevMs = ms;
  }
  return { firstDate: first, lastDate: addDays(first, prices.length - 1), pricesUsd: prices };
}

/** Prices of `days` days from `from` (inclusive), or a CsvFormatError saying which part is missing. */
export function sliceDays(series: DailyPriceSeries, from: string, days: number): number[] {
  const k = daysBetween(series.firstDate, from);
  if (!Number.isFinite(k) || k < 0 || k + days > series.pricesUsd.length) {
    throw new CsvFormatError(`the series covers ${series.firstDate} .. ${series.lastDate}; ${days} day(s) from ${from} are not all in it`);
  }
  return series.pricesUsd.slice(k, k + days);
}

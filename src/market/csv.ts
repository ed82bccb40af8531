// Parsing of daily price / return series from CSV text. Pure (text in, numbers out): the scenario
// loader reads the file and inlines the numbers, so the models never touch the file system.

/** A CSV problem; `line` is 1-based in the file. */
export class CsvFormatError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'CsvFormatError';
  }
}

const PRICE_COLUMNS = ['priceusd', 'price_usd', 'price', 'close', 'adj_close', 'adjclose'];
const RETURN_COLUMNS = ['logreturn', 'log_return', 'logreturns', 'log_returns'];

interface Table {
  readonly header: readonly string[] | null;
  readonly rows: { readonly line: number; readonly cells: readonly string[] }[];
}

function splitLine(line: string): string[] {
  return line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

const isNumber = (s: string): boolean => s !== '' && Number.isFinite(Number(s));

function readTable(text: string): Table {
  const rows: { line: number; cells: string[] }[] = [];
  let header: string[] | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = splitLine(line);
    if (header === null && rows.length === 0 && !cells.every(isNumber) && cells.some((c) => !isNumber(c) && !/^\d{4}-\d{2}-\d{2}/.test(c))) {
      header = cells;
      return;
    }
    rows.push({ line: i + 1, cells });
  });
  if (rows.length === 0) throw new CsvFormatError('no data rows');
  return { header, rows };
}

function pickColumn(table: Table, wanted: string | undefined, candidates: readonly string[]): { index: number; name: string } | null {
  const header = table.header;
  if (wanted !== undefined) {
    const index = header?.findIndex((h) => h === wanted) ?? -1;
    if (index < 0) {
      throw new CsvFormatError(`no column "${wanted}" (columns: ${header ? header.join(', ') : 'none, the file has no header row'})`);
    }
    return { index, name: wanted };
  }
  if (header !== null) {
    const lower = header.map((h) => h.toLowerCase());
    for (const c of candidates) {
      const index = lower.indexOf(c);
      if (index >= 0) return { index, name: header[index]! };
    }
  }
  return null;
}

/** The only column whose cells are all numbers, if exactly one. */
function onlyNumericColumn(table: Table): { index: number; name: string } | null {
  const width = table.rows[0]!.cells.length;
  const numeric: number[] = [];
  for (let c = 0; c < width; c++) if (table.rows.every((r) => isNumber(r.cells[c] ?? ''))) numeric.push(c);
  if (numeric.length !== 1) return null;
  const index = numeric[0]!;
  return { index, name: table.header?.[index] ?? `column ${index + 1}` };
}

function columnValues(table: Table, col: { index: number; name: string }): number[] {
  return table.rows.map((r) => {
    const cell = r.cells[col.index] ?? '';
    const v = Number(cell);
    if (cell === '' || !Number.isFinite(v)) throw new CsvFormatError(`column "${col.name}": expected a number, got "${cell}"`, r.line);
    return v;
  });
}

/** Daily prices (USD) from a CSV: `column`, else priceUsd/price/close, else the only numeric column. */
export function parsePriceCsv(text: string, column?: string): number[] {
  const table = readTable(text);
  const col = pickColumn(table, column, PRICE_COLUMNS) ?? onlyNumericColumn(table);
  if (col === null) throw new CsvFormatError('cannot tell which column holds the price: name it with `column`');
  const values = columnValues(table, col);
  values.forEach((v, i) => {
    if (!(v > 0)) throw new CsvFormatError(`column "${col.name}": expected a positive price, got ${v}`, table.rows[i]!.line);
  });
  return values;
}

/**
 * Daily log returns from a CSV: a log-return column (`column`, or logReturn/log_return), or else a
 * price column whose consecutive log differences are taken.
 */
export function parseReturnsCsv(text: string, column?: string): number[] {
  const table = readTable(text);
  const explicit = pickColumn(table, column, RETURN_COLUMNS);
  if (explicit !== null && (column === undefined || !PRICE_COLUMNS.includes(column.toLowerCase()))) {
    return columnValues(table, explicit);
  }
  const prices = parsePriceCsv(text, column);
  if (prices.length < 3) throw new CsvFormatError('need at least 3 prices to derive returns');
  const out = new Array<number>(prices.length - 1);
  for (let i = 1; i < prices.length; i++) out[i - 1] = Math.log(prices[i]! / prices[i - 1]!);
  return out;
}

// Parsing of daily price / return series from CSV text. Pure (text in, numbers out): the scenario
// loader reads the file and inlines the numbers, so the models never touch the file system.
// Parsing by d3-dsv with one delimiter per file; numbers are locale-free (see docs/MODEL.md).
import { dsvFormat } from 'd3-dsv';

/** A CSV problem; `line` is 1-based in the file. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** The scenario field (of price) the problem is about when it is not the file: `column` or `delimiter`. */
    readonly field?: 'column' | 'delimiter',
  ) {
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

/** Field delimiters a data file may use; one per file, never mixed. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

const showDelimiter = (d: string): string => (d === '\t' ? 'tab' : `"${d}"`);

// Messages never echo a file's contents (a data path could name a file of secrets): a cell is shown
// only when it looks like a (malformed) number or is one short word (at most 8 letters/digits, e.g.
// "abc", "n/a"), a header name only when it looks like a column name; otherwise only lengths.
const NUMBER_LIKE = /^[+-]?(?:[0-9][0-9.,' eE+-]{0,29}|0[xX][0-9a-fA-F]{1,16}|[0-9]*\.?[0-9]+%)$/;
const NAME_LIKE = /^[A-Za-z_][A-Za-z0-9_ .()/-]{0,39}$/;

/** `"cell"` for a number-like cell, else only its length. */
function showCell(cell: string): string {
  if (cell === '') return 'an empty cell';
  return NUMBER_LIKE.test(cell) || /^[A-Za-z0-9_./-]{1,8}$/.test(cell) ? `"${cell}"` : `a cell of ${cell.length} character${cell.length === 1 ? '' : 's'} that is not a number`;
}

/** The header's column names when they all look like names, else only their count. */
export function showHeader(header: readonly string[] | null): string {
  if (header === null) return 'none, the file has no header row';
  if (header.length <= 20 && header.every((h) => NAME_LIKE.test(h))) return header.join(', ');
  return `a header row of ${header.length} cell${header.length === 1 ? '' : 's'}, not shown`;
}

/** Delimiters that occur outside double quotes in a line. */
function delimitersIn(line: string): CsvDelimiter[] {
  const found = new Set<CsvDelimiter>();
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (CSV_DELIMITERS as readonly string[]).includes(ch)) found.add(ch as CsvDelimiter);
  }
  return CSV_DELIMITERS.filter((d) => found.has(d));
}

/**
 * The file's delimiter: the given one, or else the one delimiter found in its first data line
 * (header or first row). A first line holding two kinds (e.g. `day;price,usd`) is ambiguous and
 * rejected, as is a file whose later lines use a delimiter the first line does not.
 */
function chooseDelimiter(lines: readonly { line: number; text: string }[], given: CsvDelimiter | undefined): CsvDelimiter {
  const first = lines[0]!;
  if (given !== undefined) {
    const found = delimitersIn(first.text);
    if (!found.includes(given) && found.length > 0) {
      throw new CsvFormatError(`price.delimiter is ${showDelimiter(given)}, but the first line holds none (it holds ${found.map(showDelimiter).join(' and ')})`, first.line, 'delimiter');
    }
    return given;
  }
  const found = delimitersIn(first.text);
  if (found.length > 1) {
    throw new CsvFormatError(`ambiguous delimiter: the first line holds ${found.map(showDelimiter).join(' and ')}; set the scenario's price.delimiter`, first.line);
  }
  const d: CsvDelimiter = found[0] ?? ',';
  for (const l of lines) {
    const other = delimitersIn(l.text).filter((x) => x !== d);
    // A comma inside a number cell of a ";" or tab file is a decimal comma: reported by the number check.
    if (other.length > 0 && !(d !== ',' && other.every((x) => x === ','))) {
      throw new CsvFormatError(`ambiguous delimiter: ${other.map(showDelimiter).join(' and ')} in a file delimited by ${showDelimiter(d)}; set the scenario's price.delimiter`, l.line);
    }
  }
  return d;
}

/**
 * Locale-free numbers only: an optional sign, digits with "." as the decimal point, an optional
 * exponent. No thousands separators, no decimal commas, no currency signs.
 */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const isNumber = (s: string): boolean => NUMBER.test(s) && Number.isFinite(Number(s));

/** Why a cell is not a number, for the message. */
function numberProblem(cell: string): string {
  if (/^[+-]?\d{1,3}(?:[,.' ]\d{3})+(?:[.,]\d+)?$/.test(cell)) return ' (thousands separators are not allowed: write 70000.5, not 70,000.50)';
  if (/^[+-]?\d+,\d+$/.test(cell)) return ' (decimal comma: numbers use "." as the decimal point, e.g. 70000.5)';
  return '';
}

/** Parses CSV text (d3-dsv, RFC 4180 quoting); `#` comment and blank lines are skipped. */
function readTable(text: string, delimiter?: CsvDelimiter): Table {
  const lines = text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  if (lines.length === 0) throw new CsvFormatError('no data rows');
  const dsv = dsvFormat(chooseDelimiter(lines, delimiter));
  const rows: { line: number; cells: string[] }[] = [];
  let header: string[] | null = null;
  let width = -1;
  for (const l of lines) {
    if ((l.text.match(/"/g)?.length ?? 0) % 2 === 1) throw new CsvFormatError('unbalanced double quote: a quoted cell must end on its line', l.line);
    const parsed = dsv.parseRows(l.text);
    if (parsed.length !== 1) throw new CsvFormatError('a quoted cell spans lines', l.line);
    const cells = parsed[0]!.map((c) => c.trim());
    if (header === null && rows.length === 0 && !cells.every(isNumber) && cells.some((c) => !isNumber(c) && !/^\d{4}-\d{2}-\d{2}/.test(c) && numberProblem(c) === '')) {
      header = cells;
      width = cells.length;
      const seen = new Set<string>();
      for (const [i, h] of cells.entries()) {
        if (seen.has(h)) throw new CsvFormatError(`duplicate column name ${NAME_LIKE.test(h) ? `"${h}"` : `(column ${i + 1})`} in the header row: name each column once`, l.line);
        seen.add(h);
      }
      continue;
    }
    if (width < 0) width = cells.length;
    else if (cells.length !== width) throw new CsvFormatError(`expected ${width} cells, got ${cells.length}`, l.line);
    rows.push({ line: l.line, cells });
  }
  if (rows.length === 0) throw new CsvFormatError('no data rows');
  return { header, rows };
}

function pickColumn(table: Table, wanted: string | undefined, candidates: readonly string[]): { index: number; name: string } | null {
  const header = table.header;
  if (wanted !== undefined) {
    const index = header?.findIndex((h) => h === wanted) ?? -1;
    if (index < 0) {
      throw new CsvFormatError(`column: no column "${wanted}" in the file (columns: ${showHeader(header)})`, undefined, 'column');
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

const showColumn = (col: { index: number; name: string }): string => (NAME_LIKE.test(col.name) ? `"${col.name}"` : `${col.index + 1}`);

function columnValues(table: Table, col: { index: number; name: string }): number[] {
  return table.rows.map((r) => {
    const cell = r.cells[col.index] ?? '';
    if (!isNumber(cell)) throw new CsvFormatError(`column ${showColumn(col)}: expected a number, got ${showCell(cell)}${numberProblem(cell)}`, r.line);
    return Number(cell);
  });
}

/** Daily prices (USD) from a CSV: `column`, else priceUsd/price/close, else the only numeric column. */
export function parsePriceCsv(text: string, column?: string, delimiter?: CsvDelimiter): number[] {
  const table = readTable(text, delimiter);
  const col = pickColumn(table, column, PRICE_COLUMNS) ?? onlyNumericColumn(table);
  if (col === null) throw new CsvFormatError('cannot tell which column holds the price: name it with `column`');
  if (RETURN_COLUMNS.includes(col.name.toLowerCase())) {
    throw new CsvFormatError(`column ${showColumn(col)} holds log returns, not prices: name the file in price.returnsFile, or name a price column with \`column\``);
  }
  const values = columnValues(table, col);
  values.forEach((v, i) => {
    if (!(v > 0)) throw new CsvFormatError(`column ${showColumn(col)}: expected a positive price, got ${v}`, table.rows[i]!.line);
  });
  return values;
}

/**
 * Daily log returns from a CSV: a log-return column (`column`, or logReturn/log_return), or else a
 * price column whose consecutive log differences are taken.
 */
export function parseReturnsCsv(text: string, column?: string, delimiter?: CsvDelimiter): number[] {
  const table = readTable(text, delimiter);
  const explicit = pickColumn(table, column, RETURN_COLUMNS);
  if (explicit !== null && (column === undefined || !PRICE_COLUMNS.includes(column.toLowerCase()))) {
    return columnValues(table, explicit);
  }
  const prices = parsePriceCsv(text, column, delimiter);
  if (prices.length < 3) throw new CsvFormatError('need at least 3 prices to derive returns');
  const out = new Array<number>(prices.length - 1);
  for (let i = 1; i < prices.length; i++) out[i - 1] = Math.log(prices[i]! / prices[i - 1]!);
  return out;
}

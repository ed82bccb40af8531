import { ensureOwnDir } from './safe-dir.ts';
import { atomicWriteWith } from './atomic.ts';
import { join } from 'node:path';
import { RESULT_FILES } from './layout.ts';
import { readParquetRowGroups } from './parquet.ts';
import { readResultSet } from './read.ts';

/**
 * One CSV cell (RFC 4180): null, undefined and NaN are empty (NaN is how float nulls read back),
 * numbers in shortest round-trip form, text quoted when it holds a quote, comma or line break.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  let s = String(v);
  // A text cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading
  // apostrophe (OWASP's CSV injection advice): opened in Excel or Sheets it stays text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A date32 value (days since 1970-01-01) as YYYY-MM-DD (UTC). */
export function isoDate(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Writes `<dir>/csv/{runs,series,miners,bands}.csv` from the Parquet tables (RFC 4180 quoting,
 * header row, empty cell = null, numbers in shortest round-trip form). Streams row groups.
 */
export async function exportCsv(dir: string): Promise<string[]> {
  const set = await readResultSet(dir);
  const outDir = set.path(RESULT_FILES.csv);
  await ensureOwnDir(outDir);
  const written: string[] = [];
  for (const name of ['runs', 'series', 'miners', 'agents', 'bands'] as const) {
    const table = set[name];
    if (!table) continue; // agents.parquet: absent from sets written before it existed
    const path = join(outDir, `${name}.csv`);
    await atomicWriteWith(path, async (fh) => {
      const info = await table.info();
      await fh.write(`${info.columns.map((c) => csvCell(c.name)).join(',')}\n`);
      const isDate = new Set(info.columns.filter((c) => c.type === 'date32').map((c) => c.name));
      for await (const g of readParquetRowGroups(table.path)) {
        const cols = g.names.map((n) => g.columns[n]!);
        const dates = g.names.map((n) => isDate.has(n));
        const lines: string[] = [];
        for (let i = 0; i < g.numRows; i++) lines.push(cols.map((c, j) => (dates[j] ? isoDate(c[i] as number) : csvCell(c[i]))).join(','));
        if (lines.length) await fh.write(`${lines.join('\n')}\n`);
      }
    });
    written.push(path);
  }
  return written;
}

import { open, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULT_FILES } from './layout.ts';
import { readParquetRowGroups } from './parquet.ts';
import { readResultSet } from './read.ts';

function cell(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Writes `<dir>/csv/{runs,series,miners,bands}.csv` from the Parquet tables (RFC 4180 quoting,
 * header row, empty cell = null, numbers in shortest round-trip form). Streams row groups.
 */
export async function exportCsv(dir: string): Promise<string[]> {
  const set = await readResultSet(dir);
  const outDir = set.path(RESULT_FILES.csv);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of ['runs', 'series', 'miners', 'bands'] as const) {
    const path = join(outDir, `${name}.csv`);
    const tmp = `${path}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w');
    try {
      const info = await set[name].info();
      await fh.write(`${info.columns.map((c) => cell(c.name)).join(',')}\n`);
      for await (const g of readParquetRowGroups(set[name].path)) {
        const cols = g.names.map((n) => g.columns[n]!);
        const lines: string[] = [];
        for (let i = 0; i < g.numRows; i++) lines.push(cols.map((c) => cell(c[i] ?? null)).join(','));
        if (lines.length) await fh.write(`${lines.join('\n')}\n`);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    written.push(path);
  }
  return written;
}

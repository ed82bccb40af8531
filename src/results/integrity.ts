// Readers check what they read: a result set's tables must be listed in manifest.files with the
// hash and size recorded there, be regular files (no symbolic links), the manifest must not be
// edited (its deterministic hash), and its counts must agree with runs.parquet. compare, merge,
// chart and export call this before trusting a set; verify does its own, reporting every file.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { HashsimError } from '../errors.ts';
import { RESULT_FILES } from './layout.ts';
import { deterministicHash, fileSha256, type Manifest } from './manifest.ts';
import { readParquetInfo } from './parquet.ts';

/** The four tables every result set holds. */
export const REQUIRED_TABLES: readonly string[] = [RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners, RESULT_FILES.bands];

/** A manifest.files key: a plain relative path inside the set (no `..`, no absolute path, no odd characters). */
export function safeSetPath(key: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/.test(key) && !key.split('/').includes('..');
}

/**
 * Throws HashsimError (exit 1) naming every problem when the set fails: an edited manifest, a
 * required table missing from manifest.files or from the folder, a table that is a symbolic link or
 * special file, a hash or size that differs, or counts that disagree with runs.parquet.
 */
export async function checkResultSetIntegrity(dir: string, m: Manifest, tables: readonly string[] = REQUIRED_TABLES): Promise<void> {
  const problems: string[] = [];
  if (deterministicHash(m) !== m.deterministicSha256) problems.push('manifest.json: edited (its deterministic part does not hash to deterministicSha256)');
  const files = m.files ?? {};
  for (const f of tables) {
    const entry = files[f];
    if (entry === undefined || typeof entry?.sha256 !== 'string') {
      problems.push(`${f}: not listed in manifest.files`);
      continue;
    }
    const path = join(dir, f);
    let st;
    try {
      st = await lstat(path);
    } catch {
      problems.push(`${f}: missing`);
      continue;
    }
    if (!st.isFile()) {
      problems.push(`${f}: not a regular file (a symbolic link or special file)`);
      continue;
    }
    if (st.size !== entry.bytes) {
      problems.push(`${f}: size ${st.size} bytes, manifest says ${entry.bytes}`);
      continue;
    }
    const got = await fileSha256(path);
    if (got.sha256 !== entry.sha256) problems.push(`${f}: content hash differs from manifest.json (damaged or tampered)`);
  }
  if (problems.length === 0 && tables.includes(RESULT_FILES.runs)) {
    const rows = (await readParquetInfo(join(dir, RESULT_FILES.runs))).numRows;
    const range = m.runIndexes;
    const want = range ? range.end - range.start : NaN;
    const counted = (m.counts?.ok ?? NaN) + (m.counts?.error ?? NaN);
    if (rows !== want || counted !== want) {
      problems.push(`counts: runs.parquet has ${rows} runs, manifest runIndexes span ${want}, counts say ${counted}`);
    }
  }
  if (problems.length > 0) {
    throw new HashsimError(`${dir}: not a trustworthy result set:\n  ${problems.join('\n  ')}\n(hashsim verify ${dir} reports every file)`, 1);
  }
}

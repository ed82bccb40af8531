// Folders inside a result set that hashsim writes into (charts/, csv/): never through a symbolic
// link (a received set whose `charts` entry links to ~/ must not make hashsim write or delete
// there), and only files hashsim listed itself are ever deleted.
import { lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HashsimError } from '../errors.ts';

/** Creates `path` (one level) or checks it is a real folder, not a symbolic link or a file. */
export async function ensureOwnDir(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(path);
    return;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new HashsimError(`${path}: expected a folder of the result set, found a ${st.isSymbolicLink() ? 'symbolic link' : 'file'}; not writing through it (remove it and retry)`, 1);
  }
}

/**
 * Deletes the chart files that `<chartsDir>/index.json` (written by hashsim) lists and `keep` does
 * not: a file hashsim did not list is never touched.
 */
export async function removeStaleListed(chartsDir: string, keep: ReadonlySet<string>): Promise<void> {
  let listed: unknown;
  try {
    listed = JSON.parse(await readFile(join(chartsDir, 'index.json'), 'utf8'));
  } catch {
    return;
  }
  const charts = (listed as { charts?: unknown } | null)?.charts;
  if (!Array.isArray(charts)) return;
  for (const c of charts) {
    const files = (c as { files?: unknown } | null)?.files;
    if (!Array.isArray(files)) continue;
    for (const f of files) {
      if (typeof f !== 'string') continue;
      const name = basename(f);
      // Only plain chart file names directly in charts/.
      if (name !== f.replace(/^charts\//, '') || !/^[A-Za-z0-9._-]+\.(vl\.json|svg|png)$/.test(name) || keep.has(name)) continue;
      const p = join(chartsDir, name);
      try {
        const st = await lstat(p);
        if (st.isFile() || st.isSymbolicLink()) await rm(p, { force: true });
      } catch {
        // already gone
      }
    }
  }
}

/**
 * The `--out` rules shared by merge, calibrate, backtest and sweep (run has its own in
 * src/batch/index.ts): the folder must be new, empty, or a hashsim output of that kind (it holds
 * one of `markers`); anything else is refused unless `force`. A symbolic link, as the folder itself
 * or as an entry in it, is refused always: hashsim never writes through one. Usage error (exit 2).
 */
export async function checkOutFolder(dir: string, options: { force: boolean; kind: string; markers: readonly string[]; flag?: string }): Promise<void> {
  const flag = options.flag ?? '--out';
  if (dir.trim() === '') throw new HashsimError(`${flag}: expected a folder, got an empty path`);
  let st;
  try {
    st = await lstat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new HashsimError(`${flag} ${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 1);
  }
  if (st.isSymbolicLink()) throw new HashsimError(`${flag} ${dir}: is a symbolic link; hashsim does not write through one (give the folder it points to, or another ${flag})`);
  if (!st.isDirectory()) throw new HashsimError(`${flag} ${dir}: expected a folder, found a file or special file`);
  const entries = await readdir(dir);
  for (const e of entries) {
    if ((await lstat(join(dir, e))).isSymbolicLink()) {
      throw new HashsimError(`${flag} ${dir}: holds a symbolic link (${e}); hashsim never writes through one (remove it, or choose another ${flag})`);
    }
  }
  if (entries.length === 0 || options.force) return;
  if (options.markers.some((m) => entries.includes(m))) return;
  throw new HashsimError(
    `${flag} ${dir}: the folder holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} and is not a ${options.kind}; ` +
      `choose a new or empty folder (or --force to write into it anyway)`,
  );
}

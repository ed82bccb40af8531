// Folders inside a result set that hashsim writes into (charts/, csv/): never through a symbolic
// link (a received set whose `charts` entry links to ~/ must not make hashsim write or delete
// there), and only files hashsim listed itself are ever deleted.
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
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

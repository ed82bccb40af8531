// `npm run main` (scripts/main.sh): builds dist/ only when it is not a build of the current sources
// (content-hash stamp, bin/dist-stamp.mjs); a current build is reused as it is.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsCurrent, sourceHash } from '../bin/dist-stamp.mjs';

/** Runs `build` unless dist/ under `root` is current; returns what it did. */
export function ensureBuild(root, build) {
  if (distIsCurrent(root)) return { built: false, sha256: sourceHash(root) };
  return { built: true, ok: build() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const r = ensureBuild(root, () => spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] }).status === 0);
  if (!r.built) process.stderr.write(`build: dist/ is current (sources sha256 ${r.sha256.slice(0, 12)}); not rebuilt\n`);
  else if (!r.ok) process.stderr.write('build did not complete: the CLI runs the TypeScript sources through tsx\n');
}

// `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json) and stamps it with a hash of
// the sources it was built from. bin/hashsim.mjs runs dist/ only while that stamp matches src/;
// otherwise it runs the TypeScript sources through tsx, so a stale build never runs.
// Type errors are reported but do not stop the build: the emitted JavaScript is what tsx would run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceHash, stampContent } from '../bin/dist-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const before = sourceHash(root);
// Without a stamp dist/ counts as stale for the whole build; a fresh folder drops files of deleted sources.
rmSync(join(dist, STAMP_FILE), { force: true });
rmSync(dist, { recursive: true, force: true });

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// tsc exit 2: diagnostics, outputs generated; 1: outputs skipped.
if (r.status !== 0 && r.status !== 2) {
  process.stderr.write(`build: tsc failed (exit ${r.status ?? r.signal}); dist/ not stamped, the CLI keeps using tsx\n`);
  process.exit(1);
}
if (r.status === 2) process.stderr.write('build: tsc reported type errors (above); JavaScript was emitted anyway\n');

// Non-TypeScript files that modules load next to themselves (the tsx preload of the workers).
function copyAssets(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) copyAssets(path);
    else if (e.isFile() && !/\.(?:ts|mts|cts|tsx)$/.test(e.name)) {
      const to = join(dist, relative(join(root, 'src'), path));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(path, to);
    }
  }
}
copyAssets(join(root, 'src'));

const after = sourceHash(root);
if (after !== before) {
  process.stderr.write('build: sources changed during the build; dist/ not stamped (run the build again)\n');
  process.exit(1);
}
const tmp = join(dist, `${STAMP_FILE}.tmp-${process.pid}`);
writeFileSync(tmp, stampContent(after));
renameSync(tmp, join(dist, STAMP_FILE));
process.stdout.write(`build: dist/ compiled from src/ (sources sha256 ${after.slice(0, 12)})\n`);

// Whether dist/ (the compiled CLI of `npm run build`) was built from exactly the sources now in src/.
// The stamp is a content hash, not a timestamp: a checkout, copy or archive that keeps old mtimes
// cannot make a stale dist/ look current. Plain JavaScript: it runs before any TypeScript loader.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = '.build-stamp.json';
const STAMP_FORMAT = 'hashsim-dist/1';

/** Files whose content decides what the build emits, besides everything under src/. */
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs', 'node_modules/typescript/package.json'];

function listFiles(root, dir, out) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) listFiles(root, rel, out);
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** sha256 over the relative path and bytes of every source file and build input (sorted). */
export function sourceHash(root) {
  const files = listFiles(root, 'src', []).sort();
  const h = createHash('sha256');
  for (const rel of [...files, ...BUILD_INPUTS]) {
    const path = join(root, rel);
    const bytes = existsSync(path) ? readFileSync(path) : null;
    h.update(`${rel}\0${bytes === null ? -1 : bytes.length}\0`);
    if (bytes !== null) h.update(bytes);
  }
  return h.digest('hex');
}

export function stampContent(hash) {
  return `${JSON.stringify({ format: STAMP_FORMAT, sourceSha256: hash }, null, 2)}\n`;
}

/** True only when dist/ holds a complete build of the current sources. Any doubt: false. */
export function distIsCurrent(root) {
  try {
    const stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP_FILE), 'utf8'));
    if (stamp?.format !== STAMP_FORMAT || typeof stamp.sourceSha256 !== 'string') return false;
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) return false;
    return stamp.sourceSha256 === sourceHash(root);
  } catch {
    return false;
  }
}

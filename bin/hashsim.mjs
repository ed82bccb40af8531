#!/usr/bin/env node
// Runs the compiled dist/ when `npm run build` made it from exactly the current src/ (content-hash
// stamp, bin/dist-stamp.mjs): the CLI and its worker threads then start without tsx. Otherwise (no
// build, or sources changed since) it runs the TypeScript sources through tsx's loader, so a stale
// build never runs. HASHSIM_NO_DIST=1 forces the sources.
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './dist-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let main;
if (process.env.HASHSIM_NO_DIST !== '1' && distIsCurrent(root)) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);

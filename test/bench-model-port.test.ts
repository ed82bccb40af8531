// The bench-model's JavaScript port (bench/bench-model/miners.mjs) against the C program it ports
// (bench/bench-model/miners.c, built here with gcc -O2): `npm run bench` reports hashsim's speed
// against both, and the port is only a fair reference if it is the same program. It draws the same
// xoshiro256** stream, so every count (blocks, retargets, margin calls, exits, ...) must be equal and
// every reported amount and daily row the same number; a port that drew one random number more, took
// a branch differently or reordered a sum would diverge within days.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'bench', 'bench-model', 'miners.c');
const PORT = join(ROOT, 'bench', 'bench-model', 'miners.mjs');

let dir = '';
let bin = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashsim-port-'));
  bin = join(dir, 'miners');
  execFileSync('gcc', ['-O2', '-o', bin, SRC, '-lm']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** key=value pairs of a report, without the timing fields and the implementation name. */
function report(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of stdout.matchAll(/([a-zA-Z_]+)=([^\s]+)/g)) {
    if (['impl', 'init_s', 'run_s', 'miner_steps_per_s'].includes(m[1]!)) continue;
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function csvRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
}

describe('bench-model JS port', () => {
  // sigma 0.03 (the model's default: price moves, margin calls), 0.08 (a falling price: liquidations,
  // exits, AI pivots tried and unfundable), and the constant price `npm run bench` times; `acts`
  // lists the counters each case must drive above zero, so every rule's branch is compared.
  const cases = [
    { n: 1000, days: 365, seed: '1', sigma: undefined, acts: ['margin_calls', 'exited'] },
    { n: 500, days: 730, seed: '2', sigma: '0.08', acts: ['margin_calls', 'liquidations', 'exited', 'pivot_unaffordable'] },
    { n: 2000, days: 400, seed: '3', sigma: '0', acts: ['retargets'] },
  ];
  for (const c of cases) {
    it(`draws and computes what miners.c does: ${c.n} miners x ${c.days} days, seed ${c.seed}, sigma ${c.sigma ?? 'default'}`, () => {
      const env = { ...process.env, ...(c.sigma === undefined ? {} : { BENCH_PRICE_SIGMA: c.sigma }) };
      if (c.sigma === undefined) delete env.BENCH_PRICE_SIGMA;
      const cCsv = join(dir, `c-${c.seed}.csv`);
      const jsCsv = join(dir, `js-${c.seed}.csv`);
      const cOut = execFileSync(bin, [String(c.n), String(c.days), c.seed, cCsv], { env, encoding: 'utf8' });
      const jsOut = execFileSync(process.execPath, [PORT, String(c.n), String(c.days), c.seed, jsCsv], { env, encoding: 'utf8' });
      expect(jsOut).toMatch(/^impl=js /);
      const a = report(cOut);
      const b = report(jsOut);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      expect(a.size).toBeGreaterThan(15);
      for (const [k, v] of a) expect(b.get(k), k).toBe(v);
      const rowsC = csvRows(cCsv);
      const rowsJs = csvRows(jsCsv);
      expect(rowsJs.length).toBe(c.days);
      expect(rowsJs).toEqual(rowsC);
      // the case exercises what it is for
      expect(a.get('blocks')!).toBeGreaterThan(50 * c.days);
      for (const k of c.acts) expect(a.get(k), k).toBeGreaterThan(0);
    });
  }
});

// Issue 19, remaining gaps, at the CLI: a run past --run-timeout is a failed run (the batch goes
// on), strategy module state is per run, --out rules for merge/calibrate/backtest/sweep, readers
// check hashes, the price CSV parser, output.metrics.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';

let dir: string;

function write(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return name;
}

const noStack = (s: string) => {
  expect(s).not.toMatch(/internal error/);
  expect(s).not.toMatch(/\n\s+at .*:\d+:\d+/);
};

const scenarioWith = (name: string, module: string) =>
  `name: ${name}\nhorizonDays: 20\nminers:\n  - { name: a, hashrateEHs: 50, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: ${module} }\nfringe: { hashrateEHs: 600 }\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashsim-gaps-'));
});

describe('--run-timeout', () => {
  it('a run past the limit is recorded as a failed run and the batch goes on (exit 1)', async () => {
    // The first run to call the hook (run 0: a single worker takes run 0 first) never returns.
    write(
      'hang.mjs',
      "import { writeFileSync } from 'node:fs';\nlet first;\nexport default { operate() {\n" +
        "  if (first === undefined) { try { writeFileSync(new URL('./hang.marker', import.meta.url), 'x', { flag: 'wx' }); first = true; } catch { first = false; } }\n" +
        '  if (first) for (;;) {}\n} };\n',
    );
    write('hang.yaml', scenarioWith('hang', 'hang.mjs'));
    const r = await runCli(['run', 'hang.yaml', '--runs', '3', '--out', 'hang-out', '--no-charts', '--allow-code', '--workers', '1', '--run-timeout', '1', '--progress', 'none'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/3 runs, 2 ok, 1 failed/);
    expect(r.stderr).toMatch(/run 0: run 0 took longer than 1 s \(--run-timeout/);
    noStack(r.stderr);
    const m = JSON.parse(readFileSync(join(dir, 'hang-out', 'manifest.json'), 'utf8')) as { failedRuns: { runIndex: number; error: string }[]; counts: { ok: number; error: number } };
    expect(m.counts).toEqual({ ok: 2, error: 1 });
    expect(m.failedRuns.map((f) => f.runIndex)).toEqual([0]);
    expect(existsSync(join(dir, 'hang-out', '.partial'))).toBe(false);
    // The set is complete and consistent.
    const v = await runCli(['verify', 'hang-out', '--sample', '0'], dir);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});

describe('strategy module state', () => {
  it('a module-level counter gives byte-identical results with --workers 1 and --workers 2', async () => {
    write('counter.mjs', 'let calls = 0;\nexport default { operate(miner) { calls++; for (let k = 0; k < miner.cohortCount; k++) miner.setCohortOn(k, calls % 7 < 3); } };\n');
    write('counter.yaml', scenarioWith('counter', 'counter.mjs'));
    for (const w of ['1', '2']) {
      const r = await runCli(['run', 'counter.yaml', '--runs', '4', '--out', `counter-w${w}`, '--quiet', '--no-charts', '--allow-code', '--workers', w], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const f of ['runs.parquet', 'series.parquet', 'miners.parquet', 'bands.parquet']) {
      expect(readFileSync(join(dir, 'counter-w1', f)).equals(readFileSync(join(dir, 'counter-w2', f))), f).toBe(true);
    }
  });
});

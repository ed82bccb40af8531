// Issue 19, remaining gaps, at the CLI: a run past --run-timeout is a failed run (the batch goes
// on), strategy module state is per run, --out rules for merge/calibrate/backtest/sweep, readers
// check hashes, the price CSV parser, output.metrics.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli-helpers.ts';

// Each test runs the CLI several times (batches, a sweep): generous limits on a loaded machine.
vi.setConfig({ testTimeout: 400_000 });

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

  it('verify re-runs every run of that set with fresh module instances: all match (one shared instance would not)', async () => {
    // counter-w2 from the test above: re-running its 4 runs one after another in one process.
    const r = await runCli(['verify', 'counter-w2', '--sample', '4', '--allow-code'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("re-ran all runs: 4 identical, 0 differ");
  });
});

describe('--out rules for merge, calibrate, backtest and sweep', () => {
  const GOOD = `name: g\nhorizonDays: 5\nminers: [{ name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }]\nfringe: { hashrateEHs: 900 }\n`;

  it('merge refuses a folder of other files and a symbolic link; writes into a new folder', async () => {
    write('g.yaml', GOOD);
    for (const i of ['0', '1']) {
      const r = await runCli(['run', 'g.yaml', '--runs', '2', '--shard', `${i}/2`, '--out', `shard-${i}`, '--quiet', '--no-charts', '--workers', '1'], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    write('mine/notes.txt', 'my notes');
    write('mine/runs.parquet', 'not yours');
    const refused = await runCli(['merge', 'shard-0', 'shard-1', '--out', 'mine'], dir);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/--out mine: the folder holds 2 entries and is not a hashsim result set/);
    expect(readFileSync(join(dir, 'mine', 'runs.parquet'), 'utf8')).toBe('not yours');
    expect(existsSync(join(dir, 'mine', 'manifest.json'))).toBe(false);
    mkdirSync(join(dir, 'target'));
    symlinkSync(join(dir, 'target'), join(dir, 'linked'));
    const link = await runCli(['merge', 'shard-0', 'shard-1', '--out', 'linked', '--force'], dir);
    expect(link.code, link.stderr).toBe(2);
    expect(link.stderr).toMatch(/--out linked: is a symbolic link/);
    expect(readdirSync(join(dir, 'target'))).toEqual([]);
    const ok = await runCli(['merge', 'shard-0', 'shard-1', '--out', 'merged'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(dir, 'merged')).sort()).not.toContain('.hashsim.lock');
    noStack(refused.stderr + link.stderr);
  });

  it('backtest and calibrate refuse an --out that is a symbolic link or holds one, even with --force', async () => {
    mkdirSync(join(dir, 'bt-target'), { recursive: true });
    symlinkSync(join(dir, 'bt-target'), join(dir, 'bt-link'));
    write('fringe.yaml', 'name: fringe-only\nfringe: { hashrateEHs: realized }\n');
    const bt = await runCli(['backtest', 'fringe.yaml', '--runs', '2', '--out', 'bt-link', '--force'], dir);
    expect(bt.code, bt.stderr).toBe(2);
    expect(bt.stderr).toMatch(/--out bt-link: is a symbolic link/);
    write('bt-holds/backtest.json', '{}');
    symlinkSync(join(dir, 'bt-target'), join(dir, 'bt-holds', 'backtest.parquet'));
    const holds = await runCli(['backtest', 'fringe.yaml', '--runs', '2', '--out', 'bt-holds'], dir);
    expect(holds.code, holds.stderr).toBe(2);
    expect(holds.stderr).toMatch(/holds a symbolic link \(backtest\.parquet\)/);
    const root = join(__dirname, '..');
    write('cal.yaml', [
      'name: tiny',
      `base: ${join(root, 'scenarios/baseline-2026.yaml')}`,
      'parameters:',
      '  - { path: fringe.powerPrice.medianUsdPerMWh, prior: { dist: uniform, min: 25, max: 70 } }',
      'windows:',
      "  - { from: '2023-09-01', to: '2024-01-15', feeBtcPerBlock: 0.2 }",
      'sampler: { chains: 2, iterations: 160, burnIn: 80, thin: 4, block: 20 }',
      '',
    ].join('\n'));
    const cal = await runCli(['calibrate', 'cal.yaml', '--out', 'bt-link', '--force', '--quiet'], dir);
    expect(cal.code, cal.stderr).toBe(2);
    expect(cal.stderr).toMatch(/--out bt-link: is a symbolic link/);
    expect(readdirSync(join(dir, 'bt-target'))).toEqual([]);
    noStack(bt.stderr + holds.stderr + cal.stderr);
  });

  it("a sweep file's out: may not leave the working folder or the sweep file's folder; a folder of other files is refused", async () => {
    write('g.yaml', GOOD);
    const outside = mkdtempSync(join(tmpdir(), 'hashsim-outside-'));
    write('sw/escape.yaml', `base: ../g.yaml\nseed: 1\nreplications: 1\nbaseline: false\nout: ${join(outside, 'swept')}\ndesign: { type: grid, parameters: { horizonDays: [4, 5] } }\n`);
    const r = await runCli(['sweep', 'sw/escape.yaml', '--quiet', '--no-charts'], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/escape\.yaml: out: ".*swept" lies outside the working folder and the sweep file's folder/);
    expect(readdirSync(outside)).toEqual([]);
    write('sw/dotdot.yaml', `base: ../g.yaml\nseed: 1\nreplications: 1\nbaseline: false\nout: ../../x-escaped\ndesign: { type: grid, parameters: { horizonDays: [4, 5] } }\n`);
    const dd = await runCli(['sweep', 'sw/dotdot.yaml', '--quiet', '--no-charts'], join(dir, 'sw'));
    expect(dd.code, dd.stderr).toBe(2);
    expect(existsSync(join(dir, '..', 'x-escaped'))).toBe(false);
    write('other/keep.txt', 'mine');
    const other = await runCli(['sweep', 'sw/escape.yaml', '--out', 'other', '--quiet', '--no-charts'], dir);
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toMatch(/--out \S*other: the folder holds 1 entry and is not a sweep folder/);
    expect(readdirSync(join(dir, 'other'))).toEqual(['keep.txt']);
    noStack(r.stderr + dd.stderr + other.stderr);
  });
});

describe('readers check the hashes of what they read', () => {
  const GOOD = `name: g\nhorizonDays: 5\nminers: [{ name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }]\nfringe: { hashrateEHs: 900 }\n`;
  const flip = (p: string) => {
    const b = readFileSync(p);
    b[Math.floor(b.length / 2)]! ^= 0x01;
    writeFileSync(p, b);
  };

  it('report refuses a set with a flipped byte, naming the file (exit 1)', async () => {
    write('g.yaml', GOOD);
    const r = await runCli(['run', 'g.yaml', '--runs', '2', '--out', 'rep', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    flip(join(dir, 'rep', 'bands.parquet'));
    const rep = await runCli(['report', 'rep'], dir);
    expect(rep.code, rep.stderr).toBe(1);
    expect(rep.stderr).toMatch(/bands\.parquet: content hash differs/);
    expect(existsSync(join(dir, 'rep', 'report.html'))).toBe(false);
    noStack(rep.stderr);
  });

  it("analyze checks sweep.parquet against sweep-files.json and each point's tables against its manifest", async () => {
    write('g.yaml', GOOD);
    write('an.yaml', 'base: g.yaml\nseed: 1\nreplications: 2\nbaseline: true\ndesign: { type: grid, parameters: { price.driftAnnual: [-0.5, 0.5] } }\n');
    const s = await runCli(['sweep', 'an.yaml', '--out', 'an-out', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(s.code, s.stderr).toBe(0);
    expect(existsSync(join(dir, 'an-out', 'sweep-files.json'))).toBe(true);
    const ok = await runCli(['analyze', 'an-out', '--no-charts', '--quiet'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const { cpSync } = await import('node:fs');
    const copy = (name: string) => {
      cpSync(join(dir, 'an-out'), join(dir, name), { recursive: true });
      return name;
    };
    const t1 = copy('an-t1');
    flip(join(dir, t1, 'sweep.parquet'));
    const a1 = await runCli(['analyze', t1, '--no-charts', '--quiet'], dir);
    expect(a1.code, a1.stderr).toBe(1);
    expect(a1.stderr).toMatch(/sweep\.parquet: content hash differs from sweep-files\.json/);
    const t2 = copy('an-t2');
    flip(join(dir, t2, 'points', '1', 'runs.parquet'));
    const a2 = await runCli(['analyze', t2, '--no-charts', '--quiet', '--outcome', 'final_price_usd > 1'], dir);
    expect(a2.code, a2.stderr).toBe(1);
    expect(a2.stderr).toMatch(/points\/1: not a trustworthy result set:\n\s+runs\.parquet: content hash differs/);
    const t3 = copy('an-t3');
    flip(join(dir, t3, 'base', 'runs.parquet'));
    const a3 = await runCli(['analyze', t3, '--no-charts', '--quiet'], dir);
    expect(a3.code, a3.stderr).toBe(1);
    expect(a3.stderr).toMatch(/base: not a trustworthy result set/);
    const t4 = copy('an-t4');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, t4, 'sweep-files.json'));
    const a4 = await runCli(['analyze', t4, '--no-charts', '--quiet'], dir);
    expect(a4.code, a4.stderr).toBe(1);
    expect(a4.stderr).toMatch(/sweep\.parquet: no hash recorded/);
    const t5 = copy('an-t5');
    const doc = JSON.parse(readFileSync(join(dir, t5, 'sweep.json'), 'utf8')) as { points: { dir: string }[] };
    doc.points[0]!.dir = '../../etc';
    writeFileSync(join(dir, t5, 'sweep.json'), JSON.stringify(doc));
    const a5 = await runCli(['analyze', t5, '--no-charts', '--quiet'], dir);
    expect(a5.code, a5.stderr).toBe(1);
    expect(a5.stderr).toMatch(/points\[0\]\.dir: expected points\/<k>/);
    for (const x of [a1, a2, a3, a4, a5]) noStack(x.stderr);
    // chart and report of a sweep folder read sweep.parquet only after the same check.
    for (const cmd of ['chart', 'report']) {
      const r = await runCli([cmd, t1, '--quiet'], dir);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/sweep\.parquet: content hash differs from sweep-files\.json/);
      noStack(r.stderr);
    }
  });
});

describe('price CSV', () => {
  const scen = (csv: string, extra = '') => `name: csv\nhorizonDays: 2\nprice: { model: path, file: ${csv}${extra} }\nfringe: { hashrateEHs: 900 }\n`;
  const check = async (name: string, csv: string, extra = '') => {
    write(`${name}.csv`, csv);
    write(`${name}.yaml`, scen(`${name}.csv`, extra));
    return runCli(['validate', `${name}.yaml`], dir);
  };

  it('quoted header and cells parse; an explicit delimiter is checked against the file', async () => {
    const q = await check('quoted', '"date","price usd"\n"2024-01-01","70000.5"\n2024-01-02,70100\n2024-01-03,"69900"\n', ', column: price usd');
    expect(q.code, q.stderr).toBe(0);
    const semi = await check('semi', '"date";"priceUsd"\n2024-01-01;70000.5\n2024-01-02;70100\n2024-01-03;70200\n', ', delimiter: ";"');
    expect(semi.code, semi.stderr).toBe(0);
    const wrong = await check('wrongdelim', 'date\tpriceUsd\n2024-01-01\t70000.5\n2024-01-02\t70100\n', ', delimiter: ","');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/line 1: price\.delimiter is ",", but the first line holds none \(it holds tab\)/);
  });

  it('ambiguous or malformed files are refused with a clear message', async () => {
    const dup = await check('dup', 'date,price,price\n2024-01-01,1,2\n2024-01-02,1,2\n');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/line 1: duplicate column name "price" in the header row/);
    const ret = await check('returns', 'date,log_return\n2024-01-01,0.01\n2024-01-02,0.02\n');
    expect(ret.code).toBe(1);
    expect(ret.stderr).toMatch(/column "log_return" holds log returns, not prices: name the file in price\.returnsFile/);
    const quote = await check('quote', 'date,"pri\nce"\n2024-01-01,5\n');
    expect(quote.code).toBe(1);
    expect(quote.stderr).toMatch(/line 1: unbalanced double quote/);
    const hex = await check('hex', 'date,price\n2024-01-01,0x11170\n2024-01-02,70000\n');
    expect(hex.code).toBe(1);
    expect(hex.stderr).toMatch(/line 2: column "price": expected a number, got "0x11170"/);
    for (const r of [dup, ret, quote, hex]) noStack(r.stderr);
  });

  it('messages never echo file contents', async () => {
    const secret = 'root:$6$hunter2secretsalt$abcdefghijklmnop:19000:0:99999:7:::';
    const col = await check('secret1', `${secret}\nother:line\n`, ', column: x');
    expect(col.code).toBe(1);
    expect(col.stderr).toMatch(/column: no column "x" in the file \(columns: a header row of 1 cell, not shown\)/);
    const cell = await check('secret2', `date,price\n2024-01-01,${secret}\n2024-01-02,70000\n`);
    expect(cell.code).toBe(1);
    expect(cell.stderr).toMatch(/line 2: column "price": expected a number, got a cell of \d+ characters that is not a number/);
    for (const r of [col, cell]) expect(r.stdout + r.stderr).not.toMatch(/hunter2/);
  });
});

describe('field paths of cross-checked values', () => {
  it('a dated price file without the named column is reported at price.column, its header not echoed', async () => {
    write('dated.csv', 'date,close_usd\n2026-03-01,70000\n2026-03-02,70100\n');
    write('dated.yaml', 'name: d\nhorizonDays: 1\nstart: { date: 2026-03-01 }\nprice: { model: path, file: dated.csv, dated: true, column: px }\nfringe: { hashrateEHs: 900 }\n');
    const r = await runCli(['validate', 'dated.yaml'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/price\.column: dated\.csv: line 1: no column "px" \(columns: date, close_usd\)/);
  });

  it('an LTV threshold out of range is reported at its own field, not at its neighbour', async () => {
    write('ltv.yaml', 'name: l\nfringe: { hashrateEHs: 900 }\nminers:\n  - { name: m, hashrateEHs: 10, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, treasuryBtc: 100, loan: { principalUsd: 1000000, marginCallLtv: 1e300 } }\n');
    const r = await runCli(['validate', 'ltv.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/miners\[0\]\.loan\.marginCallLtv: expected LTVs in \(0, 1\)/);
    expect(r.stderr).not.toMatch(/liquidationLtv/);
  });
});

describe('output.metrics', () => {
  it('validate and run print a note that it does not restrict what is written', async () => {
    write('om-note.yaml', 'name: omn\nhorizonDays: 3\nfringe: { hashrateEHs: 900 }\noutput: { metrics: [hashrate_ehs] }\n');
    const v = await runCli(['validate', 'om-note.yaml'], dir);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/om-note\.yaml: note: output\.metrics does not restrict what is written/);
    const r = await runCli(['run', 'om-note.yaml', '--runs', '1', '--out', 'om-note-out', '--no-charts', '--workers', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: output\.metrics does not restrict what is written/);
  });

  it('names are checked (a typo is refused with the nearest name); every series metric is still written', async () => {
    const base = `name: om\nhorizonDays: 5\nminers: [{ name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }]\nfringe: { hashrateEHs: 900 }\n`;
    write('om-bad.yaml', `${base}output: { sampleEverySteps: 1, metrics: [difficulty, hashrate_eh] }\n`);
    const bad = await runCli(['validate', 'om-bad.yaml'], dir);
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/output\.metrics\[1\]: unknown series metric "hashrate_eh"; did you mean "hashrate_ehs"\?/);
    noStack(bad.stderr);
    write('om-good.yaml', `${base}output: { sampleEverySteps: 1, metrics: [difficulty] }\n`);
    const run = await runCli(['run', 'om-good.yaml', '--runs', '1', '--out', 'om-out', '--quiet', '--no-charts', '--workers', '1', '--csv'], dir);
    expect(run.code, run.stderr).toBe(0);
    const header = readFileSync(join(dir, 'om-out', 'csv', 'series.csv'), 'utf8').split('\n')[0]!;
    expect(header).toMatch(/difficulty/);
    expect(header).toMatch(/hashrate_ehs/);
  });
});

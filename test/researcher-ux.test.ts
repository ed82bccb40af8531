// Issue 16 (a researcher's day without friction): one CLI-level test per numbered point, each of
// which failed before the change.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { readManifestFile, tmp, writeScenario } from './batch-helpers.ts';
// @ts-expect-error plain JavaScript module without types
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { sourceHash, stampContent } from '../bin/dist-stamp.mjs';

const QUICK = ['--no-charts', '--quiet', '--workers', '1'];

describe('1. result folders named by the batch; npm run main reuses a current build', () => {
  it('a second batch of the same scenario with another seed and run count gets its own folder', async () => {
    const dir = tmp('ux-naming');
    writeScenario(dir, { name: 'tiny', horizonDays: 20 });
    const a = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['run', 'tiny.yaml', '--runs', '3', '--seed', '7', ...QUICK], dir);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toContain(join('results', 'tiny', 'seed-2026-runs-2'));
    expect(b.stdout).toContain(join('results', 'tiny', 'seed-7-runs-3'));
    expect(readManifestFile(join(dir, 'results/tiny/seed-2026-runs-2')).runs).toBe(2);
    expect(readManifestFile(join(dir, 'results/tiny/seed-7-runs-3')).seed).toBe(7);
    // The same batch again is up to date, not a collision.
    const again = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^up to date/);
    // A true collision (same name, seed and runs, edited scenario) is still refused.
    writeFileSync(join(dir, 'tiny.yaml'), readFileSync(join(dir, 'tiny.yaml'), 'utf8').replace('horizonDays: 20', 'horizonDays: 21'));
    const clash = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toMatch(/different batch.*scenario sha256/);
    // compare's default folder names both sides by scenario and batch.
    const c = await runCli(['compare', 'results/tiny/seed-2026-runs-2', 'results/tiny/seed-7-runs-3', '--no-charts', '--resamples', '50', '--no-steps'], dir);
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(dir, 'results', 'compare-tiny-seed-2026-runs-2-vs-tiny-seed-7-runs-3', 'compare.json'))).toBe(true);
  }, 240_000);

  it('scripts/main.sh builds only when dist/ is not a build of the current sources', () => {
    const root = tmp('ux-build');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    let builds = 0;
    const build = () => {
      builds++;
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
      writeFileSync(join(root, 'dist', '.build-stamp.json'), stampContent(sourceHash(root)));
      return true;
    };
    expect(ensureBuild(root, build).built).toBe(true);
    expect(ensureBuild(root, build).built).toBe(false);
    expect(builds).toBe(1);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    expect(ensureBuild(root, build).built).toBe(true);
    expect(builds).toBe(2);
    const main = readFileSync(new URL('../scripts/main.sh', import.meta.url), 'utf8');
    expect(main).toContain('node scripts/ensure-build.mjs');
    expect(main).not.toMatch(/npm run --silent build/);
  });
});

describe('9. provenance records the sources that ran and local edits', () => {
  it('sourceInfo: a content hash of src/ and package files, and git dirty flag', async () => {
    const { sourceInfo } = await import('../src/results/manifest.ts');
    const { spawnSync } = await import('node:child_process');
    const root = tmp('ux-source');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const clean = sourceInfo(root);
    expect(clean.dirty).toBe(false);
    expect(clean.sha256).toMatch(/^[0-9a-f]{64}$/);
    const copy = tmp('ux-source-copy');
    cpSync(root, copy, { recursive: true });
    writeFileSync(join(copy, 'src', 'a.ts'), 'export const a = 2;\n');
    const edited = sourceInfo(copy);
    expect(edited.dirty).toBe(true);
    expect(edited.sha256).not.toBe(clean.sha256);
  });

  it('a batch manifest carries source.sha256 and source.dirty', async () => {
    const dir = tmp('ux-prov');
    writeScenario(dir, { name: 'tiny', horizonDays: 10 });
    const r = await runCli(['run', 'tiny.yaml', '--runs', '1', '--out', 'set', ...QUICK], dir);
    expect(r.code, r.stderr).toBe(0);
    const m = readManifestFile(join(dir, 'set'));
    expect(m.source?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof m.source?.dirty).toBe('boolean');
  }, 120_000);
});

describe('7. tables join: date (UTC) and set-identifying columns', () => {
  it('series/bands carry a DATE column; every table names scenario, scenario hash and seed; CSV dates are ISO', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = tmp('ux-join');
    writeScenario(dir, { name: 'tiny', horizonDays: 20 });
    for (const seed of ['3', 'four']) {
      const r = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', seed, '--csv', ...QUICK], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const m = readManifestFile(join(dir, 'results/tiny/seed-3-runs-2'));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const glob = (t: string) => `read_parquet('${join(dir, 'results', 'tiny', '*', `${t}.parquet`)}')`;
    const types = await q(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${glob('series')})`);
    expect(types.find((t) => t.column_name === 'date')?.column_type).toBe('DATE');
    const first = await q(`SELECT scenario, scenario_sha256, seed, strftime(date, '%Y-%m-%d') AS d, day FROM ${glob('series')} WHERE step = 0 ORDER BY seed, run_index`);
    expect(first.map((r) => r.seed)).toEqual(['3', '3', 'four', 'four']);
    expect(first.every((r) => r.scenario === 'tiny' && r.scenario_sha256 === m.scenario.sha256 && r.d === '2026-03-01')).toBe(true);
    const last = await q(`SELECT DISTINCT strftime(date, '%Y-%m-%d') AS d, day FROM ${glob('bands')} WHERE step = (SELECT max(step) FROM ${glob('bands')})`);
    expect(last).toEqual([{ d: '2026-03-20', day: 19 }]);
    for (const t of ['runs', 'miners']) {
      const rows = await q(`SELECT seed, count(*) AS n FROM ${glob(t)} GROUP BY seed ORDER BY seed`);
      expect(rows.map((r) => r.seed), t).toEqual(['3', 'four']);
    }
    const csv = readFileSync(join(dir, 'results/tiny/seed-3-runs-2/csv/series.csv'), 'utf8').split('\n');
    expect(csv[0]!.startsWith('scenario,scenario_sha256,seed,run_index,step,day,date,')).toBe(true);
    expect(csv[1]!).toContain(',2026-03-01,');
  }, 240_000);
});

describe('8. float residues snapped to 0 below a documented tolerance', () => {
  it('a repaid loan with 1.16e-10 USD left is stored as debt 0; real values are kept', async () => {
    const { recordFromResult, SNAP_TOLERANCE } = await import('../src/results/record.ts');
    const rec = recordFromResult({
      runIndex: 0,
      sampleDays: Float64Array.of(0, 1),
      series: { debt_usd: Float64Array.of(1.16e-10, 5), treasury_btc: Float64Array.of(-3e-14, 0.5), hhi: Float64Array.of(1e-9, 0) },
      summary: { final_debt_usd: 1.16e-10, final_cash_usd: -224_913, sold_total_btc: 1e-13 },
      miners: [{ name: 'm', status: 'active', values: { final_debt_usd: 1.16e-10, final_collateral_btc: 2e-13, exit_day: null, mw_pivoted: 1e-9 } }],
    });
    expect(rec.summary).toEqual({ final_debt_usd: 0, final_cash_usd: -224_913, sold_total_btc: 0 });
    expect(rec.miners[0]!.values).toEqual({ final_debt_usd: 0, final_collateral_btc: 0, exit_day: null, mw_pivoted: 1e-9 });
    expect([...rec.series.debt_usd!]).toEqual([0, 5]);
    expect([...rec.series.treasury_btc!]).toEqual([0, 0.5]);
    expect([...rec.series.hhi!]).toEqual([1e-9, 0]);
    const doc = readFileSync(new URL('../docs/RESULTS.md', import.meta.url), 'utf8');
    expect(SNAP_TOLERANCE).toEqual({ usd: 1e-6, btc: 1e-12 });
    expect(doc).toContain('|v| < 1e-6 USD');
    expect(doc).toContain('|v| < 1e-12 BTC');
    expect(doc).toMatch(/Cash can be negative \(overdraft\)/);
  });
});

describe('7. agents.parquet: per-step series of the named miners', () => {
  it('one row per run x step x named miner, matching simulate(), with the documented columns; verify re-checks it', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { simulate } = await import('../src/engine/index.ts');
    const { loadScenarioFile } = await import('../src/scenario/load.ts');
    const { AGENT_SERIES_FIELDS } = await import('../src/engine/agent-series.ts');
    const dir = tmp('ux-agents');
    writeScenario(dir, { name: 'tiny', horizonDays: 30, sampleEvery: 5 });
    const r = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '9', '--out', 'set', ...QUICK], dir);
    expect(r.code, r.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const path = join(dir, 'set', 'agents.parquet');
    const cols = (await q(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).map((c) => c.column_name);
    expect(cols).toEqual(['scenario', 'scenario_sha256', 'seed', 'run_index', 'step', 'day', 'date', 'miner_index', 'miner', 'status', ...AGENT_SERIES_FIELDS.map((f) => f.name)]);
    const doc = readFileSync(new URL('../docs/RESULTS.md', import.meta.url), 'utf8');
    for (const c of cols) expect(doc, `RESULTS.md documents agents column ${c}`).toContain(`\`${c}\``);
    const rows = await q(`SELECT * FROM read_parquet('${path}') ORDER BY run_index, step, miner_index`);
    const { scenario } = loadScenarioFile(join(dir, 'tiny.yaml'));
    const direct = simulate(scenario, { seed: 9, runIndex: 1 });
    const run1 = rows.filter((x) => x.run_index === 1);
    expect(run1.length).toBe(direct.sampleDays.length); // one named miner
    const a = direct.agents!;
    run1.forEach((x, s) => {
      expect(x.miner).toBe('m1');
      expect(x.day).toBe(direct.sampleDays[s]);
      expect(x.status).toBe(a.statusNames[a.status[s]!]);
      expect(x.treasury_btc).toBe(a.values.treasury_btc![s]);
      expect(x.hashrate_ehs).toBe(a.values.hashrate_ehs![s]);
    });
    // The last sample agrees with the miner's final outcome in miners.parquet.
    const fin = await q(`SELECT final_treasury_btc, final_debt_usd FROM read_parquet('${join(dir, 'set', 'miners.parquet')}') WHERE run_index = 1`);
    expect(run1.at(-1)!.treasury_btc).toBe(fin[0]!.final_treasury_btc);
    expect(run1.at(-1)!.debt_usd).toBe(fin[0]!.final_debt_usd);
    const m = readManifestFile(join(dir, 'set'));
    expect(Object.keys(m.files)).toContain('agents.parquet');
    const v = await runCli(['verify', 'set'], dir);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  }, 240_000);
});

describe('4. verify works from the manifest alone', () => {
  it('a set of a scenario with a data file verifies from another folder without --scenario-dir; --scenario-dir re-reads the file', async () => {
    const dir = tmp('ux-verify');
    mkdirSync(join(dir, 'study', 'data'), { recursive: true });
    const csv = ['day,priceUsd', ...Array.from({ length: 12 }, (_, i) => `${i},${70000 + 500 * i}`)].join('\n');
    writeFileSync(join(dir, 'study', 'data', 'prices.csv'), `${csv}\n`);
    writeFileSync(
      join(dir, 'study', 'path.yaml'),
      [
        'name: path-study',
        'horizonDays: 10',
        'price: { model: path, file: data/prices.csv, column: priceUsd }',
        'miners:',
        '  - { name: m1, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }',
        'fringe: { hashrateEHs: 900 }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['run', 'study/path.yaml', '--runs', '2', '--seed', '1', '--out', 'set', ...QUICK], dir);
    expect(r.code, r.stderr).toBe(0);
    mkdirSync(join(dir, 'elsewhere'));
    const v = await runCli(['verify', '../set'], join(dir, 'elsewhere'));
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^ok +price\.file \(data\/prices\.csv\) +inlined in manifest\.json/m);
    const reread = await runCli(['verify', 'set', '--scenario-dir', 'study'], dir);
    expect(reread.code, reread.stdout).toBe(0);
    expect(reread.stdout).toMatch(/^ok +price\.file \(data\/prices\.csv\) +sha256 /m);
    writeFileSync(join(dir, 'study', 'data', 'prices.csv'), `${csv}\n11,1\n`);
    const changed = await runCli(['verify', 'set', '--scenario-dir', 'study'], dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/FAIL price\.file \(data\/prices\.csv\): content hash differs/);
  }, 240_000);
});

describe('10. price CSV: one delimiter, locale-free numbers, ambiguous files rejected', () => {
  const scenario = (extra = '') =>
    ['name: csv', 'horizonDays: 2', `price: { model: path, file: prices.csv${extra} }`, 'fringe: { hashrateEHs: 900 }', ''].join('\n');
  const validate = async (csv: string, extra = '') => {
    const dir = tmp('ux-csv');
    writeFileSync(join(dir, 'prices.csv'), csv);
    writeFileSync(join(dir, 'csv.yaml'), scenario(extra));
    return runCli(['validate', 'csv.yaml'], dir);
  };

  it('a ";" file with decimal commas is rejected (it loaded 70000,5 as 70000 before)', async () => {
    const r = await validate('day;priceUsd\n0;70000,5\n1;70100,25\n2;69900,75\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/price\.file.*line 2: column "priceUsd": expected a number, got "70000,5" \(decimal comma/);
  }, 60_000);

  it('quoted thousands get a clear message; mixed delimiters are ambiguous; an explicit delimiter is honoured', async () => {
    const q = await validate('day,priceUsd\n0,"70,000"\n1,"70,100"\n2,"69,900"\n');
    expect(q.code).toBe(1);
    expect(q.stderr).toMatch(/got "70,000" \(thousands separators are not allowed/);
    const mixed = await validate('day;priceUsd,x\n0;70000,1\n');
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/ambiguous delimiter/);
    const tab = await validate('day\tpriceUsd\n0\t70000.5\n1\t70100\n2\t1e5\n', ', delimiter: "\\t"');
    expect(tab.code, tab.stderr).toBe(0);
    const { parsePriceCsv } = await import('../src/market/csv.ts');
    expect(parsePriceCsv('day;priceUsd\n0;70000.5\n1;"70100"\n', undefined, ';')).toEqual([70000.5, 70100]);
  }, 60_000);
});

describe('3. progress for long phases, with ETA; quiet stays quiet', () => {
  it('a phase over 2 s reports done/total with an ETA and its duration; shorter phases and mode none print nothing', async () => {
    const { createPhaseReporter } = await import('../src/batch/progress.ts');
    let t = 0;
    const out: string[] = [];
    const stream = { write: (s: string) => out.push(s), isTTY: false };
    const phases = createPhaseReporter('lines', stream, 2000, () => t);
    const quick = phases.start('bands', 10, 'runs');
    t = 500;
    quick.tick(10);
    quick.end();
    expect(out).toEqual([]);
    t = 1000;
    const charts = phases.start('charts', 27, 'charts');
    t = 1000 + 2500;
    charts.tick(9); // 9 charts in 2.5 s: 18 left, ETA 5 s
    t = 1000 + 3000;
    charts.tick(10); // within the 2 s interval: not printed
    t = 1000 + 7500;
    charts.tick(27);
    charts.end();
    expect(out).toEqual(['charts 9/27 charts (33%), ETA 5s\n', 'charts 27/27 charts (100%), ETA 0s\n', 'charts: 27 charts in 7.5 s\n']);
    const none = createPhaseReporter('none', stream, 2000, () => (t += 10_000));
    const n = none.start('x', 1, 'runs');
    n.tick(1);
    n.end();
    expect(out.length).toBe(3);
  });

  it('sweeps print points done with an overall ETA; the first-run benchmark line is only for npm run bench', async () => {
    const { sweepProgressLine } = await import('../src/sweep/run.ts');
    expect(sweepProgressLine('s', 3, 12, 24)).toBe('sweep s: 3/12 points done in 24s, ETA 72s');
    expect(sweepProgressLine('s', 12, 12, 130)).toBe('sweep s: 12/12 points done in 2m');
    const dir = tmp('ux-progress');
    writeScenario(dir, { name: 'tiny', horizonDays: 10 });
    const r = await runCli(['run', 'tiny.yaml', '--runs', '2', '--out', 'a', '--progress', 'lines', '--no-charts', '--workers', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^runs 2\/2 \(100%\)/m);
    expect(r.stderr).not.toMatch(/first run finished/);
    const q = await runCli(['run', 'tiny.yaml', '--runs', '2', '--out', 'b', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
  }, 120_000);
});

describe('12. smaller items', () => {
  it('export writes CSV without --csv; help descriptions are lower case; the report rounds wall seconds', async () => {
    const dir = tmp('ux-small');
    writeScenario(dir, { name: 'tiny', horizonDays: 10 });
    const r = await runCli(['run', 'tiny.yaml', '--runs', '1', '--out', 'set', ...QUICK], dir);
    expect(r.code, r.stderr).toBe(0);
    const e = await runCli(['export', 'set'], dir);
    expect(e.code, e.stderr).toBe(0);
    for (const t of ['runs', 'series', 'miners', 'agents', 'bands']) expect(existsSync(join(dir, 'set', 'csv', `${t}.csv`)), t).toBe(true);
    const help = await runCli(['--help'], dir);
    const described = help.stdout.split('\n').filter((l) => /^ {2}\S+.*\s{2,}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/).at(-1)!);
    expect(described.length).toBeGreaterThan(5);
    for (const d of described) expect(d[0], d).toBe(d[0]!.toLowerCase());
    const t = JSON.parse(readFileSync(join(dir, 'set', 'timings.json'), 'utf8')) as { wallSeconds: number };
    writeFileSync(join(dir, 'set', 'timings.json'), JSON.stringify({ ...t, wallSeconds: 12.657503117000001 }));
    const rep = await runCli(['report', 'set'], dir);
    expect(rep.code, rep.stderr).toBe(0);
    const html = readFileSync(join(dir, 'set', 'report.html'), 'utf8');
    expect(html).toContain('12.7 s wall');
    expect(html).not.toContain('12.657503117000001');
    // a table of the named miners' outcomes; nested policy blocks as parameters, not raw JSON
    expect(html).toMatch(/<h2 id="miners">Named miners<\/h2>[\s\S]*<tr><td>m1<\/td><td class="num">1<\/td>/);
    const { keyParameters } = await import('../src/charts/report.ts');
    const rows = keyParameters({ strategies: { aiCapable: { aiPivot: { enabled: true, revenueUsdPerMwYear: 1_600_000 } } } });
    expect(rows).toEqual([
      ['strategies.aiCapable.aiPivot.enabled', 'true'],
      ['strategies.aiCapable.aiPivot.revenueUsdPerMwYear', '1600000'],
    ]);
  }, 180_000);
});

describe('7. a sweep point\'s tables name the sweep, the point and its parameter values', () => {
  it('points/<k>/*.parquet carry sweep, sweep_point and param.<path>; the base scenario has sweep_point null; sweep.parquet is unchanged in shape', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = tmp('ux-sweepcols');
    writeScenario(dir, { name: 'tiny', horizonDays: 10 });
    writeFileSync(join(dir, 's.yaml'), 'name: s\nbase: tiny.yaml\nseed: 1\nreplications: 2\ndesign:\n  type: grid\n  parameters:\n    price.driftAnnual: [0, 0.2]\n    rewards: [lottery, expected]\n');
    const r = await runCli(['sweep', 's.yaml', '--out', 'out', '--no-charts', '--quiet', '--workers', '2'], dir);
    expect(r.code, r.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const q = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const rows = await q(`SELECT DISTINCT sweep, sweep_point, "param.price.driftAnnual" AS drift, "param.rewards" AS rewards FROM read_parquet('${join(dir, 'out', 'points', '*', 'series.parquet')}') ORDER BY sweep_point`);
    expect(rows).toEqual([
      { sweep: 's', sweep_point: 0, drift: 0, rewards: 'lottery' },
      { sweep: 's', sweep_point: 1, drift: 0, rewards: 'expected' },
      { sweep: 's', sweep_point: 2, drift: 0.2, rewards: 'lottery' },
      { sweep: 's', sweep_point: 3, drift: 0.2, rewards: 'expected' },
    ]);
    const base = await q(`SELECT DISTINCT sweep, sweep_point FROM read_parquet('${join(dir, 'out', 'base', 'runs.parquet')}')`);
    expect(base).toEqual([{ sweep: 's', sweep_point: null }]);
    const sweepCols = (await q(`DESCRIBE SELECT * FROM read_parquet('${join(dir, 'out', 'sweep.parquet')}')`)).map((c) => c.column_name as string);
    expect(sweepCols.filter((c) => c.startsWith('sweep_point') || c.startsWith('param.'))).toEqual([]);
  }, 240_000);
});

describe('11. the JSON Schema helps editors: descriptions, examples, named definitions, oneOf on model, no format', () => {
  it('hashsim schema prints such a schema, and the committed file is it', async () => {
    const dir = tmp('ux-schema');
    const r = await runCli(['schema'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(new URL('../scenarios/scenario.schema.json', import.meta.url), 'utf8'));
    const schema = JSON.parse(r.stdout) as { properties: Record<string, Record<string, unknown>>; $defs: Record<string, unknown> };
    for (const [key, p] of Object.entries(schema.properties)) expect(typeof p.description, `properties.${key}.description`).toBe('string');
    expect(schema.properties.horizonDays!.description).toMatch(/days/);
    expect(schema.properties.price!.examples).toEqual([{ model: 'gbm', initialUsd: 70000, volAnnual: 0.5 }]);
    expect(Object.keys(schema.$defs).filter((n) => /^__schema/.test(n))).toEqual([]);
    for (const d of ['Miner', 'Population', 'PriceGbm', 'Loan']) expect(Object.keys(schema.$defs)).toContain(d);
    for (const k of ['price', 'fees']) {
      type Branch = { $ref?: string; properties: { model: { const: string } } };
      // Branches are named definitions ($ref into $defs) or inline objects.
      const branches = (schema.properties[k]!.oneOf as Branch[]).map((x) => (x.$ref !== undefined ? (schema.$defs[x.$ref.replace('#/$defs/', '')] as Branch) : x));
      expect(Array.isArray(branches), k).toBe(true);
      expect(schema.properties[k]!.anyOf, k).toBeUndefined();
      expect(new Set(branches.map((b) => b.properties.model.const)).size).toBe(branches.length);
    }
    expect(r.stdout).not.toMatch(/"format":/);
  }, 60_000);
});

describe('6. compare: every metric on a standardised forest plot, the test that matches the CI, digits, no differenced codes', () => {
  it('CLI: p mean (t) beside the CI and p median labelled; bits not compared; means printed with enough digits; the forest keeps a metric whose A mean is 0', async () => {
    const { fmtMeans } = await import('../src/compare/output.ts');
    expect(fmtMeans(1_045_000, 1_045_118.8)).toEqual(['1045000', '1045119']);
    const dir = tmp('ux-compare');
    writeScenario(dir, { name: 'tiny', horizonDays: 20 });
    for (const [out, vol] of [['a', '0.6'], ['b', '0.9']] as const) {
      writeFileSync(join(dir, `${out}.yaml`), readFileSync(join(dir, 'tiny.yaml'), 'utf8').replace('volAnnual: 0.6', `volAnnual: ${vol}`).replace('name: tiny', `name: ${out}`));
      const r = await runCli(['run', `${out}.yaml`, '--runs', '6', '--seed', '3', '--out', out, ...QUICK], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const c = await runCli(['compare', 'a', 'b', '--out', 'cmp', '--resamples', '200', '--json'], dir);
    expect(c.code, c.stderr).toBe(0);
    const doc = JSON.parse(c.stdout) as { metrics: { metric: string; sdA: number | null }[]; steps: { metric: string }[] };
    expect(doc.metrics.some((m) => m.metric === 'final_price_usd' && m.sdA! > 0)).toBe(true);
    expect(doc.steps.some((s) => s.metric === 'bits')).toBe(false);
    expect(doc.steps.some((s) => s.metric === 'difficulty')).toBe(true);
    const table = await runCli(['compare', 'a', 'b', '--out', 'cmp2', '--resamples', '200', '--no-charts'], dir);
    expect(table.stdout).toMatch(/p mean: paired t test of the same mean difference \(matches the CI\)/);
    expect(table.stdout).toMatch(/p median: Wilcoxon signed-rank, a test of a median/);
    expect(table.stdout.split('\n').find((l) => l.startsWith('metric'))).toMatch(/p mean .*p median/);
    const { buildComparisonCharts } = await import('../src/compare/charts.ts');
    const base = JSON.parse(c.stdout);
    const withZero = { ...base, metrics: [...base.metrics, { ...base.metrics[0], metric: 'mw_pivoted', meanA: 0, sdA: 0, meanB: 40, sdB: 10, diff: 40, ciLower: 30, ciUpper: 50 }] };
    const forest = (await buildComparisonCharts(withZero)).find((x) => x.name === 'forest')!;
    const text = JSON.stringify(forest.spec);
    expect(text).toContain('mw_pivoted');
    expect(text).toContain('pooled SDs');
  }, 240_000);
});

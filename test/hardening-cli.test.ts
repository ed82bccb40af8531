// Issue 19 regressions at the CLI: validate sees what runs would hit, received files cannot run
// code or reach outside the scenario's folder, parse errors are messages (never stack traces),
// writes never touch files hashsim did not make, exit codes as docs/BATCH.md documents.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';

const MINER = '{ name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }';
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

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hashsim-hardening-'));
});

describe('validate runs every check the engine would', () => {
  // Each file holds one mutation from the issue; the expected line names the mutated field.
  const cases: [string, string, RegExp][] = [
    ['strat-name.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, strategy: "2026-03-01" }\n`, /miners\[0\]\.strategy: unknown strategy "2026-03-01"/],
    ['strat-proto.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, strategy: toString }\n`, /miners\[0\]\.strategy: unknown strategy "toString"/],
    ['strat-empty.yaml', `name: s\nstrategies: {}\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, strategy: aiCapable }\n`, /miners\[0\]\.strategy: unknown strategy "aiCapable"/],
    ['strat-weights.yaml', `name: s\npopulations:\n  - { name: p, count: 5, strategy: {} }\n`, /populations\[0\]\.strategy: expected strategy weights with a positive/],
    ['strat-weight-name.yaml', `name: s\npopulations:\n  - { name: p, count: 5, strategy: { seller: 1, valueOf: 1 } }\n`, /populations\[0\]\.strategy\.valueOf: unknown strategy/],
    ['site-mw.yaml', `name: s\nminers:\n  - name: m\n    sites: [{ mw: 500, powerPriceUsdPerMWh: 40 }, { mw: 0.999999, powerPriceUsdPerMWh: 40 }]\n    cohorts: [{ hashrateEHs: 20, efficiencyJPerTH: 18, site: 1 }]\n`, /miners\[0\]\.sites\[1\]\.mw: expected at least 360\.000 MW/],
    ['site-short.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, siteMw: 10 }\n`, /miners\[0\]\.siteMw: expected at least 360\.000 MW/],
    ['dist-min.yaml', `name: s\npopulations:\n  - { name: p, count: 5, cashDays: { dist: uniform, min: -1e308, max: 3 } }\n`, /populations\[0\]\.cashDays\.min: expected min >= 0/],
    ['dist-order.yaml', `name: s\npopulations:\n  - { name: p, count: 5, efficiencyJPerTH: { dist: uniform, min: 36501, max: 30 } }\n`, /populations\[0\]\.efficiencyJPerTH: expected min <= max, got min 36501 above max 30/],
    ['dist-huge.yaml', `name: s\npopulations:\n  - { name: p, count: 5, hashrateEHs: { dist: normal, mean: 1, sd: 1e308 } }\n`, /populations\[0\]\.hashrateEHs\.min: required/],
    ['dist-share.yaml', `name: s\npopulations:\n  - { name: p, count: 5, aiConvertibleShare: 7 }\n`, /populations\[0\]\.aiConvertibleShare: expected a value >= 0 and <= 1/],
    ['loan-collateral.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, treasuryBtc: 1, loan: { principalUsd: 1e9 } }\n`, /miners\[0\]\.loan\.principalUsd: expected at most/],
    ['ltv.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, loan: { liquidationLtv: 50 } }\n`, /miners\[0\]\.loan\.liquidationLtv: expected an LTV <= 1/],
    ['treasury.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, treasuryBtc: 1e9 }\n`, /miners\[0\]\.treasuryBtc: expected at most 21000000 BTC/],
    ['rate.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 20, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40, loan: { rateAnnual: 1e308 } }\n`, /miners\[0\]\.loan\.rateAnnual: expected a number <= 1/],
    ['fringe-huge.yaml', `name: s\nfringe: { hashrateEHs: 1e308 }\n`, /fringe\.hashrateEHs: expected at most 100000 EH\/s/],
    ['miner-huge.yaml', `name: s\nminers:\n  - { name: m, hashrateEHs: 1e300, efficiencyJPerTH: 18, powerPriceUsdPerMWh: 40 }\n`, /miners\[0\]\.hashrateEHs: expected at most 100000 EH\/s/],
    ['pop-huge.yaml', `name: s\npopulations:\n  - { name: p, count: 1000000000000000 }\n`, /populations\[0\]\.count: expected at most 1000000/],
    ['no-hashrate.yaml', `name: s\n`, /\(scenario\): expected some hashrate/],
    ['price-huge.yaml', `name: s\nhorizonDays: 2\nprice: { model: path, pricesUsd: [70000, 1e300, 70000] }\nminers: [${MINER}]\n`, /price\.pricesUsd: expected prices of at most/],
    ['typo.yaml', `name: s\nhorizon_days: 30\nstepdays: 1\npric: { model: gbm }\nminers: [${MINER}]\n`, /horizon_days: unknown key; did you mean "horizonDays"\?/],
  ];

  it('refuses each mutation with its field path, exit 1, one call for all files', async () => {
    for (const [name, text] of cases) write(name, text);
    const r = await runCli(['validate', ...cases.map(([n]) => n)], dir);
    expect(r.code).toBe(1);
    noStack(r.stderr);
    for (const [name, , re] of cases) {
      const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${name}:`));
      expect(lines.some((l) => re.test(l)), `${name}: ${lines.join(' | ')}`).toBe(true);
    }
    expect(r.stderr).toMatch(/typo\.yaml: stepdays: unknown key; did you mean "stepDays"\?/);
    expect(r.stderr).toMatch(/typo\.yaml: pric: unknown key; did you mean "price"\?/);
    expect(r.stderr).toMatch(new RegExp(`${cases.length} of ${cases.length} files invalid`));
  });

  it('still accepts a sound scenario', async () => {
    write('ok.yaml', `name: ok\nhorizonDays: 10\nminers: [${MINER}]\nfringe: { hashrateEHs: 900 }\n`);
    const r = await runCli(['validate', 'ok.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('absurd nesting, aliases and special files give messages, not stack traces', () => {
  it('deep YAML and JSON, a self-referencing alias, /proc, FIFOs, folders, ../ escapes and non-JS modules', async () => {
    write('deep.yaml', `name: d\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    write('deep.json', `{"name": "d", "x": ${'['.repeat(50000)}${']'.repeat(50000)}}`);
    write('deepmap.yaml', `name: d\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`);
    write('cycle.yaml', 'name: c\nx: &a [*a]\n');
    write('proc.yaml', `name: p\nprice: { model: path, file: /proc/self/mem }\nminers: [${MINER}]\n`);
    write('pid.yaml', `name: p\nprice: { model: path, file: /proc/sys/kernel/pid_max, onShort: hold-last }\nminers: [${MINER}]\n`);
    write('escape.yaml', `name: p\nprice: { model: path, file: ../../../../etc/passwd, column: x }\nminers: [${MINER}]\n`);
    mkdirSync(join(dir, 'adir'), { recursive: true });
    write('folder.yaml', `name: p\nprice: { model: path, file: adir }\nminers: [${MINER}]\n`);
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    write('fifo.yaml', `name: p\nprice: { model: path, file: pipe.csv }\nminers: [${MINER}]\n`);
    write('data.csv', 'priceUsd\n1\n');
    write('mods.yaml', `name: p\nminers:\n  - { name: a, hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: /etc/passwd }\n  - { name: b, hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: data.csv }\n`);
    const files = ['deep.yaml', 'deep.json', 'deepmap.yaml', 'cycle.yaml', 'proc.yaml', 'pid.yaml', 'escape.yaml', 'folder.yaml', 'fifo.yaml', 'mods.yaml'];
    const r = await runCli(['validate', ...files], dir);
    expect(r.code).toBe(1);
    noStack(r.stderr);
    expect(r.stderr).toMatch(/deep\.yaml: nested too deeply|deep\.yaml: .*nested more than 64 levels/);
    expect(r.stderr).toMatch(/deep\.json: .*nested more than 64 levels/);
    expect(r.stderr).toMatch(/deepmap\.yaml: .*nested more than 64 levels/);
    expect(r.stderr).toMatch(/cycle\.yaml: .*nested more than 64 levels/);
    expect(r.stderr).toMatch(/proc\.yaml: price\.file: "\/proc\/self\/mem" is outside the scenario's folder/);
    expect(r.stderr).toMatch(/pid\.yaml: price\.file: .* is outside the scenario's folder/);
    expect(r.stderr).toMatch(/escape\.yaml: price\.file: .* is outside the scenario's folder/);
    expect(r.stderr).toMatch(/folder\.yaml: price\.file: expected a regular file/);
    expect(r.stderr).toMatch(/fifo\.yaml: price\.file: expected a regular file/);
    expect(r.stderr).toMatch(/mods\.yaml: miners\[0\]\.strategyModule: expected a JavaScript or TypeScript module/);
    expect(r.stderr).toMatch(/mods\.yaml: miners\[1\]\.strategyModule: expected a JavaScript or TypeScript module/);
    // Never the contents of a file it was pointed at.
    expect(r.stderr).not.toMatch(/root:/);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !/^[a-z-]+\.(yaml|json): /.test(l) && !/files invalid/.test(l))).toEqual([]);
  });

  it('--allow-outside-files opts in to a data file elsewhere', async () => {
    const other = mkdtempSync(join(tmpdir(), 'hashsim-outside-'));
    writeFileSync(join(other, 'p.csv'), `priceUsd\n${Array.from({ length: 12 }, () => 70000).join('\n')}\n`);
    write('outside.yaml', `name: o\nhorizonDays: 10\nprice: { model: path, file: ${join(other, 'p.csv')} }\nminers: [${MINER}]\n`);
    const refused = await runCli(['validate', 'outside.yaml'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--allow-outside-files/);
    const allowed = await runCli(['validate', '--allow-outside-files', 'outside.yaml'], dir);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
  });
});

describe('strategy modules run only with --allow-code', () => {
  it('run refuses without it (exit 2, nothing written, the module not imported); verify refuses too, and a swapped module', async () => {
    const marker = join(dir, 'PWNED');
    write('evil.mjs', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n`);
    write('evil.yaml', `name: e\nhorizonDays: 5\nminers:\n  - { name: a, hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: evil.mjs }\nfringe: { hashrateEHs: 900 }\n`);
    const refused = await runCli(['run', 'evil.yaml', '--runs', '1', '--out', 'evil-set', '--quiet', '--no-charts'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/names strategy module "evil\.mjs".*--allow-code/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, 'evil-set'))).toBe(false);

    const ran = await runCli(['run', 'evil.yaml', '--runs', '1', '--out', 'evil-set', '--quiet', '--no-charts', '--allow-code', '--workers', '1'], dir);
    expect(ran.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    execFileSync('rm', [marker]);
    const manifest = JSON.parse(readFileSync(join(dir, 'evil-set', 'manifest.json'), 'utf8')) as { dataFiles: { field: string; sha256: string }[] };
    expect(manifest.dataFiles.some((d) => d.field === 'miners[0].strategyModule' && /^[0-9a-f]{64}$/.test(d.sha256))).toBe(true);

    const v = await runCli(['verify', 'evil-set'], dir);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/--allow-code/);
    expect(existsSync(marker)).toBe(false);

    // A module changed after the run: not imported even with --allow-code.
    writeFileSync(join(dir, 'evil.mjs'), `${readFileSync(join(dir, 'evil.mjs'), 'utf8')}// changed\n`);
    const swapped = await runCli(['verify', 'evil-set', '--allow-code'], dir);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toMatch(/content differs from the hash the manifest records; not imported/);
    expect(existsSync(marker)).toBe(false);
    noStack(swapped.stderr);
  });
});

describe('exit codes as docs/BATCH.md documents', () => {
  it('usage errors exit 2; invalid input exits 1; absurd sizes are refused at once', async () => {
    write('good.yaml', `name: g\nhorizonDays: 5\nminers: [${MINER}]\nfringe: { hashrateEHs: 900 }\n`);
    const usage: string[][] = [
      ['bogus'],
      ['run', 'good.yaml', '--no-such-flag'],
      ['run'],
      ['run', 'good.yaml', 'extra.yaml'],
      ['run', 'good.yaml', '--out', ''],
      ['run', 'good.yaml', '--runs', '9007199254740991', '--out', 'huge'],
      ['verify', 'x', '--sample', ''],
    ];
    for (const args of usage) {
      const r = await runCli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      noStack(r.stderr);
    }
    expect(existsSync(join(dir, 'huge'))).toBe(false);
    const invalid = await runCli(['run', 'no-hashrate.yaml', '--runs', '1', '--out', 'nh'], dir);
    expect(invalid.code).toBe(1);
    const missing = await runCli(['run', 'nowhere.yaml', '--runs', '1'], dir);
    expect(missing.code).toBe(1);
    // Node's recursive mkdir spins forever under /proc: a message at once instead.
    const proc = await runCli(['run', 'good.yaml', '--runs', '1', '--out', '/proc/hashsim-x', '--quiet', '--no-charts'], dir);
    expect(proc.code).toBe(1);
    expect(proc.stderr).toMatch(/cannot mkdir \/proc\/hashsim-x/);
  });

  it('SLURM_ARRAY_TASK_MIN above the task id is refused, not run as negative run indexes', async () => {
    const { shardFromEnv } = await import('../src/batch/shard.ts');
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toThrow(/below SLURM_ARRAY_TASK_MIN/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toMatchObject({ index: 1, count: 2 });
  });
});

describe('writes never touch what hashsim did not make', () => {
  it('--out into a folder of other files is refused (files kept); charts/ and csv/ symlinks are not written through', async () => {
    write('good.yaml', `name: g\nhorizonDays: 5\nminers: [${MINER}]\nfringe: { hashrateEHs: 900 }\n`);
    write('user/keep.png', 'mine');
    write('user/charts/old.png', 'mine too');
    const r = await runCli(['run', 'good.yaml', '--runs', '1', '--out', 'user', '--quiet', '--no-charts'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a hashsim result set/);
    expect(readdirSync(join(dir, 'user')).sort()).toEqual(['charts', 'keep.png']);

    const ok = await runCli(['run', 'good.yaml', '--runs', '2', '--out', 'set', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(ok.code).toBe(0);
    const victim = join(dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'photo.png'), 'precious');
    symlinkSync(victim, join(dir, 'set', 'charts'));
    symlinkSync(victim, join(dir, 'set', 'csv'));
    const chart = await runCli(['chart', 'set'], dir);
    expect(chart.code).toBe(1);
    expect(chart.stderr).toMatch(/symbolic link/);
    const exp = await runCli(['export', 'set', '--csv'], dir);
    expect(exp.code).toBe(1);
    expect(exp.stderr).toMatch(/symbolic link/);
    expect(readdirSync(victim)).toEqual(['photo.png']);
    noStack(chart.stderr + exp.stderr);
  });
});

describe('pure guards', () => {
  it('CSV cells that a spreadsheet would run as formulas are neutralised', async () => {
    const { csvCell } = await import('../src/results/csv.ts');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('miner-a')).toBe('miner-a');
  });

  it('an absurd hashrate fails the run at a bounded number of blocks, naming run and step', async () => {
    const { ScenarioSchema } = await import('../src/scenario/schema.ts');
    const { simulate } = await import('../src/engine/index.ts');
    // Past validate's bounds on purpose (a library caller): the engine must still stop.
    const s = ScenarioSchema.parse({ name: 'x', horizonDays: 3, fringe: { hashrateEHs: 1e300, responsive: false } });
    expect(() => simulate(s, { seed: 1, runIndex: 4 })).toThrow(/run 4, step 0 \(day 0\): more than \d+ blocks in one step/);
    // A hashrate whose block rate underflows to 0 (found by the fuzzer): no blocks, no failure.
    const tiny = ScenarioSchema.parse({ name: 'x', horizonDays: 3, fringe: { hashrateEHs: 1e-320, responsive: false } });
    expect(simulate(tiny, { seed: 1, runIndex: 0 }).summary).toBeDefined();
  });

  it('Infinity in a run result fails the run with run, step/miner and field named', async () => {
    const { checkedRecordFromResult } = await import('../src/results/record.ts');
    const base = { runIndex: 7, sampleDays: new Float64Array([0, 1]), series: { price: new Float64Array([1, 2]) }, summary: { final_price: 2 }, miners: [{ name: 'a', status: 'active', values: { final_cash_usd: 1 } }] };
    expect(() => checkedRecordFromResult({ ...base } as never)).not.toThrow();
    expect(() => checkedRecordFromResult({ ...base, series: { price: new Float64Array([1, Infinity]) } } as never)).toThrow(/run 7, step 1 \(day 1\): series\.price is Infinity/);
    expect(() => checkedRecordFromResult({ ...base, miners: [{ name: 'a', status: 'active', values: { final_cash_usd: -Infinity } }] } as never)).toThrow(/run 7, miner "a": miners\.final_cash_usd is -Infinity/);
    expect(() => checkedRecordFromResult({ ...base, summary: { attack_cost_usd_per_hour: Infinity } } as never)).toThrow(/run 7: runs\.attack_cost_usd_per_hour is Infinity/);
  });
});

describe('one writer per output folder', () => {
  it('a live lock refuses a second run (even with --force); a stale one is taken over and released', async () => {
    write('good.yaml', `name: g\nhorizonDays: 5\nminers: [${MINER}]\nfringe: { hashrateEHs: 900 }\n`);
    const { hostname } = await import('node:os');
    write('locked/.hashsim.lock', `${process.pid} ${hostname()}\n`);
    const busy = await runCli(['run', 'good.yaml', '--runs', '1', '--out', 'locked', '--quiet', '--no-charts', '--force'], dir);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`another hashsim process \\(pid ${process.pid}\\) is writing there`));
    expect(existsSync(join(dir, 'locked', 'manifest.json'))).toBe(false);
    write('stale/.hashsim.lock', `2147483646 ${hostname()}\n`);
    const ok = await runCli(['run', 'good.yaml', '--runs', '1', '--out', 'stale', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(dir, 'stale', 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, 'stale', '.hashsim.lock'))).toBe(false);
  });
});

describe('strategy modules that fail', () => {
  it('a syntax error, process.exit or a throw at import, and an endless hook: a message, exit 1, never a stack trace or a hang', async () => {
    const bodies: [string, string, RegExp][] = [
      ['syntax', 'export default {;\n', /strategy module "syntax\.mjs" failed to load: SyntaxError/],
      ['exits', 'process.exit(0);\nexport default {};\n', /worker exited .*process\.exit/],
      ['throws', "throw new Error('boom at import');\nexport default {};\n", /strategy module "throws\.mjs" failed to load: Error: boom at import/],
      ['loops', 'export default { operate() { for (;;) {} } };\n', /run 0: run 0 took longer than 1 s \(--run-timeout/],
    ];
    for (const [name, body, re] of bodies) {
      write(`${name}.mjs`, body);
      write(`${name}.yaml`, `name: ${name}\nhorizonDays: 5\nminers:\n  - { name: a, hashrateEHs: 1, efficiencyJPerTH: 20, powerPriceUsdPerMWh: 40, strategyModule: ${name}.mjs }\nfringe: { hashrateEHs: 900 }\n`);
      const r = await runCli(['run', `${name}.yaml`, '--runs', '2', '--out', `out-${name}`, '--quiet', '--no-charts', '--allow-code', '--workers', '1', '--run-timeout', '1'], dir);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(re);
      noStack(r.stderr);
    }
  });
});

describe('after a kill', () => {
  it('a rerun removes leftover *.tmp-<pid> files and renders a missing report of an up-to-date set', async () => {
    write('good.yaml', `name: g\nhorizonDays: 5\nminers: [${MINER}]\nfringe: { hashrateEHs: 900 }\n`);
    const first = await runCli(['run', 'good.yaml', '--runs', '1', '--out', 'killed', '--quiet', '--no-charts', '--workers', '1'], dir);
    expect(first.code).toBe(0);
    write('killed/runs.parquet.tmp-424242', 'half');
    write('killed/charts/price.svg.tmp-424242', 'half');
    const again = await runCli(['run', 'good.yaml', '--runs', '1', '--out', 'killed', '--workers', '1'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
    expect(existsSync(join(dir, 'killed', 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'killed', 'runs.parquet.tmp-424242'))).toBe(false);
    expect(existsSync(join(dir, 'killed', 'charts', 'price.svg.tmp-424242'))).toBe(false);
  });
});

// Seeded fuzzing of scenario input (issue 19): the shipped scenarios, mutated as a hostile or
// careless user would (dropped/renamed keys, wrong types, extreme numbers, empty containers,
// unicode, deep nesting, aliases and tags, __proto__, long strings, data paths, semantic nonsense),
// each validated in-process. Every case must end in "accepted" or a HashsimError whose problems name
// field paths (never another exception, never a stack trace); accepted cases are simulated (short
// horizons) and must not fail or hold Infinity. A few cases go through the real CLI.
// HASHSIM_FUZZ_CASES=5000 runs more (the default keeps `npm test` quick).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { HashsimError } from '../src/errors.ts';
import { ScenarioError } from '../src/scenario/errors.ts';
import { parseScenarioText, parseScenarioWithFiles } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { scenarioForRun } from '../src/calibrate/apply.ts';
import { simulate } from '../src/engine/index.ts';
import { checkedRecordFromResult } from '../src/results/record.ts';
import { runCli } from './cli-helpers.ts';

const SCENARIOS = resolve('scenarios');
const CASES = Number(process.env['HASHSIM_FUZZ_CASES'] ?? 300);
const SIMULATED = Number(process.env['HASHSIM_FUZZ_SIMULATE'] ?? 40);

/** mulberry32: a tiny seeded generator for the mutations (independent of the model's streams). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every container path of a value (where a mutation can land). */
function paths(v: Json, p: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}

function getAt(v: Json, p: (string | number)[]): Json {
  let x = v;
  for (const s of p) x = (x as Record<string | number, unknown>)?.[s];
  return x;
}

const EXTREMES = [1e308, -1e308, 0, -1, 1e-320, 2 ** 53, 1e300, -0, 36501, 0.999999, 1e9, 7];
const WEIRD = ['', 'x'.repeat(5000), 'naïve 🙂 名前', '2026-03-01', 'constructor', 'toString', '__proto__', '0x11170', 'null', true, false, null, [], {}];
const PATHS = ['/proc/self/mem', '/etc/passwd', '../../../../etc/passwd', '/dev/zero', 'data', 'data/btc-price-2025-10-to-2026-06.csv', 'nowhere.csv', 'data/make-price-paths.mjs'];
const TYPOS = (k: string, r: () => number): string => {
  const i = Math.floor(r() * Math.max(1, k.length));
  const kinds = [k.slice(0, i) + k.slice(i + 1), k.toLowerCase(), k.replace(/([A-Z])/g, '_$1').toLowerCase(), k + 's', k.slice(0, i) + 'x' + k.slice(i)];
  return kinds[Math.floor(r() * kinds.length)]!;
};

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One mutation of `doc` in place. */
function mutate(doc: Record<string, unknown>, r: () => number): void {
  const all = paths(doc).filter((p) => p.length > 0);
  const p = pick(r, all);
  const parent = getAt(doc, p.slice(0, -1)) as Record<string | number, unknown>;
  const key = p[p.length - 1]!;
  const kind = Math.floor(r() * 12);
  switch (kind) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1:
      if (!Array.isArray(parent) && typeof key === 'string') {
        const v = parent[key];
        delete parent[key];
        parent[TYPOS(key, r)] = v;
      }
      break;
    case 2:
    case 3:
      parent[key] = pick(r, EXTREMES) * (r() < 0.3 ? -1 : 1);
      break;
    case 4:
      parent[key] = pick(r, WEIRD);
      break;
    case 5: {
      // Deep nesting.
      let v: unknown = 1;
      for (let i = 0, n = 20 + Math.floor(r() * 200); i < n; i++) v = r() < 0.5 ? [v] : { a: v };
      parent[key] = v;
      break;
    }
    case 6:
      doc['price'] = { model: 'path', file: pick(r, PATHS), ...(r() < 0.5 ? { column: 'x' } : {}), ...(r() < 0.5 ? { onShort: 'hold-last' } : {}) };
      break;
    case 7: {
      const miners = Array.isArray(doc['miners']) ? (doc['miners'] as Record<string, unknown>[]) : [];
      const m = miners[0];
      if (isObj(m)) m[pick(r, ['strategy', 'treasuryBtc', 'hashrateEHs', 'siteMw', 'strategyModule', 'cashUsd'])] = pick(r, [...EXTREMES, 'constructor', 'nope', 'evil.csv', '/etc/passwd']);
      break;
    }
    case 8: {
      const pops = Array.isArray(doc['populations']) ? (doc['populations'] as Record<string, unknown>[]) : [];
      const pp = pops[0];
      if (isObj(pp)) {
        const field = pick(r, ['hashrateEHs', 'efficiencyJPerTH', 'cashDays', 'treasuryDays', 'aiConvertibleShare', 'loanLtv', 'count', 'strategy']);
        pp[field] = pick(r, [
          { dist: 'uniform', min: pick(r, EXTREMES), max: pick(r, EXTREMES) },
          { dist: 'lognormal', median: pick(r, EXTREMES), sigma: pick(r, [0, 1, 50]) },
          { dist: 'normal', mean: 1, sd: pick(r, EXTREMES) },
          { dist: 'triangular', min: 1, mode: pick(r, EXTREMES), max: 30 },
          pick(r, EXTREMES),
          {},
        ]);
      }
      break;
    }
    case 9:
      parent[key] = Array.isArray(parent[key]) ? [] : isObj(parent[key]) ? {} : parent[key];
      break;
    case 10:
      if (isObj(doc['fringe'])) (doc['fringe'] as Record<string, unknown>)['hashrateEHs'] = pick(r, EXTREMES);
      break;
    default:
      if (isObj(parent[key])) (parent[key] as Record<string, unknown>)['__proto__x'.slice(0, r() < 0.5 ? 9 : 10)] = 1;
      break;
  }
}

/** A base document, shortened so accepted cases simulate quickly. */
function shorten(doc: Record<string, unknown>): Record<string, unknown> {
  const d = structuredClone(doc);
  d['horizonDays'] = 14;
  d['stepDays'] = 1;
  d['output'] = { sampleEverySteps: 1 };
  if (isObj(d['price'])) delete (d['price'] as Record<string, unknown>)['shocks'];
  if (Array.isArray(d['populations'])) for (const p of d['populations'] as Record<string, unknown>[]) if (isObj(p) && typeof p['count'] === 'number') p['count'] = Math.min(p['count'], 20);
  return d;
}

/** Text of a mutated document: YAML or JSON, sometimes with YAML anchors, aliases or tags spliced in. */
function render(doc: Record<string, unknown>, r: () => number): { text: string; file: string } {
  if (r() < 0.25) return { text: JSON.stringify(doc), file: 'fuzz.json' };
  let text = toYaml(doc);
  const u = r();
  if (u < 0.05) text += 'extra: &a [*a]\n';
  else if (u < 0.1) text += 'extra: !!js/function "() => 1"\n';
  else if (u < 0.15) text = text.replace(/^name: .*$/m, 'name: &n x\nalias: *n');
  else if (u < 0.18) text += `deep: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
  return { text, file: 'fuzz.yaml' };
}

const bases = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => shorten(parseYaml(readFileSync(join(SCENARIOS, f), 'utf8')) as Record<string, unknown>));

interface Outcome {
  accepted: Scenario | null;
  error: string | null;
}

function validateCase(seed: number): Outcome & { text: string; file: string } {
  const r = rng(seed);
  const doc = structuredClone(pick(r, bases));
  for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) mutate(doc, r);
  const { text, file } = render(doc, r);
  try {
    const obj = parseScenarioText(text, file);
    const { scenario } = parseScenarioWithFiles(obj, { baseDir: SCENARIOS, source: file, requireHashrate: true });
    return { accepted: scenario, error: null, text, file };
  } catch (err) {
    if (!(err instanceof HashsimError)) throw new Error(`case ${seed}: ${(err as Error)?.stack ?? String(err)}\n--- input ---\n${text.slice(0, 2000)}`);
    if (err instanceof ScenarioError) {
      for (const p of err.problems) {
        if (p.message === '') throw new Error(`case ${seed}: a problem without a message at ${p.path}`);
      }
    }
    if (/\n\s+at .*:\d+:\d+/.test(err.message)) throw new Error(`case ${seed}: a stack trace in the message: ${err.message}`);
    if (/root:x:0:0/.test(err.message)) throw new Error(`case ${seed}: file contents echoed: ${err.message}`);
    return { accepted: null, error: err.message, text, file };
  }
}

describe(`fuzzing scenario input (${CASES} seeded cases)`, () => {
  const accepted: { seed: number; scenario: Scenario }[] = [];
  let refused = 0;

  it('every mutated scenario is accepted or refused with field-path messages, never an exception', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const o = validateCase(seed);
      if (o.accepted) accepted.push({ seed, scenario: o.accepted });
      else refused++;
    }
    if (process.env['HASHSIM_FUZZ_REPORT'] === '1') process.stderr.write(`fuzz: ${CASES} cases, ${accepted.length} accepted, ${refused} refused\n`);
    // The mutations are strong enough to refuse many cases, yet leave some accepted.
    expect(refused).toBeGreaterThan(CASES / 4);
    expect(accepted.length).toBeGreaterThan(0);
  }, 600_000);

  it('accepted cases simulate without failing and without Infinity in any table', () => {
    for (const { seed, scenario } of accepted.slice(0, SIMULATED)) {
      for (const runIndex of [0, 1]) {
        try {
          checkedRecordFromResult(simulate(scenarioForRun(scenario, seed, runIndex), { seed, runIndex }));
        } catch (err) {
          throw new Error(`case ${seed}, run ${runIndex}: accepted by validate but the run failed: ${(err as Error).message}`);
        }
      }
    }
  }, 600_000);

  it('through the CLI: validate and run --runs 1 exit 0 or 1 with no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hashsim-fuzz-'));
    // Cases built on minimal.yaml (no data files): the CLI sees them from a folder of their own.
    const minimal = shorten(parseYaml(readFileSync(join(SCENARIOS, 'minimal.yaml'), 'utf8')) as Record<string, unknown>);
    const files: string[] = [];
    for (let seed = 1; files.length < 12; seed++) {
      const r = rng(10_000 + seed);
      const doc = structuredClone(minimal);
      mutate(doc, r);
      const { text, file } = render(doc, r);
      const name = `case-${seed}${file.endsWith('.json') ? '.json' : '.yaml'}`;
      writeFileSync(join(dir, name), text);
      files.push(name);
    }
    const v = await runCli(['validate', ...files], dir);
    expect([0, 1]).toContain(v.code);
    expect(v.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
    const ok = files.filter((f) => v.stdout.includes(`OK ${f}:`));
    for (const f of ok.slice(0, 3)) {
      const run = await runCli(['run', f, '--runs', '1', '--out', `out-${f}`, '--quiet', '--no-charts', '--workers', '1'], dir);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
      expect(run.code, `${f}: ${run.stderr}`).toBe(0);
    }
  }, 600_000);
});

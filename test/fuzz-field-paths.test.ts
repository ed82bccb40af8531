// Seeded single mutations of the shipped scenarios (a value replaced by an extreme or a wrong type,
// a key deleted or misspelt): a refusal must name the mutated field, a field above or below it, or
// the misspelt key. The only exceptions are cross-field constraints, whose message names the field
// that the check belongs to and the other field's value (KNOWN below). Issue 19: "several messages
// name a sibling field instead of the mutated one". HASHSIM_FUZZ_CASES=5000 runs more.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ScenarioError, formatPath } from '../src/scenario/errors.ts';
import { parseScenarioWithFiles } from '../src/scenario/load.ts';

const SCENARIOS = resolve('scenarios');
const CASES = Number(process.env['HASHSIM_FUZZ_CASES'] ?? 600);

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
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function paths(v: unknown, p: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}
const getAt = (v: unknown, p: (string | number)[]): unknown => p.reduce<unknown>((x, s) => (x as Record<string | number, unknown>)?.[s], v);
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const EXTREMES = [1e308, -1e308, 0, -1, 1e-320, 2 ** 53, 1e300, -0, 36501, 0.999999, 1e9, 7];
const WEIRD = ['', 'x'.repeat(50), 'naïve', '2026-03-01', 'constructor', 'toString', '0x11170', 'null', true, false, null, [], {}];

// Cross-field constraints: reported at the field the check belongs to, naming the other's value.
const KNOWN = [
  /the cohorts on this site draw that much/, // a cohort's hashrate/efficiency/site vs the site's MW
  /the opening loan needs .* of collateral/, // treasury, start price, start LTV vs principalUsd
  /unknown strategy/, // a strategy bundle removed or renamed vs the miners naming it
  /'realized'/, // start or agents' hashrate vs fringe.hashrateEHs: realized
  /needs start\.date|daily prices \(day 0 to day|the series covers .* are not all in it/, // start/horizon vs a dated or short price file
  /does not exist in the base scenario/, // calibration parameters vs the scenario
  /expected every (liquidation|margin-call) LTV above every/, // LTV order (src/agents/schema.ts)
  /no column ".*" in the file/, // price.column, reported at price.file (src/scenario/load.ts)
];

function shorten(doc: Record<string, unknown>): Record<string, unknown> {
  const d = structuredClone(doc);
  d['horizonDays'] = 14;
  d['stepDays'] = 1;
  d['output'] = { sampleEverySteps: 1 };
  if (isObj(d['price'])) delete (d['price'] as Record<string, unknown>)['shocks'];
  if (Array.isArray(d['populations'])) for (const p of d['populations'] as Record<string, unknown>[]) if (isObj(p) && typeof p['count'] === 'number') p['count'] = Math.min(p['count'], 20);
  return d;
}

describe(`mutated fields are named (${CASES} single mutations)`, () => {
  it('every refusal names the mutated field, its parent or child, or is a known cross-field check', () => {
    const bases = readdirSync(SCENARIOS)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => shorten(parseYaml(readFileSync(join(SCENARIOS, f), 'utf8')) as Record<string, unknown>));
    const bad: string[] = [];
    let refused = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng(seed);
      const doc = structuredClone(pick(r, bases));
      const p = pick(r, paths(doc).filter((x) => x.length > 0 && x[0] !== 'name'));
      const parent = getAt(doc, p.slice(0, -1)) as Record<string | number, unknown>;
      const key = p[p.length - 1]!;
      const kind = Math.floor(r() * 4);
      let renamed = '';
      if (kind === 0) parent[key] = pick(r, EXTREMES) * (r() < 0.3 ? -1 : 1);
      else if (kind === 1) parent[key] = pick(r, WEIRD);
      else if (Array.isArray(parent) || typeof key !== 'string') continue;
      else if (kind === 2) delete parent[key];
      else {
        const v = parent[key];
        delete parent[key];
        const i = Math.floor(r() * key.length);
        renamed = key.slice(0, i) + key.slice(i + 1);
        parent[renamed] = v;
      }
      const path = formatPath(p);
      try {
        parseScenarioWithFiles(doc, { baseDir: SCENARIOS, source: 'fuzz.yaml', requireHashrate: true });
      } catch (err) {
        if (!(err instanceof ScenarioError)) continue;
        refused++;
        const named = err.problems.some(
          (q) =>
            q.path === '' ||
            q.path === path ||
            path.startsWith(`${q.path}.`) ||
            path.startsWith(`${q.path}[`) ||
            q.path.startsWith(`${path}.`) ||
            q.path.startsWith(`${path}[`) ||
            (renamed !== '' && q.path.endsWith(renamed)) ||
            KNOWN.some((k) => k.test(q.message)),
        );
        if (!named) bad.push(`case ${seed}: ${path} mutated; reported: ${err.problems.map((q) => `${q.path}: ${q.message}`).join(' | ').slice(0, 300)}`);
      }
    }
    expect(refused).toBeGreaterThan(CASES / 3);
    expect(bad, bad.slice(0, 10).join('\n')).toEqual([]);
  }, 600_000);
});

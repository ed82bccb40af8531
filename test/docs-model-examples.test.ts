// Every YAML example in docs/MODEL.md validates and runs: a whole scenario as it stands, a fragment
// (miners, populations, fringe) on top of scenarios/minimal.yaml, whose keys it replaces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/engine/index.ts';
import { parseScenarioText, validateScenario } from '../src/scenario/load.ts';

const doc = readFileSync(new URL('../docs/MODEL.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
const minimal = readFileSync(new URL('../scenarios/minimal.yaml', import.meta.url), 'utf8');

describe('docs/MODEL.md YAML examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(3));
  it.each(blocks.map((b, i) => [i + 1, b] as const))('example %i validates and runs two days', (_i, text) => {
    const fragment = parseScenarioText(text) as Record<string, unknown>;
    const obj = 'name' in fragment ? fragment : { ...(parseScenarioText(minimal) as Record<string, unknown>), ...fragment };
    const sc = validateScenario({ ...obj, horizonDays: 2 });
    const r = simulate(sc, { seed: 1, runIndex: 0 });
    expect(r.series.hashrate_ehs![0]).toBeGreaterThan(0);
  });
});

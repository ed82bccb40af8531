// applyDraw (src/calibrate/apply.ts) copies only the objects along the parameters' paths and keeps
// the validated scenario's own objects for the fields no path enters. Checked against the plain
// definition (a deep copy of the whole scenario, the draw set, validated again) for every shipped
// scenario that names a calibration set.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDraw } from '../src/calibrate/apply.ts';
import { loadScenarioFile, validateScenario, type Scenario } from '../src/scenario/index.ts';
import { setAtPath } from '../src/sweep/path.ts';

const DIR = join(import.meta.dirname, '..', 'scenarios');
const calibrated = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, scenario: loadScenarioFile(join(DIR, f)).scenario }))
  .filter(({ scenario }) => (scenario.calibration?.draws?.length ?? 0) > 0);

/** The definition: the whole scenario copied, the draw set along its paths, validated again. */
function plainDraw(scenario: Scenario, k: number): Scenario {
  const cal = scenario.calibration!;
  const raw = structuredClone(scenario) as unknown as Record<string, unknown>;
  cal.parameters!.forEach((path, j) => setAtPath(raw, scenario, path, cal.draws![k]![j]!));
  raw['calibration'] = { set: cal.set, sha256: cal.sha256, parameters: cal.parameters, drawIndex: k };
  return validateScenario(raw);
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('applyDraw', () => {
  it('there are shipped scenarios with calibration sets to check', () => {
    expect(calibrated.length).toBeGreaterThanOrEqual(3);
  });

  it.each(calibrated.map((c) => [c.file, c.scenario] as const))('%s: every checked draw equals the plain definition; untouched fields are the scenario\'s own objects', (_file, scenario) => {
    const n = scenario.calibration!.draws!.length;
    const firstKeys = new Set(scenario.calibration!.parameters!.map((p) => p.split(/[.[]/)[0]!));
    for (const k of [0, Math.floor(n / 2), n - 1]) {
      const got = applyDraw(scenario, k);
      expect(got).toStrictEqual(plainDraw(scenario, k));
      expect(got.calibration?.drawIndex).toBe(k);
      for (const key of Object.keys(scenario) as (keyof Scenario)[]) {
        if (firstKeys.has(key) || key === 'calibration') expect(got[key]).not.toBe(scenario[key]);
        else expect(got[key]).toBe(scenario[key]);
      }
    }
  });

  it('does not write into the scenario it is given (a deep-frozen scenario gives the same draws)', () => {
    const { scenario } = calibrated[0]!;
    const frozen = deepFreeze(structuredClone(scenario));
    const n = scenario.calibration!.draws!.length;
    for (const k of [0, n - 1]) expect(applyDraw(frozen, k)).toStrictEqual(applyDraw(scenario, k));
    expect(frozen).toStrictEqual(scenario);
  });
});

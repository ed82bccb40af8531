// Parameter uncertainty in every batch: a scenario that names a calibration set carries its
// posterior draws (inlined by the loader, so the manifest's resolved scenario is self-contained), and
// each run uses one draw, chosen from (seed, run index) only: byte-identical for any worker count,
// and the same draw for the same run index in two scenarios, so `hashsim compare` still pairs runs.
import { deriveStream } from '../random/index.ts';
import { validateScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { setAtPath } from '../sweep/path.ts';

/** Index of the posterior draw run `runIndex` of a batch seeded `seed` uses (weighted). */
export function drawIndex(weights: readonly number[], seed: string | number, runIndex: number): number {
  const u = deriveStream({ seed, scenario: 'calibration', runIndex, component: 'posterior-draw' }).uniform();
  let total = 0;
  for (const w of weights) total += w;
  let acc = 0;
  const target = u * total;
  for (let k = 0; k < weights.length; k++) {
    acc += weights[k]!;
    if (target < acc) return k;
  }
  return weights.length - 1;
}

/** The scenario with posterior draw `k` of its calibration set applied (validated again). */
export function applyDraw(scenario: Scenario, k: number): Scenario {
  const cal = scenario.calibration;
  if (cal?.draws === undefined || cal.parameters === undefined) return scenario;
  const raw = structuredClone(scenario) as unknown as Record<string, unknown>;
  cal.parameters.forEach((path, j) => setAtPath(raw, scenario, path, cal.draws![k]![j]!));
  // The draws stay with the set (sha256 and paths), not in every run's copy.
  raw['calibration'] = { set: cal.set, sha256: cal.sha256, parameters: cal.parameters, drawIndex: k };
  return validateScenario(raw);
}

/** The scenario run `runIndex` simulates: with its posterior draw when it names a calibration set. */
export function scenarioForRun(scenario: Scenario, seed: string | number, runIndex: number): Scenario {
  const cal = scenario.calibration;
  if (cal?.draws === undefined || cal.draws.length === 0) return scenario;
  // Inline draws without weights count equally.
  return applyDraw(scenario, drawIndex(cal.weights ?? cal.draws.map(() => 1), seed, runIndex));
}

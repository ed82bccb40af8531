// Parameter uncertainty in every batch: a scenario that names a calibration set carries its
// posterior draws (inlined by the loader, so the manifest's resolved scenario is self-contained), and
// each run uses one draw, chosen from (seed, run index) only: byte-identical for any worker count,
// and the same draw for the same run index in two scenarios, so `hashsim compare` still pairs runs.
import { deriveStream } from '../random/index.ts';
import { validateScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseParameterPath, setAtPath } from '../sweep/path.ts';

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

/**
 * The scenario with posterior draw `k` of its calibration set applied (validated again).
 *
 * Per run, so cheap where it can be: only the objects along the parameters' paths are copied (the
 * rest of the raw scenario is the validated scenario's own: validation reads its input, never
 * writes it; the draws themselves are not copied), and the result keeps the validated scenario's
 * own objects for every top-level field no parameter path enters (validating a validated part gives
 * it back equal: a test checks this for the shipped scenarios). The engine's caches keyed by those
 * objects (resolved policies) then hold across the runs of a worker's task.
 */
export function applyDraw(scenario: Scenario, k: number): Scenario {
  const cal = scenario.calibration;
  if (cal?.draws === undefined || cal.parameters === undefined) return scenario;
  const raw = copyAlongPaths(scenario as unknown as Record<string, unknown>, cal.parameters);
  cal.parameters.forEach((path, j) => setAtPath(raw, scenario, path, cal.draws![k]![j]!));
  // The draws stay with the set (sha256 and paths), not in every run's copy.
  raw['calibration'] = { set: cal.set, sha256: cal.sha256, parameters: cal.parameters, drawIndex: k };
  const out = validateScenario(raw) as unknown as Record<string, unknown>;
  const touched = new Set(cal.parameters.map((path) => firstKey(path)));
  touched.add('calibration');
  const base = scenario as unknown as Record<string, unknown>;
  for (const key of Object.keys(out)) if (!touched.has(key) && Object.hasOwn(base, key)) out[key] = base[key];
  return out as unknown as Scenario;
}

function firstKey(path: string): string {
  const seg = parseParameterPath(path)[0]!;
  return 'key' in seg ? seg.key : String(seg.index);
}

const isContainer = (x: unknown): x is Record<string | number, unknown> => typeof x === 'object' && x !== null;

/** A shallow copy of `root` whose objects along each path (not the leaves) are copies too. */
function copyAlongPaths(root: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...root };
  const copies = new Set<unknown>([out]);
  for (const path of paths) {
    const segs = parseParameterPath(path);
    let cur: Record<string | number, unknown> = out;
    for (let d = 0; d < segs.length - 1; d++) {
      const seg = segs[d]!;
      const slot = 'index' in seg ? seg.index : seg.key;
      const child = cur[slot];
      if (!isContainer(child)) break; // setAtPath fills in what is missing (or names the bad path)
      if (!copies.has(child)) {
        const copy = Array.isArray(child) ? [...child] : { ...child };
        copies.add(copy);
        cur[slot] = copy;
      }
      cur = cur[slot] as Record<string | number, unknown>;
    }
  }
  return out;
}

/** The scenario run `runIndex` simulates: with its posterior draw when it names a calibration set. */
export function scenarioForRun(scenario: Scenario, seed: string | number, runIndex: number): Scenario {
  const cal = scenario.calibration;
  if (cal?.draws === undefined || cal.draws.length === 0) return scenario;
  // Inline draws without weights count equally.
  return applyDraw(scenario, drawIndex(cal.weights ?? cal.draws.map(() => 1), seed, runIndex));
}

// Every YAML example in docs/CALIBRATION.md validates as it stands:
// - a calibration file (a block with a `parameters:` key) loads with the calibration loader, its
//   relative paths resolved against docs/ (base scenario, price file, parameter paths, windows inside
//   the data); the sampler is not run;
// - any other block is a scenario example: merged onto scenarios/minimal.yaml (its keys replace
//   minimal's), it validates with its files read relative to scenarios/ (where such a scenario lives):
//   a dated price path is sliced from its start date, a calibration set's draws.json is read and its
//   parameters checked against the scenario.
// A calibration set named by an example is only read once it has been written (draws.json exists);
// until then the example is validated without it and the skip is reported.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCalibration } from '../src/calibrate/load.ts';
import { parseScenarioText, parseScenarioWithFiles, validateScenario } from '../src/scenario/load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = join(ROOT, 'docs');
const SCENARIOS = join(ROOT, 'scenarios');
const SOURCE = 'docs/CALIBRATION.md';

type Obj = Record<string, unknown>;

const doc = readFileSync(join(DOCS, 'CALIBRATION.md'), 'utf8');
const blocks = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m, i) => ({ n: i + 1, obj: parseScenarioText(m[1]!, SOURCE) as Obj }));
const calibrations = blocks.filter((b) => 'parameters' in b.obj);
const scenarios = blocks.filter((b) => !('parameters' in b.obj));
const minimal = parseScenarioText(readFileSync(join(SCENARIOS, 'minimal.yaml'), 'utf8')) as Obj;

const asObj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

describe('docs/CALIBRATION.md YAML examples', () => {
  it('has calibration-file and scenario examples (calibration set, dated price path)', () => {
    expect(calibrations.length).toBeGreaterThanOrEqual(1);
    expect(scenarios.some((b) => 'calibration' in b.obj)).toBe(true);
    expect(scenarios.some((b) => asObj(b.obj['price'])?.['dated'] === true)).toBe(true);
  });

  it.each(calibrations.map((b) => [b.n, b.obj] as const))('example %i: a calibration file that loads (paths relative to docs/)', (_n, obj) => {
    const loaded = parseCalibration(obj, SOURCE, DOCS);
    expect(loaded.spec.parameters.length).toBeGreaterThanOrEqual(1);
    for (const p of loaded.config.parameters) expect(p.path.startsWith('fringe.')).toBe(true);
  });

  it('the shipped study example is the shipped calibration file', () => {
    const shipped = join(ROOT, 'calibrations', 'supply-2019-2025.yaml');
    const example = calibrations.find((b) => b.obj['name'] === 'supply-2019-2025');
    expect(example).toBeDefined();
    if (!existsSync(shipped)) return;
    expect(example!.obj).toEqual(parseScenarioText(readFileSync(shipped, 'utf8'), shipped));
  });

  it.each(scenarios.map((b) => [b.n, b.obj] as const))('example %i: a scenario example that validates on scenarios/minimal.yaml', (_n, fragment) => {
    const obj: Obj = { ...minimal, ...fragment };
    // The schema alone (no files) accepts it as written.
    validateScenario(obj, [], SOURCE);
    const set = asObj(fragment['calibration'])?.['set'];
    const setWritten = typeof set !== 'string' || existsSync(join(SCENARIOS, set, 'draws.json'));
    if (!setWritten) {
      console.warn(`${SOURCE}: calibration set ${String(set)} (relative to scenarios/) is not written yet: validated without it`);
      delete obj['calibration'];
    }
    const { scenario, dataFiles } = parseScenarioWithFiles(obj, { baseDir: SCENARIOS, source: SOURCE });
    const price = asObj(fragment['price']);
    if (price?.['dated'] === true && scenario.price.model === 'path') {
      // The dated path starts at the scenario's start date and covers the horizon.
      expect(scenario.price.pricesUsd!.length).toBeGreaterThanOrEqual(scenario.horizonDays + 1);
    }
    if (typeof set === 'string' && setWritten) {
      expect(scenario.calibration?.draws?.length).toBeGreaterThan(0);
      expect(scenario.calibration!.parameters!.every((p) => p.startsWith('fringe.'))).toBe(true);
      expect(dataFiles.some((f) => f.field === 'calibration.set')).toBe(true);
    }
  });
});

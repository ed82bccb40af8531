// Builds bench scenarios from YAML templates: the bench file with a population size and horizon
// swapped in, and the default research scenario (optionally with a shorter horizon).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseScenario } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/schema.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_SCENARIO = join(ROOT, 'bench', 'scenarios', 'bench-10k.yaml');

/** The bench scenario with `count` generated miners over `days` daily steps. */
export function benchScenario(count: number, days: number): Scenario {
  const raw = parse(readFileSync(BENCH_SCENARIO, 'utf8')) as { populations: { count: number }[]; horizonDays: number };
  raw.populations[0]!.count = count;
  raw.horizonDays = days;
  return parseScenario(raw, { baseDir: dirname(BENCH_SCENARIO) });
}

/** The default scenario for Monte Carlo figures: baseline-2026, or minimal.yaml until it exists. */
export function defaultScenarioPath(): { path: string; fallback: boolean } {
  const baseline = join(ROOT, 'scenarios', 'baseline-2026.yaml');
  if (existsSync(baseline)) return { path: baseline, fallback: false };
  return { path: join(ROOT, 'scenarios', 'minimal.yaml'), fallback: true };
}

export const BENCH_MODEL_SCENARIO = join(ROOT, 'bench', 'bench-model', 'bench-model.yaml');

/** The bench-model scenario (bench/bench-model/) with `count` miners, `days` steps, daily price sd `sigma`. */
export function benchModelScenario(count: number, days: number, sigmaDaily = 0): Scenario {
  const raw = parse(readFileSync(BENCH_MODEL_SCENARIO, 'utf8')) as {
    populations: { count: number }[];
    horizonDays: number;
    price: { volAnnual: number };
  };
  raw.populations[0]!.count = count;
  raw.horizonDays = days;
  raw.price.volAnnual = sigmaDaily * Math.sqrt(365);
  return parseScenario(raw, { baseDir: dirname(BENCH_MODEL_SCENARIO) });
}

/** A numeric `--name value` argument of a bench child process, or `def`. */
export function numArg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

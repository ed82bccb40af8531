// Reads and checks a calibration file: schema, then everything decidable before sampling (parameter
// paths exist in the base scenario's fringe and accept their prior bounds, windows inside the price
// and retarget data). Every problem names its field path; nothing runs until all are fixed.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FringeSchema } from '../agents/schema.ts';
import { HashsimError } from '../errors.ts';
import { CsvFormatError } from '../market/csv.ts';
import { addDays, dateMs, parseDailyPriceCsv, type DailyPriceSeries } from '../market/daily.ts';
import { ScenarioError, type Problem } from '../scenario/errors.ts';
import { parseScenarioText, parseScenarioWithFiles } from '../scenario/load.ts';
import { getAtPath } from '../sweep/path.ts';
import { realHistory, type History } from './history.ts';
import { CalibrationSchema, MODEL_ERROR_PARAM, MODEL_ERROR_PRIOR, type CalibrationConfig } from './schema.ts';
import { issuesToProblems } from '../scenario/errors.ts';
import type { CalibrationSpec } from './target.ts';
import { fringeWith } from './target.ts';

/** The shipped daily BTC/USD closes (data/btc-usd-daily.csv, to 2025-09-30). */
export const SHIPPED_PRICES = fileURLToPath(new URL('../../data/btc-usd-daily.csv', import.meta.url));

export interface LoadedCalibration {
  readonly file: string;
  readonly config: CalibrationConfig;
  readonly spec: CalibrationSpec;
  /** sha256 of the calibration file, the base scenario file and the price file. */
  readonly hashes: { readonly calibration: string; readonly base: string; readonly prices: string };
  readonly baseFile: string;
  readonly pricesFile: string;
  readonly prices: DailyPriceSeries;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Validates a calibration object whose relative paths resolve against `baseDir`. */
export function parseCalibration(obj: unknown, file: string, baseDir: string): LoadedCalibration {
  const r = CalibrationSchema.safeParse(obj);
  if (!r.success) throw new ScenarioError(issuesToProblems(r.error.issues), file);
  const config = r.data;
  const problems: Problem[] = [];
  const baseFile = resolve(baseDir, config.base);
  let base;
  try {
    // The base's own calibration reference (often this very set) is dropped: the base gives the
    // starting model, and the set being estimated must not be needed to estimate it.
    const obj = parseScenarioText(readFileSync(baseFile, 'utf8'), config.base) as Record<string, unknown>;
    if (obj !== null && typeof obj === 'object') delete obj['calibration'];
    base = { scenario: parseScenarioWithFiles(obj, { baseDir: dirname(baseFile), source: config.base }).scenario };
  } catch (err) {
    throw new HashsimError(`${file}: base: ${(err as Error).message}`, 1);
  }
  const fringe = base.scenario.fringe;
  if (fringe === undefined) throw new ScenarioError([{ path: 'base', message: `expected a scenario with a fringe (the network supply the calibration fits): ${config.base} has none` }], file);

  config.parameters.forEach((p, i) => {
    if (!p.path.startsWith('fringe.')) {
      problems.push({ path: `parameters[${i}].path`, message: `expected a fringe.* path: the history likelihood runs the network supply only (got "${p.path}")` });
      return;
    }
    const inert = ['fringe.hashrateEHs', 'fringe.responsive', 'fringe.fleet'].includes(p.path) || p.path.startsWith('fringe.capacityShocks') || p.path.startsWith('fringe.noise');
    const replaced = config.fleetAtStart === 'history' && (p.path.startsWith('fringe.vintages') || p.path === 'fringe.frontier.efficiencyJPerTH');
    if (inert || replaced) {
      problems.push({
        path: `parameters[${i}].path`,
        message: `"${p.path}" cannot be estimated here: ${replaced ? 'with fleetAtStart: history each window\'s fleet and frontier come from history' : 'the likelihood sets it (start at the realized hashrate; shocks are inputs; the noise is the model error, likelihood.modelErrorLog)'}`,
      });
      return;
    }
    let v: unknown;
    try {
      v = getAtPath(base.scenario, p.path);
    } catch (err) {
      problems.push({ path: `parameters[${i}].path`, message: (err as Error).message });
      return;
    }
    if (typeof v !== 'number') {
      problems.push({ path: `parameters[${i}].path`, message: `expected a numeric parameter, "${p.path}" is ${Array.isArray(v) ? 'a list' : typeof v}` });
      return;
    }
    // The sampler proposes any real value between the bounds: integer fields cannot be calibrated.
    const inside = p.prior.min + (p.prior.max - p.prior.min) * 0.3719;
    if (!FringeSchema.safeParse(fringeWith(fringe, [p], [inside])).success && FringeSchema.safeParse(fringeWith(fringe, [p], [Math.round(inside)])).success) {
      problems.push({ path: `parameters[${i}].path`, message: `"${p.path}" takes whole numbers only; the sampler needs a continuous parameter` });
      return;
    }
    for (const bound of ['min', 'max'] as const) {
      const check = FringeSchema.safeParse(fringeWith(fringe, [p], [p.prior[bound]]));
      if (!check.success) problems.push({ path: `parameters[${i}].prior.${bound}`, message: `${p.prior[bound]} is not a valid value of ${p.path}: ${check.error.issues[0]!.message}` });
    }
  });

  const pricesFile = config.prices !== undefined ? resolve(baseDir, config.prices) : SHIPPED_PRICES;
  let pricesBytes: Buffer;
  try {
    pricesBytes = readFileSync(pricesFile);
  } catch {
    throw new ScenarioError([{ path: 'prices', message: `file not found: ${pricesFile}` }], file);
  }
  let prices: DailyPriceSeries;
  try {
    prices = parseDailyPriceCsv(pricesBytes.toString('utf8'));
  } catch (err) {
    if (!(err instanceof CsvFormatError)) throw err;
    throw new ScenarioError([{ path: 'prices', message: `${config.prices ?? pricesFile}: ${err.message}` }], file);
  }
  const history = realHistory(prices.firstDate, prices.pricesUsd);
  const firstEpoch = history.epochs[1]!.startTime;
  const lastKnown = history.epochs[history.epochs.length - 1]!.startTime;
  config.windows.forEach((w, i) => {
    if (dateMs(w.from) < dateMs(prices.firstDate) || dateMs(w.from) / 1000 < firstEpoch) {
      problems.push({ path: `windows[${i}].from`, message: `expected a date from ${prices.firstDate} on (the price and retarget data start there)` });
    }
    if (dateMs(w.to) > dateMs(prices.lastDate) + 86_400_000) {
      problems.push({ path: `windows[${i}].to`, message: `expected a date up to ${addDays(prices.lastDate, 1)} (windows are [from, to); the last price in ${config.prices ?? 'data/btc-usd-daily.csv'} is ${prices.lastDate})` });
    }
    w.capacityShocks.forEach((k, j) => {
      if (!(k.date >= w.from && k.date < w.to)) problems.push({ path: `windows[${i}].capacityShocks[${j}].date`, message: `expected a date inside the window (${w.from} .. ${w.to})` });
    });
    if (dateMs(w.to) / 1000 > lastKnown) problems.push({ path: `windows[${i}].to`, message: `expected a date before the last retarget in the data (${new Date(lastKnown * 1000).toISOString().slice(0, 10)})` });
  });
  if (problems.length > 0) throw new ScenarioError(problems, file);

  const parameters = config.parameters.map((p) => ({ path: p.path, prior: p.prior }));
  const estimate = config.likelihood.modelErrorLog === 'estimate';
  if (estimate) parameters.push({ path: MODEL_ERROR_PARAM, prior: MODEL_ERROR_PRIOR });
  const spec: CalibrationSpec = {
    name: config.name,
    seed: config.seed,
    parameters,
    modelErrorLog: estimate ? null : (config.likelihood.modelErrorLog as number),
    windows: config.windows,
    baseFringe: fringe,
    fleetAtStart: config.fleetAtStart,
    history: history satisfies History,
    sampler: config.sampler,
  };
  return {
    file,
    config,
    spec,
    hashes: { calibration: '', base: sha256(readFileSync(baseFile)), prices: sha256(pricesBytes) },
    baseFile,
    pricesFile,
    prices,
  };
}

/** Reads a calibration file (YAML or JSON). */
export function loadCalibrationFile(path: string): LoadedCalibration {
  const file = resolve(path);
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new HashsimError(`${path}: expected a calibration file (YAML or JSON), but it is a folder or other non-file`, 1);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof HashsimError) throw err;
    throw new HashsimError(`${path}: calibration file not found`, 1);
  }
  const obj = parseScenarioText(text, path);
  const loaded = parseCalibration(obj, path, dirname(file));
  return { ...loaded, hashes: { ...loaded.hashes, calibration: sha256(readFileSync(file)) } };
}

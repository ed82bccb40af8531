// `hashsim calibrate`: samples the posterior of a calibration on the worker pool, chain blocks as
// tasks, every block checkpointed (kill + --resume gives the same bytes), then writes the
// calibration set: posterior.parquet, draws.json (what scenarios read), diagnostics.json, fit.parquet,
// charts, calibration.html and manifest.json (docs/CALIBRATION.md).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { tsxLoaderUrl } from '../batch/index.ts';
import { createProgress, type ProgressMode } from '../batch/progress.ts';
import { HashsimError } from '../errors.ts';
import { RandomStream } from '../random/index.ts';
import { atomicWrite } from '../results/atomic.ts';
import { quantileType7 } from '../results/bands.ts';
import { writeParquetFile } from '../results/parquet.ts';
import { EPOCH_BITS } from '../scenario/retarget-data.ts';
import { CALIBRATION_DRAWS_FILE } from '../scenario/load.ts';
import { readPackageVersion } from '../cli/version.ts';
import { correlations, effectiveSampleSize, splitRhat } from './diagnostics.ts';
import { fitWindow } from './likelihood.ts';
import type { LoadedCalibration } from './load.ts';
import type { ChainState } from './sampler.ts';
import { fringeWith, modelErrorOf, parametersOf, type CalibrationSpec } from './target.ts';
import { priorSd } from './transform.ts';
import { MODEL_ERROR_PARAM, MODEL_ERROR_SCENARIO_PATH } from './schema.ts';
import type { ChainTask } from './worker.ts';
import { renderCalibrationCharts, writeCalibrationHtml } from './report.ts';

const COMPILED = import.meta.url.endsWith('.js');
const WORKER_URL = new URL(`./worker${COMPILED ? '.js' : '.ts'}`, import.meta.url).href;
const SPOOL = '.spool';
export const CALIBRATION_FORMAT = 'hashsim-calibration/1';

/** Files of a calibration set whose bytes are a function of the calibration and its inputs only. */
export const CALIBRATION_DATA_FILES = ['posterior.parquet', CALIBRATION_DRAWS_FILE, 'diagnostics.json', 'fit.parquet'] as const;

export interface CalibrateOptions {
  readonly out?: string;
  readonly workers?: number;
  readonly resume?: boolean;
  readonly force?: boolean;
  readonly progress?: ProgressMode;
  readonly charts?: boolean;
  readonly log?: (line: string) => void;
}

export interface CalibrateResult {
  readonly dir: string;
  readonly status: 'completed' | 'up-to-date';
  readonly diagnostics: Diagnostics;
}

export interface ParameterDiagnostics {
  readonly path: string;
  readonly prior: { readonly dist: string; readonly min: number; readonly max: number };
  readonly prior_sd: number;
  readonly post_mean: number;
  readonly post_sd: number;
  readonly p05: number;
  readonly p50: number;
  readonly p95: number;
  /** post_sd / prior_sd: near 1 = the data do not identify it, small = well identified. */
  readonly sd_ratio: number;
  readonly ess: number;
  readonly rhat: number;
}

export interface Diagnostics {
  readonly name: string;
  readonly draws: number;
  readonly chains: number;
  readonly acceptance: readonly number[];
  readonly parameters: readonly ParameterDiagnostics[];
  readonly correlations: readonly (readonly number[])[];
  readonly fit: {
    readonly epochs: number;
    readonly coverage_50: number;
    readonly coverage_90: number;
    readonly mae_median: number;
    readonly bias_median: number;
  };
}

const sha256 = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The identity of a calibration job: its settings and the bytes of every input. */
export function jobHash(loaded: LoadedCalibration): string {
  const { spec } = loaded;
  return sha256(
    JSON.stringify({
      format: CALIBRATION_FORMAT,
      name: spec.name,
      seed: spec.seed,
      parameters: spec.parameters,
      modelErrorLog: spec.modelErrorLog,
      windows: spec.windows,
      baseFringe: spec.baseFringe,
      fleetAtStart: spec.fleetAtStart,
      sampler: spec.sampler,
      keepDraws: loaded.config.keepDraws,
      prices: loaded.hashes.prices,
      retargets: sha256(JSON.stringify(EPOCH_BITS)),
      // The model is code: a new hashsim version is a new job (within one version, a set is up to date).
      hashsim: readPackageVersion(),
    }),
  );
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function runCalibration(loaded: LoadedCalibration, options: CalibrateOptions = {}): Promise<CalibrateResult> {
  const { spec } = loaded;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = resolve(options.out ?? join('calibrations', spec.name));
  const job = jobHash(loaded);
  const spool = join(dir, SPOOL);
  const manifestPath = join(dir, 'manifest.json');

  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new HashsimError(`--out ${dir}: exists and is not a folder`);
  const existing = existsSync(manifestPath) ? readJson<{ format?: string; job?: string }>(manifestPath) : null;
  if (existing?.format === CALIBRATION_FORMAT && existing.job === job && !options.force && !existsSync(spool)) {
    const diagnostics = readJson<Diagnostics>(join(dir, 'diagnostics.json'));
    if (diagnostics !== null) return { dir, status: 'up-to-date', diagnostics };
  }
  if (existsSync(dir) && !options.force) {
    const entries = readdirSync(dir);
    const isCalibration = existing?.format === CALIBRATION_FORMAT || entries.includes(SPOOL);
    if (entries.length > 0 && !isCalibration) throw new HashsimError(`--out ${dir}: the folder is not empty and holds no calibration set; choose another --out or pass --force`);
    if (existing !== null && existing.job !== job && !entries.includes(SPOOL)) {
      throw new HashsimError(`--out ${dir}: holds a calibration set of different settings or data; pass --force to replace it`);
    }
  }
  const spoolJob = readJson<{ job: string }>(join(spool, 'job.json'));
  if (spoolJob !== null && spoolJob.job !== job && !options.force) {
    throw new HashsimError(`${spool}: an interrupted calibration of different settings is there; pass --force to discard it`);
  }
  if (spoolJob !== null && spoolJob.job === job && !options.resume && !options.force) {
    throw new HashsimError(`${dir}: an interrupted calibration of this file is there; pass --resume to continue it or --force to start over`);
  }
  if (options.force || (spoolJob !== null && spoolJob.job !== job)) await rm(spool, { recursive: true, force: true });
  await mkdir(spool, { recursive: true });
  await atomicWrite(join(spool, 'job.json'), `${JSON.stringify({ job })}\n`);

  const { chains, iterations, block } = spec.sampler;
  const states: (ChainState | null)[] = [];
  for (let c = 0; c < chains; c++) states.push(readJson<ChainState>(join(spool, `chain-${c}.json`)));
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), chains));
  const totalBlocks = chains * Math.ceil(iterations / block);
  const doneBlocks = () => states.reduce((a, s) => a + (s === null ? 0 : Math.ceil(s.iteration / block)), 0);
  const t0 = Date.now();
  const progress = createProgress(options.progress ?? 'auto', process.stderr, 5000, 'blocks');
  progress.start(totalBlocks, doneBlocks());
  const pool = new Piscina<ChainTask, ChainState>({
    filename: WORKER_URL,
    minThreads: workers,
    maxThreads: workers,
    execArgv: COMPILED ? [] : ['--import', tsxLoaderUrl()],
    idleTimeout: 1000,
  });
  try {
    const advance = async (c: number): Promise<void> => {
      while ((states[c]?.iteration ?? 0) < iterations) {
        const until = (Math.floor((states[c]?.iteration ?? 0) / block) + 1) * block;
        const next = await pool.run({ job, spec, chain: c, state: states[c] ?? null, until });
        states[c] = next;
        await atomicWrite(join(spool, `chain-${c}.json`), JSON.stringify(next));
        progress.update(doneBlocks());
      }
    };
    await Promise.all(Array.from({ length: chains }, (_, c) => advance(c)));
  } finally {
    progress.stop();
    await pool.destroy();
  }
  const done = states as ChainState[];
  const diagnostics = await writeCalibrationSet(dir, loaded, job, done, options.charts ?? true);
  await atomicWrite(join(dir, 'timings.json'), `${JSON.stringify({ seconds: (Date.now() - t0) / 1000, workers }, null, 2)}\n`);
  await rm(spool, { recursive: true, force: true });
  log(`wrote ${dir} (${diagnostics.draws} posterior draws from ${chains} chains)`);
  return { dir, status: 'completed', diagnostics };
}

/** Posterior draws in chain order: parameter values (x), log posterior, chain and iteration. */
export function posteriorRows(spec: CalibrationSpec, states: readonly ChainState[]) {
  const rows: { chain: number; iteration: number; logPost: number; x: number[] }[] = [];
  for (const s of states) for (const d of s.samples) rows.push({ chain: s.chain, iteration: d.iteration, logPost: d.logPost, x: parametersOf(spec, d.z) });
  return rows;
}

function sortedCopy(xs: readonly number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}

async function writeCalibrationSet(dir: string, loaded: LoadedCalibration, job: string, states: readonly ChainState[], charts: boolean): Promise<Diagnostics> {
  const { spec } = loaded;
  const rows = posteriorRows(spec, states);
  if (rows.length === 0) throw new HashsimError('the sampler kept no draws: raise sampler.iterations or lower sampler.burnIn / thin');
  const P = spec.parameters.length;

  // posterior.parquet
  await writeParquetFile(join(dir, 'posterior.parquet'), [
    { name: 'chain', type: 'int32', values: Int32Array.from(rows, (r) => r.chain) },
    { name: 'iteration', type: 'int32', values: Int32Array.from(rows, (r) => r.iteration) },
    { name: 'weight', type: 'float64', values: Float64Array.from(rows, () => 1) },
    { name: 'log_posterior', type: 'float64', values: Float64Array.from(rows, (r) => r.logPost) },
    ...spec.parameters.map((p, j) => ({ name: p.path, type: 'float64' as const, values: Float64Array.from(rows, (r) => r.x[j]!) })),
  ]);

  // draws.json: keepDraws evenly spaced over all kept draws.
  const keep = Math.min(loaded.config.keepDraws, rows.length);
  const picked = Array.from({ length: keep }, (_, k) => rows[Math.floor((k * rows.length) / keep)]!);
  // The model-error sd becomes the fringe's noise in scenarios (so their bands carry it).
  const scenarioParams = spec.parameters.map((p, j) => [p.path === MODEL_ERROR_PARAM ? MODEL_ERROR_SCENARIO_PATH : p.path, j] as const);
  const drawsJson = {
    format: 'hashsim-calibration-draws/1',
    name: spec.name,
    parameters: scenarioParams.map(([path]) => path),
    draws: picked.map((r) => scenarioParams.map(([, j]) => r.x[j]!)),
    weights: picked.map(() => 1),
  };
  await atomicWrite(join(dir, CALIBRATION_DRAWS_FILE), `${JSON.stringify(drawsJson, null, 1)}\n`);

  // Fit of the training windows: posterior predictive of every epoch's realized hashrate.
  const fitRng = new RandomStream(`calibrate/${String(spec.seed)}/${spec.name}/fit`);
  const nFit = Math.min(100, picked.length);
  const fitDraws = Array.from({ length: nFit }, (_, k) => picked[Math.floor((k * picked.length) / nFit)]!);
  type FitRow = { window: number; epoch: number; height: number; date: string; real: number; sims: number[] };
  const fitRows: FitRow[] = [];
  fitDraws.forEach((draw, k) => {
    const fringe = fringeWith(spec.baseFringe, spec.parameters, draw.x);
    const sigma = modelErrorOf(spec, draw.x);
    spec.windows.forEach((w, wi) => {
      const fit = fitWindow(fringe, spec.history, w, spec.fleetAtStart);
      fit.epochs.forEach((e, ei) => {
        if (k === 0) {
          const ep = spec.history.epochs[e.index]!;
          fitRows.push({ window: wi, epoch: ep.epoch, height: ep.epoch * 2016, date: new Date(ep.startTime * 1000).toISOString().slice(0, 10), real: e.realizedEHs, sims: [] });
        }
        const row = fitRows.filter((r) => r.window === wi)[ei]!;
        // Realized = model x model error x Gamma(2015) sampling noise (log-normal approximation of both).
        row.sims.push(e.meanEHs * Math.exp(fitRng.normal(0, Math.sqrt(sigma * sigma + 1 / 2015))));
      });
    });
  });
  const Q = [0.05, 0.25, 0.5, 0.75, 0.95];
  const fitQ = fitRows.map((r) => {
    const s = sortedCopy(r.sims);
    return { ...r, q: Q.map((p) => quantileType7(s, p)) };
  });
  await writeParquetFile(join(dir, 'fit.parquet'), [
    { name: 'window', type: 'int32', values: Int32Array.from(fitQ, (r) => r.window) },
    { name: 'epoch', type: 'int32', values: Int32Array.from(fitQ, (r) => r.epoch) },
    { name: 'height', type: 'int32', values: Int32Array.from(fitQ, (r) => r.height) },
    { name: 'date', type: 'utf8', values: fitQ.map((r) => r.date) },
    { name: 'real_ehs', type: 'float64', values: Float64Array.from(fitQ, (r) => r.real) },
    ...['p05', 'p25', 'p50', 'p75', 'p95'].map((n, j) => ({ name: `sim_${n}_ehs`, type: 'float64' as const, values: Float64Array.from(fitQ, (r) => r.q[j]!) })),
  ]);

  // diagnostics.json
  const perChain = (j: number) => states.map((s) => s.samples.map((d) => parametersOf(spec, d.z)[j]!));
  const columns = spec.parameters.map((_, j) => rows.map((r) => r.x[j]!));
  const parameters: ParameterDiagnostics[] = spec.parameters.map((p, j) => {
    const col = columns[j]!;
    const s = sortedCopy(col);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, col.length - 1));
    const psd = priorSd(p.prior);
    return {
      path: p.path,
      prior: { dist: p.prior.dist, min: p.prior.min, max: p.prior.max },
      prior_sd: psd,
      post_mean: m,
      post_sd: sd,
      p05: quantileType7(s, 0.05),
      p50: quantileType7(s, 0.5),
      p95: quantileType7(s, 0.95),
      sd_ratio: sd / psd,
      ess: effectiveSampleSize(perChain(j)),
      rhat: splitRhat(perChain(j)),
    };
  });
  const inBand = (r: (typeof fitQ)[number], lo: number, hi: number) => r.real >= r.q[lo]! && r.real <= r.q[hi]!;
  const errs = fitQ.map((r) => r.q[2]! / r.real - 1);
  const diagnostics: Diagnostics = {
    name: spec.name,
    draws: rows.length,
    chains: states.length,
    acceptance: states.map((s) => s.accepted / s.iteration),
    parameters,
    correlations: P > 1 ? correlations(columns) : [[1]],
    fit: {
      epochs: fitQ.length,
      coverage_50: fitQ.filter((r) => inBand(r, 1, 3)).length / Math.max(1, fitQ.length),
      coverage_90: fitQ.filter((r) => inBand(r, 0, 4)).length / Math.max(1, fitQ.length),
      mae_median: errs.reduce((a, e) => a + Math.abs(e), 0) / Math.max(1, errs.length),
      bias_median: errs.reduce((a, e) => a + e, 0) / Math.max(1, errs.length),
    },
  };
  await atomicWrite(join(dir, 'diagnostics.json'), `${JSON.stringify(diagnostics, null, 2)}\n`);

  const files: Record<string, string> = {};
  for (const f of CALIBRATION_DATA_FILES) files[f] = sha256(readFileSync(join(dir, f)));
  const manifest = {
    format: CALIBRATION_FORMAT,
    job,
    name: spec.name,
    seed: spec.seed,
    hashsim: readPackageVersion(),
    parameters: spec.parameters,
    likelihood: { modelErrorLog: spec.modelErrorLog ?? 'estimate' },
    windows: spec.windows,
    fleetAtStart: spec.fleetAtStart,
    sampler: spec.sampler,
    keepDraws: loaded.config.keepDraws,
    inputs: {
      calibration: { file: loaded.file, sha256: loaded.hashes.calibration },
      base: { file: loaded.config.base, sha256: loaded.hashes.base },
      prices: { file: loaded.config.prices ?? 'data/btc-usd-daily.csv (shipped)', sha256: loaded.hashes.prices, firstDate: loaded.prices.firstDate, lastDate: loaded.prices.lastDate },
      retargetData: { source: 'src/scenario/retarget-data.ts', sha256: sha256(JSON.stringify(EPOCH_BITS)) },
    },
    files,
  };
  if (charts) {
    await renderCalibrationCharts(dir, spec, rows, fitQ);
    await writeCalibrationHtml(dir, diagnostics, manifest);
  }
  await atomicWrite(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return diagnostics;
}

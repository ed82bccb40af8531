// The posterior a calibration samples: flat priors on the parameters' own scales (uniform or
// loguniform, bounded), times the likelihood of the real epoch spans in every training window.
// Plain data in (CalibrationSpec), so the same target runs in the main thread and in workers.
import type { FringeConfig } from '../agents/schema.ts';
import { HashsimError } from '../errors.ts';
import { parseParameterPath } from '../sweep/path.ts';
import type { History } from './history.ts';
import { fitWindow, SPAN_INTERVALS, type Window, type WindowFit } from './likelihood.ts';
import { MODEL_ERROR_PARAM, type Prior } from './schema.ts';
import type { LogPosterior, SamplerSettings } from './sampler.ts';
import { logPriorZ, toParameter } from './transform.ts';

export interface CalibrationSpec {
  readonly name: string;
  readonly seed: string | number;
  /** Parameters in sampling order; the model error (MODEL_ERROR_PARAM) last when it is estimated. */
  readonly parameters: readonly { readonly path: string; readonly prior: Prior }[];
  /** Fixed model error sd (log scale), or null when it is a parameter. */
  readonly modelErrorLog: number | null;
  readonly windows: readonly Window[];
  readonly baseFringe: FringeConfig;
  /** The fleet at each window's start: inferred from history, or the base scenario's. */
  readonly fleetAtStart: 'history' | 'base';
  readonly history: History;
  readonly sampler: SamplerSettings & { readonly chains: number; readonly block: number };
}

/** The fringe config with parameter values x (paths `fringe.*`) set. */
export function fringeWith(base: FringeConfig, parameters: CalibrationSpec['parameters'], x: readonly number[]): FringeConfig {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  parameters.forEach((p, j) => {
    if (p.path === MODEL_ERROR_PARAM) return;
    const segs = parseParameterPath(p.path).slice(1); // drop "fringe"
    let cur: Record<string | number, unknown> = out;
    segs.forEach((s, k) => {
      const key = 'index' in s ? s.index : s.key;
      if (k === segs.length - 1) cur[key] = x[j]!;
      else cur = cur[key] as Record<string | number, unknown>;
    });
  });
  return out as unknown as FringeConfig;
}

/** Parameter values of z. */
export function parametersOf(spec: CalibrationSpec, z: readonly number[]): number[] {
  return spec.parameters.map((p, j) => toParameter(p.prior, z[j]!));
}

/** log-likelihood of one window's epochs with model error sd `sigma` (0: the exact Gamma span likelihood). */
export function scoreWindow(fit: WindowFit, sigma: number): number {
  if (sigma === 0) return fit.logLik;
  // Realized hashrate = model hashrate x exp(model error) x Gamma sampling noise; on the log scale
  // both are (near) normal: var = sigma^2 + 1/2015 (the Gamma(2015) term's log variance).
  const v = sigma * sigma + 1 / SPAN_INTERVALS;
  let ll = 0;
  for (const e of fit.epochs) {
    if (!(e.meanEHs > 0)) return -Infinity;
    const r = Math.log(e.realizedEHs) - Math.log(e.meanEHs);
    ll += -0.5 * Math.log(2 * Math.PI * v) - (r * r) / (2 * v);
  }
  return ll;
}

export function modelErrorOf(spec: CalibrationSpec, x: readonly number[]): number {
  return spec.modelErrorLog ?? x[spec.parameters.length - 1]!;
}

export function makeLogPosterior(spec: CalibrationSpec): LogPosterior {
  return (z) => {
    let lp = 0;
    for (const zi of z) lp += logPriorZ(zi);
    const x = parametersOf(spec, z);
    const fringe = fringeWith(spec.baseFringe, spec.parameters, x);
    const sigma = modelErrorOf(spec, x);
    for (const w of spec.windows) {
      try {
        lp += scoreWindow(fitWindow(fringe, spec.history, w, spec.fleetAtStart), sigma);
      } catch (err) {
        // A parameter set the model cannot start with (e.g. no capacity covers its power cost at the
        // window's start) has zero likelihood; data errors are caught by the loader before sampling.
        if (err instanceof HashsimError) return -Infinity;
        throw err;
      }
      if (!Number.isFinite(lp)) return -Infinity;
    }
    return lp;
  };
}

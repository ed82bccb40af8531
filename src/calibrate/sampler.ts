// Adaptive random-walk Metropolis in the unbounded space of the priors (transform.ts), one chain at a
// time, advanced in blocks from a serializable state so a chain can be checkpointed and resumed with
// byte-identical results. During burn-in the proposal covariance (Haario et al. 2001) and its scale
// (Robbins-Monro toward 23.4% acceptance) adapt; after burn-in they are frozen (a valid Markov chain).
import { RandomStream, type StreamState } from '../random/index.ts';

/** A chain's complete state (JSON-safe: doubles round-trip exactly through JSON). */
export interface ChainState {
  readonly chain: number;
  /** Iterations done. */
  iteration: number;
  z: number[];
  logPost: number;
  logScale: number;
  /** Running mean and covariance (Welford) of z over the burn-in, for the proposal. */
  mean: number[];
  m2: number[][];
  accepted: number;
  rng: StreamState;
  /** Kept samples after burn-in, every `thin`-th iteration: z and the log posterior. */
  samples: { iteration: number; z: number[]; logPost: number }[];
}

export interface SamplerSettings {
  readonly iterations: number;
  readonly burnIn: number;
  readonly thin: number;
}

/** log posterior of z (up to a constant); -Infinity where the model cannot be evaluated. */
export type LogPosterior = (z: readonly number[]) => number;

const TARGET_ACCEPT = 0.234;

/** A new chain started at a draw from the prior (logistic in z). */
export function startChain(chain: number, dim: number, key: string, logPost: LogPosterior): ChainState {
  const rng = new RandomStream(`${key}/chain-${chain}`);
  const z: number[] = [];
  for (let j = 0; j < dim; j++) {
    const u = rng.uniformOpen();
    z.push(Math.log(u / (1 - u)));
  }
  return {
    chain,
    iteration: 0,
    z,
    logPost: logPost(z),
    logScale: Math.log(2.38 / Math.sqrt(dim)),
    mean: z.slice(),
    m2: z.map(() => z.map(() => 0)),
    accepted: 0,
    rng: rng.state(),
    samples: [],
  };
}

/** Lower-triangular Cholesky factor of a symmetric positive-definite matrix (with jitter if needed). */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 10) {
    const l = a.map(() => new Array<number>(n).fill(0));
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i]![j]! + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
        if (i === j) {
          if (!(s > 0)) ok = false;
          else l[i]![i] = Math.sqrt(s);
        } else l[i]![j] = s / l[j]![j]!;
      }
    }
    if (ok) return l;
    if (jitter > 1) throw new Error('cholesky: matrix is not positive definite');
  }
}

/** Advance `state` (in place) to iteration `until` (at most settings.iterations). */
export function advanceChain(state: ChainState, until: number, settings: SamplerSettings, logPost: LogPosterior): ChainState {
  const rng = new RandomStream(state.rng.key, state.rng);
  const d = state.z.length;
  const end = Math.min(until, settings.iterations);
  // The proposal's shape: the identity until the burn-in has seen enough points, then the burn-in's
  // covariance; frozen after the burn-in.
  // Recomputed whenever the burn-in count it depends on changes, so the result does not depend on
  // where blocks begin and end.
  let chol: number[][] | null = null;
  let cholAt = -1;
  const shape = (): number[][] => {
    const n = Math.min(state.iteration, settings.burnIn);
    if (n < Math.max(50, 2 * d)) return state.z.map((_, i) => state.z.map((__, j) => (i === j ? 1 : 0)));
    return cholesky(state.m2.map((row, i) => row.map((v, j) => v / (n - 1) + (i === j ? 1e-8 : 0))));
  };
  while (state.iteration < end) {
    const t = state.iteration;
    const adapting = t < settings.burnIn;
    if (chol === null || cholAt !== Math.min(t, settings.burnIn)) {
      chol = shape();
      cholAt = Math.min(t, settings.burnIn);
    }
    const eps: number[] = [];
    for (let j = 0; j < d; j++) eps.push(rng.normal());
    const scale = Math.exp(state.logScale);
    const prop = state.z.map((zi, i) => {
      let s = 0;
      for (let j = 0; j <= i; j++) s += chol![i]![j]! * eps[j]!;
      return zi + scale * s;
    });
    const lp = logPost(prop);
    const logU = Math.log(rng.uniformOpen());
    const alpha = Number.isFinite(lp) ? Math.min(1, Math.exp(lp - state.logPost)) : 0;
    if (Number.isFinite(lp) && logU < lp - state.logPost) {
      state.z = prop;
      state.logPost = lp;
      state.accepted++;
    }
    state.iteration = t + 1;
    if (adapting) {
      state.logScale += (alpha - TARGET_ACCEPT) / Math.pow(t + 1, 0.6);
      // Welford update of the running mean and co-moment of z.
      const n = t + 1;
      const delta = state.z.map((v, i) => v - state.mean[i]!);
      state.mean = state.mean.map((m, i) => m + delta[i]! / n);
      const delta2 = state.z.map((v, i) => v - state.mean[i]!);
      state.m2 = state.m2.map((row, i) => row.map((v, j) => v + delta[i]! * delta2[j]!));
    } else if ((state.iteration - settings.burnIn) % settings.thin === 0) {
      state.samples.push({ iteration: state.iteration, z: state.z.slice(), logPost: state.logPost });
    }
  }
  state.rng = rng.state();
  return state;
}

import type { RandomStream } from '../random/index.ts';
import { quantileType7 } from '../results/bands.ts';

// Variance-based (Sobol) and elementary-effects (Morris) sensitivity estimators with bootstrap
// confidence intervals. Pure functions of the outputs of a design (one value per design point, in
// design order; NaN = missing) and a seeded random stream for the resampling.

/** An estimate with its bootstrap standard error and percentile confidence interval. */
export interface Estimate {
  readonly estimate: number;
  /** Lower/upper bound of the bootstrap percentile interval at the requested confidence. */
  readonly low: number;
  readonly high: number;
  /** Standard deviation of the bootstrap replicates. */
  readonly se: number;
}

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  readonly resamples?: number;
  /** Confidence level (default 0.95). */
  readonly confidence?: number;
  /** Stream the resampling draws from (the caller seeds it). */
  readonly stream: RandomStream;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

function sdSample(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Estimate + percentile interval + se from a point estimate and its bootstrap replicates. */
function summarizeBoot(estimate: number, reps: Float64Array, confidence: number): Estimate {
  const ok = Float64Array.from(reps.filter((x) => Number.isFinite(x))).sort();
  if (ok.length < 2 || !Number.isFinite(estimate)) return { estimate, low: NaN, high: NaN, se: NaN };
  const a = (1 - confidence) / 2;
  return { estimate, low: quantileType7(ok, a), high: quantileType7(ok, 1 - a), se: sdSample(ok) };
}

/** Index arrays of `resamples` bootstrap resamples of 0..n-1 (with replacement). */
function resampleIndexes(n: number, resamples: number, stream: RandomStream): Int32Array[] {
  const out: Int32Array[] = [];
  for (let b = 0; b < resamples; b++) {
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = stream.int(n);
    out.push(idx);
  }
  return out;
}

export interface SobolIndices {
  /** Base samples N of the design and how many entered (a sample is dropped when any of its points is missing). */
  readonly n: number;
  readonly used: number;
  /** Variance of the output over the A and B points (population variance, in output units squared). */
  readonly variance: number;
  readonly mean: number;
  /** First-order indices S_i (Saltelli et al. 2010, eq. (b) of table 2). */
  readonly first: readonly Estimate[];
  /** Total-order indices ST_i (Jansen 1999). */
  readonly total: readonly Estimate[];
  /** Second-order indices S_ij for i < j (Saltelli 2002), when the design has the BA_i points. */
  readonly second: readonly { readonly i: number; readonly j: number; readonly value: Estimate }[] | null;
}

/**
 * Sobol indices from the outputs of a Saltelli design (layout of `saltelliUnit`: per base sample j,
 * rows A_j, AB_1j..AB_kj, [BA_1j..BA_kj], B_j). With f_A, f_B, f_ABi the outputs at A, B, AB_i and
 * V the variance of f over A and B:
 *   S_i  = mean(f_B (f_ABi - f_A)) / V                      (Saltelli et al. 2010)
 *   ST_i = mean((f_A - f_ABi)^2) / (2 V)                     (Jansen 1999)
 *   S_ij = mean(f_BAi f_ABj - f_A f_B) / V - S_i - S_j       (Saltelli 2002, closed second order)
 * The outputs are centred and scaled by their mean and standard deviation first (the indices are
 * invariant to it; the estimators' sampling error is not, as SALib notes). Confidence intervals:
 * percentile bootstrap over base samples (whole rows of the design are resampled together).
 */
export function sobolIndices(y: ArrayLike<number>, k: number, n: number, secondOrder: boolean, boot: BootstrapOptions): SobolIndices {
  const rows = secondOrder ? 2 * k + 2 : k + 2;
  if (y.length !== n * rows) throw new RangeError(`Sobol indices: expected ${n * rows} outputs (N = ${n}, k = ${k}, ${rows} per sample), got ${y.length}`);
  const keep: number[] = [];
  for (let j = 0; j < n; j++) {
    let ok = true;
    for (let r = 0; r < rows; r++) if (!Number.isFinite(y[j * rows + r]!)) ok = false;
    if (ok) keep.push(j);
  }
  const m = keep.length;
  const all: number[] = [];
  for (const j of keep) for (let r = 0; r < rows; r++) all.push(y[j * rows + r]!);
  const mu = all.length ? mean(all) : NaN;
  const sd = all.length > 1 ? sdSample(all) : NaN;
  const scale = sd > 0 ? sd : 1;
  const A = new Float64Array(m);
  const B = new Float64Array(m);
  const AB = Array.from({ length: k }, () => new Float64Array(m));
  const BA = secondOrder ? Array.from({ length: k }, () => new Float64Array(m)) : null;
  keep.forEach((j, t) => {
    const at = j * rows;
    A[t] = (y[at]! - mu) / scale;
    B[t] = (y[at + rows - 1]! - mu) / scale;
    for (let i = 0; i < k; i++) AB[i]![t] = (y[at + 1 + i]! - mu) / scale;
    if (BA) for (let i = 0; i < k; i++) BA[i]![t] = (y[at + 1 + k + i]! - mu) / scale;
  });

  // One pass over a (re)sample of base rows: every index at once.
  const compute = (idx: ArrayLike<number> | null): { s1: number[]; st: number[]; s2: number[] } => {
    const len = idx ? idx.length : m;
    const at = (t: number): number => (idx ? idx[t]! : t);
    let sa = 0;
    let sb = 0;
    for (let t = 0; t < len; t++) {
      sa += A[at(t)]!;
      sb += B[at(t)]!;
    }
    const mAB = (sa + sb) / (2 * len);
    let ss = 0;
    for (let t = 0; t < len; t++) ss += (A[at(t)]! - mAB) ** 2 + (B[at(t)]! - mAB) ** 2;
    const V = ss / (2 * len);
    const s1: number[] = [];
    const st: number[] = [];
    for (let i = 0; i < k; i++) {
      let f = 0;
      let tot = 0;
      const abi = AB[i]!;
      for (let t = 0; t < len; t++) {
        const r = at(t);
        f += B[r]! * (abi[r]! - A[r]!);
        tot += (A[r]! - abi[r]!) ** 2;
      }
      s1.push(f / len / V);
      st.push(tot / (2 * len) / V);
    }
    const s2: number[] = [];
    if (BA) {
      for (let i = 0; i < k; i++) {
        for (let j = i + 1; j < k; j++) {
          let v = 0;
          const bai = BA[i]!;
          const abj = AB[j]!;
          for (let t = 0; t < len; t++) {
            const r = at(t);
            v += bai[r]! * abj[r]! - A[r]! * B[r]!;
          }
          s2.push(v / len / V - s1[i]! - s1[j]!);
        }
      }
    }
    return { s1, st, s2 };
  };

  const confidence = boot.confidence ?? 0.95;
  const resamples = boot.resamples ?? 1000;
  const point = m > 1 ? compute(null) : { s1: new Array<number>(k).fill(NaN), st: new Array<number>(k).fill(NaN), s2: [] as number[] };
  const nPairs = (k * (k - 1)) / 2;
  const reps1 = Array.from({ length: k }, () => new Float64Array(resamples));
  const repsT = Array.from({ length: k }, () => new Float64Array(resamples));
  const reps2 = Array.from({ length: secondOrder ? nPairs : 0 }, () => new Float64Array(resamples));
  if (m > 1) {
    const idxs = resampleIndexes(m, resamples, boot.stream);
    idxs.forEach((idx, b) => {
      const r = compute(idx);
      for (let i = 0; i < k; i++) {
        reps1[i]![b] = r.s1[i]!;
        repsT[i]![b] = r.st[i]!;
      }
      r.s2.forEach((v, p) => (reps2[p]![b] = v));
    });
  }
  const first = point.s1.map((e, i) => summarizeBoot(e, reps1[i]!, confidence));
  const total = point.st.map((e, i) => summarizeBoot(e, repsT[i]!, confidence));
  let second: { i: number; j: number; value: Estimate }[] | null = null;
  if (secondOrder) {
    second = [];
    let p = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        second.push({ i, j, value: summarizeBoot(point.s2[p] ?? NaN, reps2[p]!, confidence) });
        p++;
      }
    }
  }
  const variance = m > 1 ? (() => {
    let s = 0;
    let q = 0;
    for (let t = 0; t < m; t++) s += A[t]! + B[t]!;
    const c = s / (2 * m);
    for (let t = 0; t < m; t++) q += (A[t]! - c) ** 2 + (B[t]! - c) ** 2;
    return (q / (2 * m)) * scale * scale;
  })() : NaN;
  return { n, used: m, variance, mean: mu, first, total, second };
}

export interface MorrisLayout {
  readonly r: number;
  readonly k: number;
  /** Step of the design in unit scale (p / (2 (p - 1))). */
  readonly delta: number;
  /** factor[t][s]: the parameter moved at step s of trajectory t; sign[t][s]: +1 up, -1 down. */
  readonly factor: readonly (readonly number[])[];
  readonly sign: readonly (readonly number[])[];
}

export interface MorrisIndices {
  readonly r: number;
  /** Elementary effects that entered, per parameter (an effect is dropped when one of its two outputs is missing). */
  readonly effects: readonly number[];
  /** Mean of the elementary effects (signed). */
  readonly mu: readonly Estimate[];
  /** Mean of their absolute values (Campolongo et al. 2007): the screening measure. */
  readonly muStar: readonly Estimate[];
  /** Their standard deviation (n - 1): non-linearity and interactions. */
  readonly sigma: readonly Estimate[];
}

/**
 * Morris elementary effects from the outputs of a trajectory design (layout of `morrisUnit`):
 * EE = (f(x + sign delta e_i) - f(x)) / (sign delta), in output units per the parameter's whole
 * range (unit scale). Confidence intervals: percentile bootstrap over trajectories.
 */
export function morrisIndices(y: ArrayLike<number>, layout: MorrisLayout, boot: BootstrapOptions): MorrisIndices {
  const { r, k, delta } = layout;
  if (y.length !== r * (k + 1)) throw new RangeError(`Morris indices: expected ${r * (k + 1)} outputs (r = ${r}, k = ${k}), got ${y.length}`);
  // ee[i][t]: effect of parameter i on trajectory t (NaN when missing).
  const ee = Array.from({ length: k }, () => new Float64Array(r).fill(NaN));
  for (let t = 0; t < r; t++) {
    for (let s = 0; s < k; s++) {
      const y0 = y[t * (k + 1) + s]!;
      const y1 = y[t * (k + 1) + s + 1]!;
      const f = layout.factor[t]![s]!;
      if (Number.isFinite(y0) && Number.isFinite(y1)) ee[f]![t] = (y1 - y0) / (layout.sign[t]![s]! * delta);
    }
  }
  const stats = (idx: ArrayLike<number> | null): { mu: number[]; muStar: number[]; sigma: number[] } => {
    const mu: number[] = [];
    const muStar: number[] = [];
    const sigma: number[] = [];
    for (let i = 0; i < k; i++) {
      const xs: number[] = [];
      const len = idx ? idx.length : r;
      for (let t = 0; t < len; t++) {
        const v = ee[i]![idx ? idx[t]! : t]!;
        if (Number.isFinite(v)) xs.push(v);
      }
      mu.push(xs.length ? mean(xs) : NaN);
      muStar.push(xs.length ? mean(xs.map(Math.abs)) : NaN);
      sigma.push(sdSample(xs));
    }
    return { mu, muStar, sigma };
  };
  const confidence = boot.confidence ?? 0.95;
  const resamples = boot.resamples ?? 1000;
  const point = stats(null);
  const reps = { mu: Array.from({ length: k }, () => new Float64Array(resamples)), muStar: Array.from({ length: k }, () => new Float64Array(resamples)), sigma: Array.from({ length: k }, () => new Float64Array(resamples)) };
  resampleIndexes(r, resamples, boot.stream).forEach((idx, b) => {
    const s = stats(idx);
    for (let i = 0; i < k; i++) {
      reps.mu[i]![b] = s.mu[i]!;
      reps.muStar[i]![b] = s.muStar[i]!;
      reps.sigma[i]![b] = s.sigma[i]!;
    }
  });
  return {
    r,
    effects: ee.map((col) => col.filter((v) => Number.isFinite(v)).length),
    mu: point.mu.map((e, i) => summarizeBoot(e, reps.mu[i]!, confidence)),
    muStar: point.muStar.map((e, i) => summarizeBoot(e, reps.muStar[i]!, confidence)),
    sigma: point.sigma.map((e, i) => summarizeBoot(e, reps.sigma[i]!, confidence)),
  };
}

/** Half-width of the widest interval among estimates (NaN ignored; NaN if none). */
export function widestHalfWidth(estimates: readonly Estimate[]): number {
  let w = NaN;
  for (const e of estimates) {
    const h = (e.high - e.low) / 2;
    if (Number.isFinite(h) && !(h <= w)) w = h;
  }
  return w;
}

/**
 * Base sample size at which intervals of half-width `have` at size `n` would shrink to `want`
 * (they shrink like 1/sqrt(N)), rounded up to a power of two.
 */
export function samplesNeeded(n: number, have: number, want: number): number {
  const raw = n * (have / want) ** 2;
  return 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, raw))));
}

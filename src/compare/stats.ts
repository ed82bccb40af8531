/**
 * Statistics for comparing result sets. simple-statistics supplies what it has (mean, median,
 * quantile, sample standard deviation, log-gamma); this module adds what it lacks: accurate normal
 * and Student t distribution functions and quantiles, Wilcoxon signed-rank, Mann-Whitney U,
 * two-sample Kolmogorov-Smirnov, t confidence intervals and seeded bootstrap intervals.
 *
 * Conventions follow R's `stats` package (wilcox.test, ks.test, t.test) so results can be checked
 * against R output: two-sided p-values, exact null distributions for small samples without ties,
 * normal approximations with tie and continuity corrections otherwise.
 */
import { quantileType7 } from '../results/bands.ts';
import { gammaln, mean, median, quantileSorted, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import { RandomStream } from '../random/index.ts';

// ---------------------------------------------------------------------------------------------
// Distribution functions (the normal ones live in random/normal.ts, shared with the model core)

import { EPS, TINY, erfc, normalCdf, normalQuantile, normalUpper } from '../random/normal.ts';
export { erfc, normalCdf, normalQuantile, normalUpper };

/** Continued fraction for the incomplete beta (Numerical Recipes betacf, modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  return incompleteBetaXY(x, 1 - x, a, b);
}

/** I_x(a, b) given both x and y = 1 - x, so callers that know y precisely (t tails) lose nothing. */
function incompleteBetaXY(x: number, y: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnFront = gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(y);
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(y, b, a)) / b;
}

/** P(|T| >= |t|) for Student t: I_{df/(df+t^2)}(df/2, 1/2) with both arguments formed exactly. */
function tTwoTail(t: number, df: number): number {
  const t2 = t * t;
  return incompleteBetaXY(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** Student t CDF with `df` degrees of freedom (df may be fractional, as in Welch's test). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * tTwoTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a t statistic: P(|T| >= |t|). */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  return Math.min(1, tTwoTail(t, df));
}

/**
 * Student t quantile: solves studentTCdf(t, df) = p by safeguarded Newton iteration started from
 * the normal quantile, with a bracketing bisection fallback; accurate to ~1e-12 relative.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  // Upper half: find t > 0 with upper tail q = 1 - p. Work with the tail to keep precision.
  const q = 1 - p;
  const upper = (t: number): number => 0.5 * tTwoTail(t, df);
  const density = (t: number): number =>
    Math.exp(gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (upper(hi) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = upper(t) - q; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / density(t);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Ranks and helpers

/** Mid-ranks (1-based, ties averaged) of `values`, and the sizes of the tie groups. */
export function midRanks(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

function finite(xs: readonly number[]): number[] {
  return xs.filter((x) => Number.isFinite(x));
}

/** Result of a two-sided hypothesis test. */
export interface TestResult {
  /** Test statistic as R reports it (V, W, D). */
  readonly statistic: number;
  /** Two-sided p-value, in [0, 1]. */
  readonly pValue: number;
  /** Whether the p-value comes from the exact null distribution (else an approximation). */
  readonly exact: boolean;
  /** Number of observations the test used (pairs, or both sample sizes summed). */
  readonly n: number;
  readonly method: string;
}

/** Two-sided exact p-value from a discrete null distribution given as counts over 0..max. */
function twoSidedFromCounts(counts: readonly number[], stat: number, centre: number): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let tail = 0;
  // R: p <- if (STAT > centre) P(S >= STAT) else P(S <= STAT); min(2p, 1)
  if (stat > centre) {
    for (let k = Math.ceil(stat); k < counts.length; k++) tail += counts[k]!;
  } else {
    for (let k = 0; k <= Math.floor(stat); k++) tail += counts[k]!;
  }
  return Math.min(1, (2 * tail) / total);
}

/** Counts of signed-rank sums V = 0..n(n+1)/2 over the 2^n sign patterns (no ties). */
function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!;
  }
  return counts;
}

/**
 * Wilcoxon signed-rank test of x - y (paired) or x (one sample) against location `mu`, as R's
 * `wilcox.test(x, y, paired = TRUE)`: zero differences are dropped; V is the sum of the ranks of
 * the positive differences; exact when n < 50 with no ties or zeros, otherwise the normal
 * approximation with tie-corrected variance and continuity correction.
 */
export function wilcoxonSignedRank(
  x: readonly number[],
  y?: readonly number[],
  options: { mu?: number; exact?: boolean; correct?: boolean } = {},
): TestResult {
  const mu = options.mu ?? 0;
  let d: number[];
  if (y !== undefined) {
    if (y.length !== x.length) throw new RangeError('wilcoxonSignedRank: x and y must have the same length');
    d = [];
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! - y[i]! - mu;
      if (Number.isFinite(v)) d.push(v);
    }
  } else {
    d = finite(x).map((v) => v - mu);
  }
  const zeroes = d.some((v) => v === 0);
  const nz = d.filter((v) => v !== 0);
  const n = nz.length;
  const method = 'Wilcoxon signed-rank';
  if (n === 0) return { statistic: 0, pValue: 1, exact: false, n: 0, method };
  const { ranks, ties } = midRanks(nz.map(Math.abs));
  let v = 0;
  for (let i = 0; i < n; i++) if (nz[i]! > 0) v += ranks[i]!;
  const exact = options.exact ?? (n < 50 && ties.length === 0 && !zeroes);
  if (exact && ties.length === 0 && !zeroes) {
    return { statistic: v, pValue: twoSidedFromCounts(signedRankCounts(n), v, (n * (n + 1)) / 4), exact: true, n, method };
  }
  const z0 = v - (n * (n + 1)) / 4;
  const tieAdj = ties.reduce((s, t) => s + t * t * t - t, 0) / 48;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieAdj);
  const correction = options.correct === false ? 0 : 0.5 * Math.sign(z0);
  const p = sigma > 0 ? 2 * Math.min(normalCdf((z0 - correction) / sigma), normalUpper((z0 - correction) / sigma)) : 1;
  return { statistic: v, pValue: Math.min(1, p), exact: false, n, method };
}

/** Counts of U = 0..m*n for samples of sizes m and n (no ties): number of arrangements. */
function mannWhitneyCounts(m: number, n: number): number[] {
  // f[i][j][u]: arrangements of i x's and j y's with U = u; build over j with a rolling table.
  // Recurrence (Mann & Whitney 1947): f(u; m, n) = f(u - n; m - 1, n) + f(u; m, n - 1).
  let prev: number[][] = []; // prev[i] = counts for (i, j-1)
  for (let i = 0; i <= m; i++) prev.push([1]); // j = 0: only U = 0
  for (let j = 1; j <= n; j++) {
    const cur: number[][] = [[1]]; // i = 0: U = 0
    for (let i = 1; i <= m; i++) {
      const out = new Array<number>(i * j + 1).fill(0);
      const a = cur[i - 1]!; // (i-1, j): the largest value is an x, contributing j to U
      const b = prev[i]!; // (i, j-1): the largest value is a y, contributing 0
      for (let u = 0; u < a.length; u++) out[u + j]! += a[u]!;
      for (let u = 0; u < b.length; u++) out[u]! += b[u]!;
      cur.push(out);
    }
    prev = cur;
  }
  return prev[m]!;
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test, as R's `wilcox.test(x, y)`: W = rank sum of x minus
 * m(m+1)/2; exact when both samples have < 50 values and there are no ties, otherwise the normal
 * approximation with tie-corrected variance and continuity correction.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: { exact?: boolean; correct?: boolean } = {},
): TestResult {
  const xs = finite(x);
  const ys = finite(y);
  const m = xs.length;
  const n = ys.length;
  const method = 'Mann-Whitney U';
  if (m === 0 || n === 0) return { statistic: NaN, pValue: NaN, exact: false, n: m + n, method };
  const { ranks, ties } = midRanks([...xs, ...ys]);
  let rx = 0;
  for (let i = 0; i < m; i++) rx += ranks[i]!;
  const w = rx - (m * (m + 1)) / 2;
  const exact = options.exact ?? (m < 50 && n < 50 && ties.length === 0);
  if (exact && ties.length === 0) {
    return { statistic: w, pValue: twoSidedFromCounts(mannWhitneyCounts(m, n), w, (m * n) / 2), exact: true, n: m + n, method };
  }
  const z0 = w - (m * n) / 2;
  const N = m + n;
  const tieSum = ties.reduce((s, t) => s + t * t * t - t, 0);
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieSum / (N * (N - 1))));
  const correction = options.correct === false ? 0 : 0.5 * Math.sign(z0);
  const p = sigma > 0 ? 2 * Math.min(normalCdf((z0 - correction) / sigma), normalUpper((z0 - correction) / sigma)) : 1;
  return { statistic: w, pValue: Math.min(1, p), exact: false, n: N, method };
}

/**
 * Limiting Kolmogorov distribution upper tail P(K > lambda) (Smirnov 1948): the alternating series
 * 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2) for lambda >= 1, the Jacobi-theta form for small lambda.
 */
export function kolmogorovUpper(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1) {
    // P(K <= l) = sqrt(2 pi)/l * sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 l^2))
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * s;
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, as R's `ks.test(x, y)`: exact p-value (lattice
 * path count, checking the bound only where the pooled sample changes value, so ties are handled
 * as R >= 4.2's psmirnov does) when m * n < 10000, otherwise the limiting Kolmogorov distribution
 * of sqrt(mn/(m+n)) D.
 */
export function kolmogorovSmirnov2(
  x: readonly number[],
  y: readonly number[],
  options: { exact?: boolean } = {},
): TestResult {
  const xs = finite(x).sort((a, b) => a - b);
  const ys = finite(y).sort((a, b) => a - b);
  const m = xs.length;
  const n = ys.length;
  const method = 'Kolmogorov-Smirnov two-sample';
  if (m === 0 || n === 0) return { statistic: NaN, pValue: NaN, exact: false, n: m + n, method };
  // Walk the pooled sorted sample; D * m * n = max |i n - j m| over points where the value changes.
  const pooled = [...xs.map((v) => ({ v, isX: true })), ...ys.map((v) => ({ v, isX: false }))].sort((a, b) => a.v - b.v);
  const blockEnd: boolean[] = pooled.map((p, k) => k === pooled.length - 1 || pooled[k + 1]!.v !== p.v);
  let i = 0;
  let j = 0;
  let dInt = 0;
  for (let k = 0; k < pooled.length; k++) {
    if (pooled[k]!.isX) i++;
    else j++;
    if (blockEnd[k]) dInt = Math.max(dInt, Math.abs(i * n - j * m));
  }
  const statistic = dInt / (m * n);
  const exact = options.exact ?? m * n < 10_000;
  if (exact) {
    // Probability that a random arrangement keeps |i n - j m| < dInt at every checked point.
    // u[j] holds path probabilities (normalized counts) to stay within double range.
    const u = new Array<number>(n + 1).fill(0);
    const ok = (ii: number, jj: number): boolean => ii + jj === 0 || !blockEnd[ii + jj - 1] || Math.abs(ii * n - jj * m) < dInt;
    // Count paths with doubles scaled by 1/C(m+n, n) progressively: use log-free ratio updates.
    // counts(i, j) = counts(i-1, j) + counts(i, j-1); probability = counts / C(i+j, j).
    // p(i,j) = p(i-1,j) * i/(i+j) + p(i,j-1) * j/(i+j).
    u[0] = 1;
    for (let jj = 1; jj <= n; jj++) u[jj] = ok(0, jj) ? u[jj - 1]! : 0;
    for (let ii = 1; ii <= m; ii++) {
      u[0] = ok(ii, 0) ? u[0]! : 0;
      for (let jj = 1; jj <= n; jj++) {
        u[jj] = ok(ii, jj) ? (u[jj]! * ii + u[jj - 1]! * jj) / (ii + jj) : 0;
      }
    }
    const pValue = Math.min(1, Math.max(0, 1 - u[n]!));
    return { statistic, pValue, exact: true, n: m + n, method };
  }
  const lambda = Math.sqrt((m * n) / (m + n)) * statistic;
  return { statistic, pValue: kolmogorovUpper(lambda), exact: false, n: m + n, method };
}

// ---------------------------------------------------------------------------------------------
// t tests and intervals

/** A confidence interval for a difference or a mean. */
export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly method: string;
}

export interface TTestResult extends Interval {
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
}

/** One-sample (or paired, given differences) t interval and test of mean = mu, as R's t.test. */
export function tTestOneSample(values: readonly number[], level = 0.95, mu = 0): TTestResult {
  const xs = finite(values);
  const n = xs.length;
  const method = 'Student t';
  if (n < 2) return { estimate: n === 1 ? xs[0]! : NaN, lower: NaN, upper: NaN, level, method, t: NaN, df: n - 1, pValue: NaN };
  const m = mean(xs);
  const se = sampleStandardDeviation(xs) / Math.sqrt(n);
  const df = n - 1;
  const q = studentTQuantile(1 - (1 - level) / 2, df);
  if (se === 0) {
    return { estimate: m, lower: m, upper: m, level, method, t: m === mu ? NaN : Infinity * Math.sign(m - mu), df, pValue: m === mu ? 1 : 0 };
  }
  const t = (m - mu) / se;
  return { estimate: m, lower: m - q * se, upper: m + q * se, level, method, t, df, pValue: studentTTwoSided(t, df) };
}

/**
 * Two-sample t interval and test for mean(y) - mean(x)... note the order: R's t.test(x, y) reports
 * mean(x) - mean(y); this function does the same. Welch (default) or pooled-variance Student.
 */
export function tTestTwoSample(x: readonly number[], y: readonly number[], options: { level?: number; equalVariance?: boolean } = {}): TTestResult {
  const level = options.level ?? 0.95;
  const xs = finite(x);
  const ys = finite(y);
  const m = xs.length;
  const n = ys.length;
  const method = options.equalVariance ? 'Student t (pooled)' : 'Welch t';
  if (m < 2 || n < 2) return { estimate: NaN, lower: NaN, upper: NaN, level, method, t: NaN, df: NaN, pValue: NaN };
  const vx = sampleVariance(xs);
  const vy = sampleVariance(ys);
  const est = mean(xs) - mean(ys);
  let se: number;
  let df: number;
  if (options.equalVariance) {
    df = m + n - 2;
    const pooled = ((m - 1) * vx + (n - 1) * vy) / df;
    se = Math.sqrt(pooled * (1 / m + 1 / n));
  } else {
    const sx = vx / m;
    const sy = vy / n;
    se = Math.sqrt(sx + sy);
    df = (sx + sy) ** 2 / ((sx * sx) / (m - 1) + (sy * sy) / (n - 1));
  }
  if (se === 0) return { estimate: est, lower: est, upper: est, level, method, t: NaN, df, pValue: est === 0 ? 1 : 0 };
  const q = studentTQuantile(1 - (1 - level) / 2, df);
  const t = est / se;
  return { estimate: est, lower: est - q * se, upper: est + q * se, level, method, t, df, pValue: studentTTwoSided(t, df) };
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

export type BootstrapMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** Resamples (default 2000). */
  readonly resamples?: number;
  readonly level?: number;
  readonly method?: BootstrapMethod;
  /** Seed of the resampling stream: equal seeds give identical intervals. */
  readonly seed?: string | number;
}

/** Seeded stream for bootstrap resampling, kept apart from every simulation stream's key space. */
function bootstrapStream(seed: string | number, label: string): RandomStream {
  return new RandomStream(`hashsim/bootstrap/${String(seed).length}:${String(seed)}|${label}`);
}

function percentileOf(sorted: readonly number[], p: number): number {
  // Type-7 interpolation (R's default quantile), so intervals do not jump between order statistics.
  return quantileType7(sorted, Math.min(1, Math.max(0, p)));
}

/** Jackknife (leave-one-out) values of a statistic; O(n) for the mean, O(n^2) otherwise. */
function leaveOneOut(xs: readonly number[], statistic: (xs: number[]) => number): number[] {
  const n = xs.length;
  if (statistic === mean) {
    let s = 0;
    for (const v of xs) s += v;
    return xs.map((v) => (s - v) / (n - 1));
  }
  return xs.map((_, i) => statistic(xs.filter((_, k) => k !== i)));
}

function intervalFromReplicates(
  replicates: number[],
  estimate: number,
  level: number,
  method: BootstrapMethod,
  jackknife: () => number[],
  label: string,
): Interval {
  replicates.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  let pLo = alpha;
  let pHi = 1 - alpha;
  if (method === 'bca') {
    // Efron (1987): bias correction z0 from the share of replicates below the estimate (ties
    // counted half), acceleration from the jackknife skewness.
    let below = 0;
    for (const r of replicates) below += r < estimate ? 1 : r === estimate ? 0.5 : 0;
    const prop = below / replicates.length;
    const z0 = prop <= 0 || prop >= 1 ? 0 : normalQuantile(prop);
    const jack = jackknife();
    const jm = mean(jack);
    let num = 0;
    let den = 0;
    for (const v of jack) {
      const dlt = jm - v;
      num += dlt ** 3;
      den += dlt ** 2;
    }
    const acc = den > 0 ? num / (6 * den ** 1.5) : 0;
    const adj = (z: number): number => normalCdf(z0 + (z0 + z) / (1 - acc * (z0 + z)));
    pLo = adj(normalQuantile(alpha));
    pHi = adj(normalQuantile(1 - alpha));
    if (!Number.isFinite(pLo) || !Number.isFinite(pHi)) {
      pLo = alpha;
      pHi = 1 - alpha;
    }
  }
  return {
    estimate,
    lower: percentileOf(replicates, pLo),
    upper: percentileOf(replicates, pHi),
    level,
    method: `${label} bootstrap ${method === 'bca' ? 'BCa' : 'percentile'} (B=${replicates.length})`,
  };
}

/**
 * Bootstrap interval for a statistic of one sample (e.g. the mean of paired differences): resample
 * the values with replacement B times from a seeded stream.
 */
export function bootstrapOneSample(
  values: readonly number[],
  statistic: (xs: number[]) => number = mean,
  options: BootstrapOptions = {},
): Interval {
  const xs = finite(values);
  const level = options.level ?? 0.95;
  const method = options.method ?? 'bca';
  const B = options.resamples ?? 2000;
  const n = xs.length;
  if (n === 0) return { estimate: NaN, lower: NaN, upper: NaN, level, method: 'paired bootstrap' };
  const estimate = statistic(xs);
  const rng = bootstrapStream(options.seed ?? 0, 'one');
  const buf = new Array<number>(n);
  const reps: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) buf[i] = xs[rng.int(n)]!;
    reps.push(statistic(buf));
  }
  const jackknife = (): number[] => leaveOneOut(xs, statistic);
  return intervalFromReplicates(reps, estimate, level, method, n > 1 ? jackknife : () => [estimate], 'paired');
}

/** Paired bootstrap interval for statistic(b - a) over matched pairs (default: mean difference). */
export function bootstrapPaired(
  a: readonly number[],
  b: readonly number[],
  statistic: (xs: number[]) => number = mean,
  options: BootstrapOptions = {},
): Interval {
  if (a.length !== b.length) throw new RangeError('bootstrapPaired: samples must have the same length');
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) d.push(b[i]! - a[i]!);
  return bootstrapOneSample(d, statistic, options);
}

/**
 * Unpaired bootstrap interval for statistic(b) - statistic(a): each sample is resampled
 * independently (stratified by sample), B times from a seeded stream.
 */
export function bootstrapUnpaired(
  a: readonly number[],
  b: readonly number[],
  statistic: (xs: number[]) => number = mean,
  options: BootstrapOptions = {},
): Interval {
  const xa = finite(a);
  const xb = finite(b);
  const level = options.level ?? 0.95;
  const method = options.method ?? 'bca';
  const B = options.resamples ?? 2000;
  if (xa.length === 0 || xb.length === 0) return { estimate: NaN, lower: NaN, upper: NaN, level, method: 'unpaired bootstrap' };
  const estimate = statistic(xb) - statistic(xa);
  const rng = bootstrapStream(options.seed ?? 0, 'two');
  const ba = new Array<number>(xa.length);
  const bb = new Array<number>(xb.length);
  const reps: number[] = [];
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < xa.length; i++) ba[i] = xa[rng.int(xa.length)]!;
    for (let i = 0; i < xb.length; i++) bb[i] = xb[rng.int(xb.length)]!;
    reps.push(statistic(bb) - statistic(ba));
  }
  // Two-sample jackknife: leave one out of either sample.
  const jackknife = (): number[] => [
    ...leaveOneOut(xa, statistic).map((v) => statistic(xb) - v),
    ...leaveOneOut(xb, statistic).map((v) => v - statistic(xa)),
  ];
  const canJack = xa.length > 1 && xb.length > 1;
  return intervalFromReplicates(reps, estimate, level, method, canJack ? jackknife : () => [estimate], 'unpaired');
}

/** Median, re-exported so callers use one source for the descriptive statistics. */
export { mean, median, quantileSorted };

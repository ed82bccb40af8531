// Convergence and identifiability diagnostics of posterior draws: split R-hat (Gelman et al. 2013),
// effective sample size from the chains' autocorrelations (Geyer's initial positive sequence), and
// correlations. Inputs are per-chain series of one parameter.

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

/** Split R-hat: each chain cut in two halves; ~1 when the chains agree. NaN with fewer than 4 draws per chain. */
export function splitRhat(chains: readonly (readonly number[])[]): number {
  const halves: number[][] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    if (h < 2) return NaN;
    halves.push(c.slice(0, h), c.slice(c.length - h));
  }
  const n = halves[0]!.length;
  const means = halves.map(mean);
  const w = mean(halves.map(variance));
  const b = n * variance(means);
  const varPlus = ((n - 1) / n) * w + b / n;
  return w > 0 ? Math.sqrt(varPlus / w) : b > 0 ? Infinity : 1;
}

/** Autocorrelation of a series at lag k (biased estimator, as in Geyer 1992). */
function autocorr(xs: readonly number[], k: number, m: number, v: number): number {
  let s = 0;
  for (let i = 0; i + k < xs.length; i++) s += (xs[i]! - m) * (xs[i + k]! - m);
  return s / xs.length / v;
}

/**
 * Effective sample size over all chains: total draws / (1 + 2 sum of the chain-averaged
 * autocorrelations), summed in pairs while the pair sums stay positive (initial positive sequence).
 */
export function effectiveSampleSize(chains: readonly (readonly number[])[]): number {
  const n = Math.min(...chains.map((c) => c.length));
  if (!(n > 3)) return NaN;
  const stats = chains.map((c) => ({ m: mean(c), v: variance(c) * ((c.length - 1) / c.length) }));
  if (stats.every((s) => !(s.v > 0))) return chains.length * n;
  const rho = (k: number) => mean(chains.map((c, i) => (stats[i]!.v > 0 ? autocorr(c, k, stats[i]!.m, stats[i]!.v) : 0)));
  let sum = 0;
  for (let k = 1; k + 1 < n; k += 2) {
    const pair = rho(k) + rho(k + 1);
    if (!(pair > 0)) break;
    sum += pair;
  }
  return (chains.length * n) / (1 + 2 * sum);
}

/** Pearson correlation matrix of the columns. */
export function correlations(columns: readonly (readonly number[])[]): number[][] {
  const ms = columns.map(mean);
  const sds = columns.map((c, i) => Math.sqrt(c.reduce((a, x) => a + (x - ms[i]!) ** 2, 0)));
  return columns.map((a, i) =>
    columns.map((b, j) => {
      if (i === j) return 1;
      let s = 0;
      for (let k = 0; k < a.length; k++) s += (a[k]! - ms[i]!) * (b[k]! - ms[j]!);
      return sds[i]! > 0 && sds[j]! > 0 ? s / (sds[i]! * sds[j]!) : NaN;
    }),
  );
}

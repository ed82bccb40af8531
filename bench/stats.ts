// Small statistics for the benchmark report (kept here so the bench has no extra dependency).

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface LinearFit {
  /** Fixed cost (seconds) at x = 0. */
  readonly a: number;
  /** Marginal cost per unit of x (seconds). */
  readonly b: number;
  readonly r2: number;
  /**
   * (cost at largest x / cost at smallest x) / (largest x / smallest x): 1 = proportional,
   * < 1 = fixed overhead dominates small sizes, > 1 = grows faster than linear.
   */
  readonly ratioVsProportional: number;
  /**
   * Marginal cost of the upper segment over that of the lower segment (three points or more): ~1 =
   * linear, clearly > 1 = superlinear (cost per unit grows with size).
   */
  readonly marginalRatio: number | null;
}

/** Least squares cost = a + b x, with R^2 and two linearity ratios. */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  const order = xs.map((_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const lo = order[0]!;
  const hi = order[n - 1]!;
  const ratioVsProportional = ys[hi]! / ys[lo]! / (xs[hi]! / xs[lo]!);
  let marginalRatio: number | null = null;
  if (n >= 3) {
    const mid = order[1]!;
    const lower = (ys[mid]! - ys[lo]!) / (xs[mid]! - xs[lo]!);
    const upper = (ys[hi]! - ys[mid]!) / (xs[hi]! - xs[mid]!);
    marginalRatio = upper / lower;
  }
  return { a, b, r2, ratioVsProportional, marginalRatio };
}

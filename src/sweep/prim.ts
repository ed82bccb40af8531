// Scenario discovery: PRIM (Friedman & Fisher 1999, "Bump hunting in high-dimensional data"; as used
// for scenario discovery by Bryant & Lempert 2010 and the EMA Workbench) and a small CART
// classification tree. Inputs are columns of numbers (one per parameter) and a 0/1 outcome per row.

export interface PrimOptions {
  /** Fraction of the box's rows removed per peel (default 0.05). */
  readonly peelAlpha?: number;
  /** Fraction of the box's rows added per paste (default 0.05). */
  readonly pasteAlpha?: number;
  /** Smallest box as a fraction of all rows (default 0.05). */
  readonly minMass?: number;
  /** Density the chosen box must reach (default 0.8). */
  readonly threshold?: number;
}

/** A box: per dimension an inclusive range [lo, hi] of values, with its statistics. */
export interface PrimBox {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  /** Rows inside, and rows of interest among them. */
  readonly n: number;
  readonly positives: number;
  /** Share of all rows of interest that fall inside. */
  readonly coverage: number;
  /** Share of rows inside that are of interest. */
  readonly density: number;
  /** Share of all rows inside. */
  readonly mass: number;
  /** Dimensions whose range is narrower than the data's. */
  readonly restricted: readonly number[];
}

export interface PrimResult {
  readonly rows: number;
  readonly positives: number;
  /** Share of rows of interest overall (the density of the unrestricted box). */
  readonly baseRate: number;
  /** The peeling trajectory: the unrestricted box, then the box after each peel. */
  readonly trajectory: readonly PrimBox[];
  /** Index into the trajectory of the box that was chosen (then pasted). */
  readonly chosen: number;
  /** True when the chosen box reaches the density threshold. */
  readonly thresholdMet: boolean;
  /** The chosen box after pasting. */
  readonly box: PrimBox;
  /**
   * Per restricted dimension of the box: quasi-p-value of the restriction, P(X >= positives) for X
   * ~ Binomial(n, density of the box with that restriction removed) (as in the EMA Workbench): small
   * values mean the restriction matters.
   */
  readonly quasiP: readonly { readonly dim: number; readonly p: number }[];
}

function lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), |error| < 1e-13 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialSf(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lc = lgamma(n + 1);
  let s = 0;
  for (let i = k; i <= n; i++) s += Math.exp(lc - lgamma(i + 1) - lgamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, s);
}

interface Data {
  readonly x: readonly ArrayLike<number>[];
  readonly y: ArrayLike<number>;
  readonly total: number;
  readonly totalPos: number;
  readonly min: number[];
  readonly max: number[];
}

function boxStats(d: Data, lo: readonly number[], hi: readonly number[], rows: readonly number[]): PrimBox {
  let pos = 0;
  for (const r of rows) pos += d.y[r]!;
  const restricted: number[] = [];
  for (let j = 0; j < d.x.length; j++) if (lo[j]! > d.min[j]! || hi[j]! < d.max[j]!) restricted.push(j);
  return {
    lo: [...lo],
    hi: [...hi],
    n: rows.length,
    positives: pos,
    coverage: d.totalPos > 0 ? pos / d.totalPos : 0,
    density: rows.length > 0 ? pos / rows.length : 0,
    mass: rows.length / d.total,
    restricted,
  };
}

function inBox(d: Data, r: number, lo: readonly number[], hi: readonly number[], skip = -1): boolean {
  for (let j = 0; j < d.x.length; j++) {
    if (j === skip) continue;
    const v = d.x[j]![r]!;
    if (v < lo[j]! || v > hi[j]!) return false;
  }
  return true;
}

/**
 * PRIM: starting from the box that holds every row, repeatedly peel off (from the low or the high
 * end of one dimension) about `peelAlpha` of the box's rows, choosing the peel that leaves the
 * highest density (ties: the larger box), until the next peel would leave less than `minMass` of
 * all rows. Rows with equal values are peeled together. The chosen box is the one on this
 * trajectory with the highest coverage among those whose density reaches `threshold` (if none does:
 * the densest); it is then pasted: widened again, one boundary at a time by about `pasteAlpha` of
 * its rows, while that raises the density.
 */
export function prim(x: readonly ArrayLike<number>[], y: ArrayLike<number>, options: PrimOptions = {}): PrimResult {
  const peelAlpha = options.peelAlpha ?? 0.05;
  const pasteAlpha = options.pasteAlpha ?? 0.05;
  const minMass = options.minMass ?? 0.05;
  const threshold = options.threshold ?? 0.8;
  const total = y.length;
  if (total === 0) throw new RangeError('PRIM needs at least one row');
  for (const col of x) if (col.length !== total) throw new RangeError('PRIM: every column needs one value per row');
  let totalPos = 0;
  for (let i = 0; i < total; i++) totalPos += y[i]! ? 1 : 0;
  const min = x.map((col) => {
    let m = Infinity;
    for (let i = 0; i < total; i++) m = Math.min(m, col[i]!);
    return m;
  });
  const max = x.map((col) => {
    let m = -Infinity;
    for (let i = 0; i < total; i++) m = Math.max(m, col[i]!);
    return m;
  });
  const yb = Uint8Array.from({ length: total }, (_, i) => (y[i]! ? 1 : 0));
  const d: Data = { x, y: yb, total, totalPos, min, max };
  let lo = [...min];
  let hi = [...max];
  let rows = Array.from({ length: total }, (_, i) => i);
  const trajectory: PrimBox[] = [boxStats(d, lo, hi, rows)];

  for (;;) {
    let best: { rows: number[]; lo: number[]; hi: number[]; density: number } | null = null;
    const target = Math.max(1, Math.floor(peelAlpha * rows.length));
    for (let j = 0; j < x.length; j++) {
      const col = x[j]!;
      const vals = rows.map((r) => col[r]!).sort((a, b) => a - b);
      if (vals[0] === vals[vals.length - 1]) continue;
      for (const side of ['lo', 'hi'] as const) {
        // Cut value: rows strictly beyond it go; if ties leave none to peel, the whole extreme value goes.
        let cut: number;
        if (side === 'lo') {
          cut = vals[Math.min(target, vals.length - 1)]!;
          if (cut === vals[0]) cut = vals.find((v) => v > vals[0]!)!;
        } else {
          cut = vals[Math.max(0, vals.length - 1 - target)]!;
          if (cut === vals[vals.length - 1]) cut = [...vals].reverse().find((v) => v < vals[vals.length - 1]!)!;
        }
        const keep = rows.filter((r) => (side === 'lo' ? col[r]! >= cut : col[r]! <= cut));
        if (keep.length / total < minMass || keep.length === rows.length || keep.length === 0) continue;
        let pos = 0;
        for (const r of keep) pos += yb[r]!;
        const density = pos / keep.length;
        if (!best || density > best.density || (density === best.density && keep.length > best.rows.length)) {
          const nlo = [...lo];
          const nhi = [...hi];
          if (side === 'lo') nlo[j] = cut;
          else nhi[j] = cut;
          best = { rows: keep, lo: nlo, hi: nhi, density };
        }
      }
    }
    if (!best) break;
    rows = best.rows;
    lo = best.lo;
    hi = best.hi;
    trajectory.push(boxStats(d, lo, hi, rows));
  }

  let chosen = -1;
  for (let i = 0; i < trajectory.length; i++) {
    const b = trajectory[i]!;
    if (b.density >= threshold && (chosen < 0 || b.coverage > trajectory[chosen]!.coverage)) chosen = i;
  }
  const thresholdMet = chosen >= 0;
  if (!thresholdMet) {
    chosen = 0;
    for (let i = 1; i < trajectory.length; i++) if (trajectory[i]!.density > trajectory[chosen]!.density) chosen = i;
  }

  // Pasting.
  let box = trajectory[chosen]!;
  let blo = [...box.lo];
  let bhi = [...box.hi];
  for (;;) {
    let best: { lo: number[]; hi: number[]; stats: PrimBox } | null = null;
    const cur = box;
    for (const j of cur.restricted) {
      const col = x[j]!;
      for (const side of ['lo', 'hi'] as const) {
        const outside: number[] = [];
        for (let r = 0; r < total; r++) {
          if (!inBox(d, r, blo, bhi, j)) continue;
          const v = col[r]!;
          if (side === 'lo' ? v < blo[j]! : v > bhi[j]!) outside.push(v);
        }
        if (outside.length === 0) continue;
        outside.sort((a, b) => (side === 'lo' ? b - a : a - b));
        const add = Math.max(1, Math.floor(pasteAlpha * cur.n));
        const edge = outside[Math.min(add, outside.length) - 1]!;
        const nlo = [...blo];
        const nhi = [...bhi];
        if (side === 'lo') nlo[j] = edge;
        else nhi[j] = edge;
        const inRows: number[] = [];
        for (let r = 0; r < total; r++) if (inBox(d, r, nlo, nhi)) inRows.push(r);
        const stats = boxStats(d, nlo, nhi, inRows);
        if (stats.density > (best?.stats.density ?? cur.density)) best = { lo: nlo, hi: nhi, stats };
      }
    }
    if (!best) break;
    blo = best.lo;
    bhi = best.hi;
    box = best.stats;
  }

  const quasiP = box.restricted.map((j) => {
    let n = 0;
    let pos = 0;
    for (let r = 0; r < total; r++) {
      if (inBox(d, r, blo, bhi, j)) {
        n++;
        pos += yb[r]!;
      }
    }
    return { dim: j, p: n > 0 ? binomialSf(box.positives, box.n, pos / n) : 1 };
  });
  return { rows: total, positives: totalPos, baseRate: totalPos / total, trajectory, chosen, thresholdMet, box, quasiP };
}

/** Statistics of the box [lo, hi] (inclusive, per dimension) over the rows. */
export function boxOf(x: readonly ArrayLike<number>[], y: ArrayLike<number>, lo: readonly number[], hi: readonly number[]): PrimBox {
  const total = y.length;
  let totalPos = 0;
  for (let i = 0; i < total; i++) totalPos += y[i]! ? 1 : 0;
  const min = x.map((col) => Math.min(...Array.from(col)));
  const max = x.map((col) => Math.max(...Array.from(col)));
  const yb = Uint8Array.from({ length: total }, (_, i) => (y[i]! ? 1 : 0));
  const d: Data = { x, y: yb, total, totalPos, min, max };
  const rows: number[] = [];
  for (let r = 0; r < total; r++) if (inBox(d, r, lo, hi)) rows.push(r);
  return boxStats(d, lo, hi, rows);
}

export interface CartOptions {
  /** Depth of the tree (default 3). */
  readonly maxDepth?: number;
  /** Smallest leaf as a fraction of all rows (default 0.05). */
  readonly minLeaf?: number;
}

/** A leaf of the tree: its box (null = unbounded), rows and share of rows of interest. */
export interface CartLeaf {
  /** Per dimension: lower bound (exclusive; null = none) and upper bound (inclusive; null = none). */
  readonly lo: readonly (number | null)[];
  readonly hi: readonly (number | null)[];
  readonly n: number;
  readonly positives: number;
  readonly density: number;
  readonly coverage: number;
  /** The leaf predicts "of interest" when its density is at least 0.5. */
  readonly predicted: boolean;
}

export interface CartResult {
  readonly leaves: readonly CartLeaf[];
  /** Share of rows the tree classifies correctly. */
  readonly accuracy: number;
}

/**
 * A CART classification tree (Breiman et al. 1984) with Gini impurity: each node is split at the
 * midpoint between two consecutive distinct values of one dimension that lowers the impurity most,
 * keeping at least `minLeaf` of all rows on each side, until `maxDepth`, a pure node or no split.
 */
export function cart(x: readonly ArrayLike<number>[], y: ArrayLike<number>, options: CartOptions = {}): CartResult {
  const maxDepth = options.maxDepth ?? 3;
  const total = y.length;
  const minRows = Math.max(1, Math.ceil((options.minLeaf ?? 0.05) * total));
  const yb = Uint8Array.from({ length: total }, (_, i) => (y[i]! ? 1 : 0));
  let totalPos = 0;
  for (let i = 0; i < total; i++) totalPos += yb[i]!;
  const leaves: CartLeaf[] = [];
  const gini = (pos: number, n: number): number => (n === 0 ? 0 : 2 * (pos / n) * (1 - pos / n));
  const grow = (rows: number[], depth: number, lo: (number | null)[], hi: (number | null)[]): void => {
    let pos = 0;
    for (const r of rows) pos += yb[r]!;
    let best: { j: number; t: number; gain: number } | null = null;
    if (depth < maxDepth && pos > 0 && pos < rows.length) {
      const parent = gini(pos, rows.length) * rows.length;
      for (let j = 0; j < x.length; j++) {
        const col = x[j]!;
        const sorted = [...rows].sort((a, b) => col[a]! - col[b]! || a - b);
        let leftPos = 0;
        for (let i = 0; i < sorted.length - 1; i++) {
          leftPos += yb[sorted[i]!]!;
          const nl = i + 1;
          const a = col[sorted[i]!]!;
          const b = col[sorted[i + 1]!]!;
          if (a === b || nl < minRows || sorted.length - nl < minRows) continue;
          const imp = gini(leftPos, nl) * nl + gini(pos - leftPos, sorted.length - nl) * (sorted.length - nl);
          const gain = parent - imp;
          if (gain > 1e-12 && (!best || gain > best.gain)) best = { j, t: (a + b) / 2, gain };
        }
      }
    }
    if (!best) {
      leaves.push({ lo: [...lo], hi: [...hi], n: rows.length, positives: pos, density: rows.length ? pos / rows.length : 0, coverage: totalPos ? pos / totalPos : 0, predicted: rows.length > 0 && pos / rows.length >= 0.5 });
      return;
    }
    const { j, t } = best;
    const left = rows.filter((r) => x[j]![r]! <= t);
    const right = rows.filter((r) => x[j]![r]! > t);
    const lhi = [...hi];
    lhi[j] = hi[j] === null ? t : Math.min(hi[j]!, t);
    const rlo = [...lo];
    rlo[j] = lo[j] === null ? t : Math.max(lo[j]!, t);
    grow(left, depth + 1, [...lo], lhi);
    grow(right, depth + 1, rlo, [...hi]);
  };
  grow(
    Array.from({ length: total }, (_, i) => i),
    0,
    x.map(() => null),
    x.map(() => null),
  );
  let correct = 0;
  for (const l of leaves) correct += l.predicted ? l.positives : l.n - l.positives;
  return { leaves, accuracy: total ? correct / total : 0 };
}

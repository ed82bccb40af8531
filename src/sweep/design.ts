import { deriveStream } from '../random/index.ts';
import type { Design, GridRange, LhsRange } from './schema.ts';
import { sobolPoints } from './sobol.ts';

/** A JSON value assigned to a scenario parameter at one design point. */
export type ParameterValue = unknown;

/** One point of a design: its index and the value of every parameter (in design order). */
export interface DesignPoint {
  readonly point: number;
  readonly values: Readonly<Record<string, ParameterValue>>;
}

/** Evenly spaced values of a grid range; the end points are exact (no accumulated rounding). */
export function gridRangeValues(r: GridRange): number[] {
  const out: number[] = [];
  for (let i = 0; i < r.steps; i++) {
    let v: number;
    if (i === 0) v = r.from;
    else if (i === r.steps - 1) v = r.to;
    else if (r.log) v = Math.exp(Math.log(r.from) + ((Math.log(r.to) - Math.log(r.from)) * i) / (r.steps - 1));
    else v = r.from + ((r.to - r.from) * i) / (r.steps - 1);
    out.push(r.integer ? Math.round(v) : v);
  }
  return out;
}

/**
 * Cartesian product of the per-parameter value lists, row-major: the first parameter varies
 * slowest, the last fastest (like nested loops written in file order).
 */
export function expandGrid(parameters: Readonly<Record<string, readonly unknown[] | GridRange>>): DesignPoint[] {
  const paths = Object.keys(parameters);
  const lists = paths.map((p) => {
    const spec = parameters[p]!;
    return Array.isArray(spec) ? [...(spec as readonly unknown[])] : gridRangeValues(spec as GridRange);
  });
  const total = lists.reduce((n, l) => n * l.length, 1);
  const points: DesignPoint[] = [];
  for (let k = 0; k < total; k++) {
    const values: Record<string, unknown> = {};
    let rest = k;
    for (let d = paths.length - 1; d >= 0; d--) {
      const list = lists[d]!;
      values[paths[d]!] = list[rest % list.length];
      rest = Math.floor(rest / list.length);
    }
    const ordered: Record<string, unknown> = {};
    for (const p of paths) ordered[p] = values[p];
    points.push({ point: k, values: ordered });
  }
  return points;
}

/** Maps a unit coordinate u in [0, 1) (Morris: [0, 1]) to the parameter's range. */
export function lhsValue(r: LhsRange, u: number): number {
  if (r.integer) {
    const span = r.max - r.min + 1;
    return r.min + Math.min(span - 1, Math.floor(u * span));
  }
  if (r.log) return Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min)));
  return r.min + u * (r.max - r.min);
}

/**
 * Latin hypercube sample: in every dimension each of the n strata [k/n, (k+1)/n) holds exactly one
 * point. Per dimension (in design order): a uniformly random permutation (Fisher-Yates) assigns
 * strata to points, then one uniform draw places each point inside its stratum. Draws come from a
 * stream derived from the sweep seed, so the design is a pure function of (seed, n, parameters).
 * Returns the unit coordinates, `unit[d][i]` for dimension d and point i.
 */
export function latinHypercubeUnit(seed: string | number, n: number, dims: number): Float64Array[] {
  const stream = deriveStream({ seed, scenario: 'hashsim-sweep', runIndex: 0, component: 'lhs' });
  const unit: Float64Array[] = [];
  for (let d = 0; d < dims; d++) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = stream.int(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = (perm[i]! + stream.uniform()) / n;
    unit.push(col);
  }
  return unit;
}

export function expandLhs(seed: string | number, n: number, parameters: Readonly<Record<string, LhsRange>>): DesignPoint[] {
  const paths = Object.keys(parameters);
  const unit = latinHypercubeUnit(seed, n, paths.length);
  const points: DesignPoint[] = [];
  for (let i = 0; i < n; i++) {
    const values: Record<string, unknown> = {};
    paths.forEach((p, d) => {
      values[p] = lhsValue(parameters[p]!, unit[d]![i]!);
    });
    points.push({ point: i, values });
  }
  return points;
}

/**
 * Structure of a design that the sensitivity estimators need. Saltelli: base sample j occupies the
 * points j*rows .. j*rows + rows - 1 as A_j, AB_1j .. AB_kj, [BA_1j .. BA_kj], B_j (rows = k + 2, or
 * 2k + 2 with second order), the order SALib uses. Morris: trajectory t occupies the points
 * t*(k+1) .. t*(k+1) + k; step s moves parameter `factor[t][s]` by `sign[t][s]` x delta (unit scale).
 */
export type DesignLayout =
  | { readonly kind: 'grid' | 'lhs' }
  | { readonly kind: 'saltelli'; readonly n: number; readonly k: number; readonly secondOrder: boolean; readonly rows: number }
  | {
      readonly kind: 'morris';
      readonly r: number;
      readonly k: number;
      readonly levels: number;
      readonly delta: number;
      readonly factor: readonly (readonly number[])[];
      readonly sign: readonly (readonly number[])[];
    };

/** A design's points, their unit coordinates (`unit[d][point]`, grid: null) and layout. */
export interface ExpandedDesign {
  readonly points: DesignPoint[];
  readonly unit: Float64Array[] | null;
  readonly layout: DesignLayout;
}

/**
 * Saltelli (2002, 2010) sample in unit coordinates: A = the first k and B = the last k coordinates of
 * N points of the 2k-dimensional Sobol sequence, scrambled from the seed (stream component
 * "sobol"). Rows per base sample j: A_j, AB_ij for i = 1..k (A_j with coordinate i from B_j), with
 * second order BA_ij (B_j with coordinate i from A_j), then B_j. Returns `unit[d][row]`.
 */
export function saltelliUnit(seed: string | number, n: number, k: number, secondOrder: boolean): Float64Array[] {
  const base = sobolPoints(n, 2 * k, { scrambleSeed: seed, component: 'sobol' });
  const rows = secondOrder ? 2 * k + 2 : k + 2;
  const unit = Array.from({ length: k }, () => new Float64Array(n * rows));
  for (let j = 0; j < n; j++) {
    const at = j * rows;
    for (let d = 0; d < k; d++) {
      const a = base[d]![j]!;
      const b = base[k + d]![j]!;
      const col = unit[d]!;
      col[at] = a;
      for (let i = 0; i < k; i++) col[at + 1 + i] = i === d ? b : a;
      if (secondOrder) for (let i = 0; i < k; i++) col[at + 1 + k + i] = i === d ? a : b;
      col[at + rows - 1] = b;
    }
  }
  return unit;
}

/**
 * Morris (1991) trajectories in unit coordinates on the grid {0, 1/(p-1), ..., 1}, step delta =
 * p / (2 (p - 1)). Per trajectory (stream component "morris"): for each parameter a random
 * direction (up or down) and a random start level from which that step stays inside [0, 1], then a
 * random order in which the parameters move one at a time (the randomised B* matrix of Morris).
 */
export function morrisUnit(
  seed: string | number,
  r: number,
  k: number,
  levels: number,
): { unit: Float64Array[]; factor: number[][]; sign: number[][]; delta: number } {
  const stream = deriveStream({ seed, scenario: 'hashsim-sweep', runIndex: 0, component: 'morris' });
  const half = levels / 2;
  const unit = Array.from({ length: k }, () => new Float64Array(r * (k + 1)));
  const factor: number[][] = [];
  const sign: number[][] = [];
  for (let t = 0; t < r; t++) {
    const dir = Array.from({ length: k }, () => (stream.uniform() < 0.5 ? 1 : -1));
    const level = dir.map((s) => (s > 0 ? 0 : half) + stream.int(half));
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = stream.int(i + 1);
      const x = order[i]!;
      order[i] = order[j]!;
      order[j] = x;
    }
    const at = t * (k + 1);
    const cur = [...level];
    for (let s = 0; s <= k; s++) {
      if (s > 0) {
        const f = order[s - 1]!;
        cur[f] = cur[f]! + dir[f]! * half;
      }
      for (let d = 0; d < k; d++) unit[d]![at + s] = cur[d]! / (levels - 1);
    }
    factor.push(order);
    sign.push(order.map((f) => dir[f]!));
  }
  return { unit, factor, sign, delta: half / (levels - 1) };
}

function pointsFromUnit(parameters: Readonly<Record<string, LhsRange>>, unit: readonly Float64Array[]): DesignPoint[] {
  const paths = Object.keys(parameters);
  const n = unit[0]?.length ?? 0;
  const points: DesignPoint[] = [];
  for (let i = 0; i < n; i++) {
    const values: Record<string, unknown> = {};
    paths.forEach((p, d) => {
      values[p] = lhsValue(parameters[p]!, unit[d]![i]!);
    });
    points.push({ point: i, values });
  }
  return points;
}

/** A design's points with their unit coordinates and layout (all designs are seeded by the sweep seed). */
export function expandDesignFull(design: Design, seed: string | number): ExpandedDesign {
  switch (design.type) {
    case 'grid':
      return { points: expandGrid(design.parameters as Record<string, unknown[] | GridRange>), unit: null, layout: { kind: 'grid' } };
    case 'lhs': {
      const unit = latinHypercubeUnit(seed, design.points, Object.keys(design.parameters).length);
      return { points: pointsFromUnit(design.parameters, unit), unit, layout: { kind: 'lhs' } };
    }
    case 'sobol': {
      const k = Object.keys(design.parameters).length;
      const unit = saltelliUnit(seed, design.samples, k, design.secondOrder);
      const rows = design.secondOrder ? 2 * k + 2 : k + 2;
      return { points: pointsFromUnit(design.parameters, unit), unit, layout: { kind: 'saltelli', n: design.samples, k, secondOrder: design.secondOrder, rows } };
    }
    case 'morris': {
      const k = Object.keys(design.parameters).length;
      const m = morrisUnit(seed, design.trajectories, k, design.levels);
      return {
        points: pointsFromUnit(design.parameters, m.unit),
        unit: m.unit,
        layout: { kind: 'morris', r: design.trajectories, k, levels: design.levels, delta: m.delta, factor: m.factor, sign: m.sign },
      };
    }
  }
}

/** Number of points a design has, without expanding it. */
export function designSize(design: Design): number {
  const k = Object.keys(design.parameters).length;
  switch (design.type) {
    case 'grid':
      return Object.values(design.parameters).reduce((n, spec) => n * (Array.isArray(spec) ? spec.length : (spec as GridRange).steps), 1);
    case 'lhs':
      return design.points;
    case 'sobol':
      return design.samples * (design.secondOrder ? 2 * k + 2 : k + 2);
    case 'morris':
      return design.trajectories * (k + 1);
  }
}

/** The points of a design; LHS, Sobol and Morris designs are seeded by the sweep's master seed. */
export function expandDesign(design: Design, seed: string | number): DesignPoint[] {
  return expandDesignFull(design, seed).points;
}

import { deriveStream } from '../random/index.ts';
import type { Design, GridRange, LhsRange } from './schema.ts';

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

/** Maps a unit coordinate u in [0, 1) to the parameter's range. */
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

/** The points of a design; LHS designs are seeded by the sweep's master seed. */
export function expandDesign(design: Design, seed: string | number): DesignPoint[] {
  if (design.type === 'grid') return expandGrid(design.parameters as Record<string, unknown[] | GridRange>);
  return expandLhs(seed, design.points, design.parameters);
}

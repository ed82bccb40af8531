import { z } from 'zod';
import { parseParameterPath } from './path.ts';

// The sweep file format (YAML or JSON). Every object is strict: an unknown key is an error, so a
// misspelt option can never be silently ignored. Documented in docs/SWEEPS.md.

/** A scenario parameter path such as `price.driftAnnual` or `miners[0].aiPivot.revenueUsdPerMWYear`. */
const PathKey = z.string().superRefine((s, ctx) => {
  try {
    parseParameterPath(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
  }
});

/** Explicit grid values: any JSON values the scenario accepts at that path (numbers, strings, ...). */
export const GridValuesSchema = z.array(z.json()).min(1, 'expected at least one value');

/** Evenly spaced grid values from `from` to `to` inclusive (geometric spacing with `log: true`). */
export const GridRangeSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    steps: z.number().int().min(2, 'expected at least 2 steps (use a one-element list for a single value)'),
    log: z.boolean().default(false),
    integer: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.log && (r.from <= 0 || r.to <= 0)) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'log spacing needs from > 0 and to > 0' });
    }
  });

export const GridDesignSchema = z
  .object({
    type: z.literal('grid'),
    /** Parameter path -> values (list or range). Order matters: the first parameter varies slowest. */
    parameters: z.record(PathKey, z.union([GridValuesSchema, GridRangeSchema])),
  })
  .strict();

/** One Latin-hypercube dimension: uniform on [min, max), or log-uniform with `log: true`. */
export const LhsRangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    log: z.boolean().default(false),
    /** Integer parameter: values are integers in [min, max], stratified over the integers. */
    integer: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!(r.max > r.min)) ctx.addIssue({ code: 'custom', path: ['max'], message: 'expected max > min' });
    if (r.log && r.min <= 0) ctx.addIssue({ code: 'custom', path: ['min'], message: 'log scale needs min > 0' });
    if (r.integer && (!Number.isInteger(r.min) || !Number.isInteger(r.max))) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'integer parameter needs integer min and max' });
    }
    if (r.integer && r.log) ctx.addIssue({ code: 'custom', path: ['log'], message: 'integer and log cannot be combined' });
  });

export const LhsDesignSchema = z
  .object({
    type: z.literal('lhs'),
    /** Number of design points (= strata per dimension). */
    points: z.number().int().positive(),
    parameters: z.record(PathKey, LhsRangeSchema),
  })
  .strict();

export const DesignSchema = z.discriminatedUnion('type', [GridDesignSchema, LhsDesignSchema]);

export const SweepSchema = z
  .object({
    $schema: z.string().optional(),
    /** Name of the sweep (default: the sweep file's base name); default output results/sweeps/<name>. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"')
      .optional(),
    description: z.string().default(''),
    /** Base scenario file, relative to the sweep file. */
    base: z.string().min(1),
    /** Master seed: every point uses this seed and run indexes 0..R-1 (common random numbers). */
    seed: z.union([z.number().int(), z.string().min(1)]),
    /** Replications (Monte Carlo runs) per design point. */
    replications: z.number().int().positive(),
    /** Output folder, relative to the current directory (like --out); --out overrides it. */
    out: z.string().min(1).optional(),
    design: DesignSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (Object.keys(s.design.parameters).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['design', 'parameters'], message: 'expected at least one parameter' });
    }
  });

export type SweepSpec = z.infer<typeof SweepSchema>;
export type SweepInput = z.input<typeof SweepSchema>;
export type Design = z.infer<typeof DesignSchema>;
export type GridRange = z.infer<typeof GridRangeSchema>;
export type LhsRange = z.infer<typeof LhsRangeSchema>;

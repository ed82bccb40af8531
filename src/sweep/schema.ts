import { z } from 'zod';
import { parseParameterPath } from './path.ts';
import { OutcomeError, parseOutcome, SUMMARY_METRIC_NAMES, unknownMetricMessage } from './outcome.ts';
import { SOBOL_MAX_DIMS } from './sobol-directions.ts';

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
    points: z.number().int().positive().max(100_000, 'expected at most 100000 points (each is a batch of its own)'),
    parameters: z.record(PathKey, LhsRangeSchema),
  })
  .strict();

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/** Largest parameter count of a Saltelli design: it draws A and B from one 2k-dimensional sequence. */
export const SOBOL_MAX_PARAMETERS = Math.floor(SOBOL_MAX_DIMS / 2);

/**
 * Saltelli sampling for Sobol indices: base matrices A and B (N rows each) from a scrambled Sobol
 * sequence, and for each parameter i the matrix AB_i (A with column i from B) and, for second-order
 * indices, BA_i: N(k+2) points, or N(2k+2) with `secondOrder: true`.
 */
export const SobolDesignSchema = z
  .object({
    type: z.literal('sobol'),
    /** Base sample size N: a power of two (Sobol points are balanced in blocks of 2^m). */
    samples: z
      .number()
      .int()
      .min(2, 'expected at least 2 base samples')
      .max(65_536)
      .refine(isPowerOfTwo, { message: 'expected a power of two (Sobol points are balanced in blocks of 2^m), e.g. 64, 128 or 256' }),
    /** Also estimate second-order indices S_ij (N(2k+2) points instead of N(k+2)). */
    secondOrder: z.boolean().default(false),
    parameters: z.record(PathKey, LhsRangeSchema),
  })
  .strict()
  .superRefine((d, ctx) => {
    const k = Object.keys(d.parameters).length;
    if (k > SOBOL_MAX_PARAMETERS) {
      ctx.addIssue({ code: 'custom', path: ['parameters'], message: `a Sobol design takes at most ${SOBOL_MAX_PARAMETERS} parameters (${k} given); screen them with a morris design first` });
    }
  });

/** Morris elementary-effects screening: r trajectories of k+1 points on a p-level grid. */
export const MorrisDesignSchema = z
  .object({
    type: z.literal('morris'),
    /** Number of trajectories r (each k + 1 points). */
    trajectories: z.number().int().min(2, 'expected at least 2 trajectories (10-20 is usual)').max(10_000),
    /** Grid levels p per parameter (even); the step is p / (2 (p - 1)) of the range. */
    levels: z
      .number()
      .int()
      .min(2, 'expected at least 2 levels')
      .refine((p) => p % 2 === 0, { message: 'expected an even number of levels (4 is usual)' })
      .default(4),
    parameters: z.record(PathKey, LhsRangeSchema),
  })
  .strict();

export const DesignSchema = z.discriminatedUnion('type', [GridDesignSchema, LhsDesignSchema, SobolDesignSchema, MorrisDesignSchema]);

/** A summary metric of runs.parquet (docs/RESULTS.md). */
const MetricName = z.string().superRefine((s, ctx) => {
  if (!SUMMARY_METRIC_NAMES.includes(s)) ctx.addIssue({ code: 'custom', message: unknownMetricMessage(s) });
});

const OutcomeText = z.string().superRefine((s, ctx) => {
  try {
    parseOutcome(s);
  } catch (err) {
    if (err instanceof OutcomeError) ctx.addIssue({ code: 'custom', message: err.message });
    else throw err;
  }
});

/** What the analysis after a sweep computes (also `hashsim analyze`); docs/SWEEPS.md. */
export const AnalysisSchema = z
  .object({
    /** Summary metrics analysed (per-point means); default: the headline metrics that vary. */
    metrics: z.array(MetricName).min(1, 'expected at least one metric').optional(),
    /** Outcome of interest for scenario discovery (PRIM, CART), e.g. "final_hashrate_ehs < 800". */
    outcome: OutcomeText.optional(),
    /** Bootstrap resamples for confidence intervals. */
    bootstrap: z.number().int().min(100, 'expected at least 100 resamples').max(100_000).default(1000),
    /** Confidence level of the intervals. */
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    /** Readable names of parameters for charts and tables: path -> label. */
    labels: z.record(z.string(), z.string().min(1)).default({}),
    prim: z
      .object({
        /** Density a box must reach to be chosen (the chosen box is the one of highest coverage that does). */
        threshold: z.number().gt(0).max(1).default(0.8),
        /** Fraction of the box's rows removed per peel. */
        peelAlpha: z.number().gt(0).lt(0.5).default(0.05),
        /** Fraction of the box's rows added per paste. */
        pasteAlpha: z.number().gt(0).lt(0.5).default(0.05),
        /** Smallest box, as a fraction of all rows. */
        minMass: z.number().gt(0).lt(1).default(0.05),
      })
      .strict()
      .prefault({}),
    cart: z
      .object({
        /** Depth of the classification tree. */
        maxDepth: z.number().int().min(1).max(8).default(3),
        /** Smallest leaf, as a fraction of all rows. */
        minLeaf: z.number().gt(0).lt(0.5).default(0.05),
      })
      .strict()
      .prefault({}),
  })
  .strict();

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
    replications: z.number().int().positive().max(1_000_000),
    /** Output folder, relative to the current directory (like --out); --out overrides it. */
    out: z.string().min(1).optional(),
    /** Also run the base scenario unchanged (same seed and replications) as <out>/base/: the reference of the tornado charts. */
    baseline: z.boolean().default(true),
    design: DesignSchema,
    analysis: AnalysisSchema.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const params = Object.keys(s.design.parameters);
    if (params.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['design', 'parameters'], message: 'expected at least one parameter' });
    }
    for (const key of Object.keys(s.analysis.labels)) {
      if (!params.includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['analysis', 'labels', key], message: `not a parameter of the design (parameters: ${params.join(', ')})` });
      }
    }
  });

export type SweepSpec = z.infer<typeof SweepSchema>;
export type SweepInput = z.input<typeof SweepSchema>;
export type Design = z.infer<typeof DesignSchema>;
export type GridRange = z.infer<typeof GridRangeSchema>;
export type LhsRange = z.infer<typeof LhsRangeSchema>;
export type SobolDesign = z.infer<typeof SobolDesignSchema>;
export type MorrisDesign = z.infer<typeof MorrisDesignSchema>;
export type AnalysisSpec = z.infer<typeof AnalysisSchema>;
export type AnalysisInput = z.input<typeof AnalysisSchema>;

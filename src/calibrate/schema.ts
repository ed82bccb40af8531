// The calibration file (`hashsim calibrate <file>`): base scenario, parameters with priors, training
// windows, likelihood and sampler settings. Field paths in every error (docs/CALIBRATION.md).
import { z } from 'zod';
import { dateMs } from '../market/daily.ts';

const date = () =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
    .refine((d) => Number.isFinite(dateMs(d)), { error: 'expected a real calendar date YYYY-MM-DD' });

export const PriorSchema = z
  .object({
    /** uniform on [min, max], or loguniform (uniform in log x, min > 0). */
    dist: z.enum(['uniform', 'loguniform']),
    min: z.number(),
    max: z.number(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!(p.min < p.max)) ctx.addIssue({ code: 'custom', path: ['max'], message: `expected max > min (${p.min})` });
    if (p.dist === 'loguniform' && !(p.min > 0)) ctx.addIssue({ code: 'custom', path: ['min'], message: 'expected min > 0 for a loguniform prior' });
  });
export type Prior = z.infer<typeof PriorSchema>;

export const CalibrationSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a name of letters, digits, . _ -' }),
    description: z.string().optional(),
    /** Scenario whose `fringe` is calibrated (relative to this file). */
    base: z.string().min(1),
    /**
     * The fringe's fleet at each window's start: 'history' infers the vintages from the realized
     * hashrate of the 4 years before (perpetual inventory at the frontier of each quarter); 'base'
     * keeps the base scenario's vintages and frontier.
     */
    fleetAtStart: z.enum(['history', 'base']).default('history'),
    /** Dated daily price CSV (relative to this file); default: the shipped data/btc-usd-daily.csv. */
    prices: z.string().min(1).optional(),
    parameters: z
      .array(
        z
          .object({
            /** A numeric `fringe.*` path of the base scenario, e.g. fringe.investment.maxOrdersShareAnnual. */
            path: z.string().min(1),
            prior: PriorSchema,
          })
          .strict(),
      )
      .min(1),
    windows: z
      .array(
        z
          .object({
            from: date(),
            to: date(),
            /** Mean fee per block over the window (BTC): fees are not in the data, a documented approximation. */
            feeBtcPerBlock: z.number().nonnegative().default(0.1),
            /** Known capacity events in the window (inputs, not fitted noise), e.g. the 2021 China ban. */
            capacityShocks: z
              .array(z.object({ date: date(), share: z.number().gt(0).max(1), overDays: z.number().int().positive().default(1) }).strict())
              .default([]),
          })
          .strict(),
      )
      .min(1),
    likelihood: z
      .object({
        /**
         * 0: the exact epoch-span likelihood (Gamma(2015, tau)) alone. A number > 0: a lognormal model
         * error of that sd per epoch on top of it. 'estimate': that sd is a parameter too (loguniform
         * prior on [0.005, 0.5]).
         */
        modelErrorLog: z.union([z.number().nonnegative().max(2), z.literal('estimate')]).default('estimate'),
      })
      .strict()
      .default({ modelErrorLog: 'estimate' }),
    sampler: z
      .object({
        chains: z.number().int().min(1).max(64).default(4),
        iterations: z.number().int().min(10).max(1_000_000).default(2000),
        burnIn: z.number().int().nonnegative().default(1000),
        thin: z.number().int().positive().default(10),
        /** Iterations per task and checkpoint (the unit of progress and of --resume). */
        block: z.number().int().positive().default(100),
      })
      .strict()
      .default({ chains: 4, iterations: 2000, burnIn: 1000, thin: 10, block: 100 }),
    seed: z.union([z.number().int(), z.string().min(1)]).default(1),
    /** Posterior draws kept for scenarios (draws.json), evenly spaced over the thinned chains. */
    keepDraws: z.number().int().min(1).max(10_000).default(200),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.sampler.burnIn >= c.sampler.iterations) {
      ctx.addIssue({ code: 'custom', path: ['sampler', 'burnIn'], message: `expected fewer than sampler.iterations (${c.sampler.iterations})` });
    } else if (c.sampler.iterations - c.sampler.burnIn < c.sampler.thin) {
      ctx.addIssue({ code: 'custom', path: ['sampler', 'thin'], message: `expected at most iterations - burnIn (${c.sampler.iterations - c.sampler.burnIn}): no draw would be kept` });
    }
    c.windows.forEach((w, i) => {
      if (!(w.from < w.to)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'to'], message: `expected a date after from (${w.from})` });
    });
    const seen = new Set<string>();
    c.parameters.forEach((p, i) => {
      if (seen.has(p.path)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'path'], message: `expected each path once ("${p.path}" is given before)` });
      seen.add(p.path);
    });
  });
export type CalibrationConfig = z.infer<typeof CalibrationSchema>;

/** The model-error parameter's name in draws and diagnostics when it is estimated. */
export const MODEL_ERROR_PARAM = 'likelihood.modelErrorLog';
export const MODEL_ERROR_PRIOR: Prior = { dist: 'loguniform', min: 0.005, max: 0.5 };
/** Where a calibration set's draws put the model error in a scenario (the fringe's noise). */
export const MODEL_ERROR_SCENARIO_PATH = 'fringe.noise.sdLog';

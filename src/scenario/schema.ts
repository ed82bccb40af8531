import { z } from 'zod';
import { FeeModelSchema, PriceModelSchema } from '../market/schema.ts';
import { FringeSchema, MinerSchema, PopulationSchema } from '../agents/schema.ts';

// Top-level scenario schema. Sub-schemas live with the module that interprets them
// (market/schema.ts, agents/schema.ts) so each model owns its parameters.

export const StartSchema = z
  .object({
    /** ISO date (UTC) of the scenario start. */
    date: z.iso.date().default('2026-03-01'),
    /** Block height at start; default: calibrated from the real retarget data for `date`. */
    height: z.number().int().nonnegative().optional(),
    /** Compact difficulty bits at start, e.g. "0x170240c3"; default: calibrated. */
    bits: z.union([z.string().regex(/^0x[0-9a-fA-F]{1,8}$/), z.number().int().positive()]).optional(),
  })
  .strict();

export const DifficultySchema = z
  .discriminatedUnion('algorithm', [
    z.object({ algorithm: z.literal('bitcoin') }).strict(),
    z
      .object({
        algorithm: z.literal('asert'),
        /** ASERT half-life in seconds (Bitcoin Cash uses 2 days = 172800 s). */
        halfLifeSeconds: z.number().int().positive().default(172_800),
      })
      .strict(),
  ])
  .default({ algorithm: 'bitcoin' });

export const OutputSchema = z
  .object({
    /** Record series metrics every N steps (the last step is always recorded). */
    sampleEverySteps: z.number().int().positive().default(1),
  })
  .strict()
  .default({ sampleEverySteps: 1 });

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"'),
    description: z.string().default(''),
    start: StartSchema.default({ date: '2026-03-01' }),
    horizonDays: z.number().int().positive().max(36_500).default(365),
    stepDays: z.number().int().positive().default(1),
    difficulty: DifficultySchema,
    /** "lottery": each block's reward goes to a miner drawn by hashrate; "expected": split in expectation. */
    rewards: z.enum(['lottery', 'expected']).default('lottery'),
    price: PriceModelSchema,
    fees: FeeModelSchema,
    miners: z.array(MinerSchema).default([]),
    populations: z.array(PopulationSchema).default([]),
    fringe: FringeSchema.optional(),
    output: OutputSchema,
  })
  .strict();

/** A scenario after validation and defaults. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written in a file (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

import { z } from 'zod';
import { FeeModelSchema, PriceModelSchema } from '../market/schema.ts';
import { FringeSchema, MinerSchema, openingLoanIssues, PopulationSchema, poolIssues, SecuritySchema, StrategiesSchema } from '../agents/schema.ts';
import { compactToTarget, MAINNET } from '../consensus/index.ts';

// Top-level scenario schema. Sub-schemas live with the module that interprets them
// (market/schema.ts, agents/schema.ts) so each model owns its parameters. Every object is
// `.strict()`: an unknown key is an error, never silently ignored. Field docs: docs/MODEL.md.

/** Default start: 2026-03-01, after the Feb 2026 drawdown and the miners' AI pivots (DESIGN section 12). */
export const DEFAULT_START_DATE = '2026-03-01';

const BITS_MESSAGE = 'expected compact bits as a hex string like "0x170240c3" or an integer';

export const StartSchema = z
  .object({
    /** ISO date (UTC, start of day) of the scenario start. */
    date: z.iso
      .date({ error: 'expected a date YYYY-MM-DD' })
      .default(DEFAULT_START_DATE)
      .meta({ description: 'Date of the scenario start (UTC, start of day), YYYY-MM-DD; the chain state (height, bits) is calibrated from the real retargets around it.', examples: ['2026-03-01'] }),
    /** Height of the chain tip at the start; default: estimated from the retarget data for `date`. */
    height: z.number().int().nonnegative().max(20_000_000).optional().describe('Height of the chain tip at the start (blocks); default: estimated from the retarget data for date.'),
    /** Compact bits required of the next block, e.g. "0x170240c3"; default: the real bits of that epoch. */
    bits: z
      .union([z.string().regex(/^0x[0-9a-fA-F]{1,8}$/, BITS_MESSAGE), z.number().int().min(0).max(0xffffffff)], { error: BITS_MESSAGE })
      .optional()
      .meta({ description: 'Compact bits (difficulty target) required of the next block, a hex string or an integer; default: the real bits of that epoch.', examples: ['0x170240c3'] }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Refinements also run after non-fatal issues elsewhere, so check the shape before using it.
    if (s.bits === undefined) return;
    const bits = typeof s.bits === 'string' ? parseInt(s.bits, 16) : s.bits;
    if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) return;
    const { target, negative, overflow } = compactToTarget(bits);
    if (negative || overflow || target === 0n || target > MAINNET.powLimit) {
      ctx.addIssue({ code: 'custom', path: ['bits'], message: 'expected bits encoding a positive target no easier than powLimit (0x1d00ffff)' });
    }
  })
  .meta({ id: 'Start', description: 'Chain state at the start: UTC date, and optionally the tip height and compact bits.' });

export const DifficultySchema = z
  .discriminatedUnion(
    'algorithm',
    [
      z
        .object({ algorithm: z.literal('bitcoin').describe("Bitcoin's retarget: every 2016 blocks, by the epoch's timespan, clamped to a factor of 4.") })
        .strict()
        .meta({ id: 'DifficultyBitcoin', description: "Bitcoin's 2016-block difficulty retarget (the default)." }),
      z
        .object({
          algorithm: z.literal('asert').describe('ASERT: an exponential adjustment every block towards the 600 s target (research option).'),
          /** ASERT half-life in seconds (Bitcoin Cash uses 2 days = 172800 s). */
          halfLifeSeconds: z.number().int().positive().default(172_800).describe('ASERT half-life (seconds); Bitcoin Cash uses 2 days = 172800 s.'),
        })
        .strict()
        .meta({ id: 'DifficultyAsert', description: 'ASERT difficulty adjustment (research option).' }),
    ],
    { error: (iss) => (iss.code === 'invalid_union' ? 'expected algorithm to be one of "bitcoin", "asert"' : undefined) },
  )
  .default({ algorithm: 'bitcoin' });

export const OutputSchema = z
  .object({
    /** Record series metrics every N steps (the last step is always recorded). */
    sampleEverySteps: z.number().int().positive().default(1).describe('Record series metrics every N steps (the last step is always recorded).'),
    /** Series metric names, checked but not applied: every series metric is recorded (docs/RESULTS.md). */
    metrics: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'Series metric names (docs/RESULTS.md), checked but not applied: every series metric is recorded, since bands, charts and compare need them all; validate and run print a note when it is set.', examples: [['hashrate_ehs', 'price_usd']] }),
  })
  .strict()
  .meta({ id: 'Output', description: 'What series.parquet records: every N steps, and which series metrics.' });

const nameSchema = z
  .string({ error: 'expected a name (a string)' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-" (starting with a letter or digit)')
  .max(100);

export const ScenarioSchema = z
  .object({
    /** JSON Schema reference for editors (ignored by hashsim). */
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors (ignored by hashsim).', examples: ['./scenario.schema.json'] }),
    name: nameSchema.meta({ description: 'Scenario name: names the result folder (results/<name>/...) and every table row.', examples: ['baseline-2026'] }),
    description: z.string().default('').meta({ description: 'Free text shown in the report.' }),
    start: StartSchema.default({ date: DEFAULT_START_DATE }).meta({
      description: 'Chain state at the start: UTC date, and optionally the tip height and compact bits (default: calibrated from real retargets).',
      examples: [{ date: '2026-03-01' }],
    }),
    horizonDays: z.number().int().positive().max(36_500).default(365).meta({ description: 'Length of a run, in days.', examples: [365, 730] }),
    stepDays: z.number().int().positive().max(365).default(1).meta({ description: 'Length of a step, in days (a divisor of horizonDays).', examples: [1, 7] }),
    difficulty: DifficultySchema.meta({ description: "Difficulty algorithm: Bitcoin's 2016-block retarget (default) or ASERT (research option)." }),
    /** "lottery": each block's reward goes to a miner drawn by hashrate; "expected": split in expectation. */
    rewards: z
      .enum(['lottery', 'expected'])
      .default('lottery')
      .meta({ description: 'Block rewards: "lottery" gives each block to a miner drawn by hashrate; "expected" splits every block by hashrate share.' }),
    price: PriceModelSchema.prefault({ model: 'gbm' }).meta({
      description: 'BTC price model (USD/BTC), chosen by `model`: gbm, merton, regime, ou, bootstrap or path. See docs/MODEL.md, "Price models".',
      examples: [{ model: 'gbm', initialUsd: 70000, volAnnual: 0.5 }],
    }),
    fees: FeeModelSchema.prefault({ model: 'constant' }).meta({
      description: 'Transaction fees per block (BTC/block), chosen by `model`: constant or lognormal.',
      examples: [{ model: 'lognormal', meanBtcPerBlock: 0.03, sigmaLog: 0.5 }],
    }),
    /** Named strategy bundles (policy parameters) that miners and populations can refer to. */
    strategies: StrategiesSchema.default({}).meta({ description: 'Named strategy bundles (policy parameters) that miners and populations refer to by name.' }),
    miners: z
      .array(MinerSchema)
      .default([])
      .meta({
        description: 'Named miners (unique names): hashrate in EH/s, efficiency in J/TH, power price in USD/MWh, treasury in BTC, loans, policies.',
        examples: [[{ name: 'big-public-miner', hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }]],
      }),
    populations: z.array(PopulationSchema).default([]).meta({ description: 'Generated populations of miners drawn from distributions (unique names).' }),
    fringe: FringeSchema.optional().meta({
      description: 'The rest of the network as a price-responsive supply of hashrate (EH/s); absent: only the agents mine.',
      examples: [{ hashrateEHs: 900 }],
    }),
    /** Parameters of the security metrics: attack length and pricing, pools and their shares. */
    security: SecuritySchema.prefault({}).meta({ description: 'Security metrics: attack length (h) and pricing (attacker power USD/MWh, used-machine price floor), pools and their start shares of the network (fractions).' }),
    /**
     * A calibration set (folder written by `hashsim calibrate`, relative to the scenario file): each
     * run uses one posterior draw of its parameters, chosen from (seed, run index). The loader inlines
     * the draws; `drawIndex` is set on the scenario a run actually simulates.
     */
    calibration: z
      .object({
        set: z.string().min(1).describe('Folder of the calibration set (written by `hashsim calibrate`), relative to the scenario file.'),
        sha256: z.string().optional().describe('sha256 (hex) of the set\'s draws; filled by the loader (checked when given).'),
        parameters: z.array(z.string()).optional().describe('Field paths the draws set (filled by the loader from the set).'),
        draws: z.array(z.array(z.number())).optional().describe('Posterior draws, one list of parameter values per draw (filled by the loader).'),
        weights: z.array(z.number().nonnegative()).optional().describe('Weights of the draws (filled by the loader; default: equal).'),
        drawIndex: z.number().int().nonnegative().optional().describe('Index of the draw a run simulates (set on the scenario of one run, not by hand).'),
      })
      .strict()
      .optional()
      .meta({
        description: 'A calibration set (folder written by `hashsim calibrate`, relative to the scenario file): each run simulates one posterior draw of the network-supply parameters.',
        examples: [{ set: '../calibrations/supply-2019-2025' }],
      }),
    output: OutputSchema.default({ sampleEverySteps: 1 }).meta({ description: 'What series.parquet records: every N steps, and which series metrics.' }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Refinements also run after non-fatal issues elsewhere (e.g. a bad regex), so every rule below
    // checks the shape it relies on instead of trusting the types.
    const stepsOk = Number.isInteger(s.horizonDays) && Number.isInteger(s.stepDays) && s.horizonDays > 0 && s.stepDays > 0;
    if (stepsOk && s.horizonDays % s.stepDays !== 0) {
      ctx.addIssue({ code: 'custom', path: ['stepDays'], message: `expected a divisor of horizonDays (${s.horizonDays})` });
    }
    const shocks = Array.isArray(s.price?.shocks) ? s.price.shocks : [];
    shocks.forEach((shock, i) => {
      if (typeof shock?.day === 'number' && shock.day > s.horizonDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['price', 'shocks', i, 'day'],
          message: `expected a day within the horizon (1 to ${s.horizonDays})`,
        });
      }
    });
    const p = s.price;
    if (typeof p !== 'object' || p === null) return;
    if (p.model === 'bootstrap' && p.returns === undefined && p.returnsFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['price', 'returnsFile'], message: 'expected a CSV file of daily history (or `returns` inline)' });
    }
    if (p.model === 'path') {
      if (p.pricesUsd === undefined && p.file === undefined) {
        ctx.addIssue({ code: 'custom', path: ['price', 'file'], message: 'expected a CSV file of daily prices (or `pricesUsd` inline)' });
      }
      const needed = s.horizonDays + 1;
      if (Array.isArray(p.pricesUsd) && Number.isInteger(s.horizonDays) && p.onShort === 'error' && p.pricesUsd.length < needed) {
        ctx.addIssue({
          code: 'custom',
          path: ['price', p.file !== undefined ? 'file' : 'pricesUsd'],
          message: `expected at least ${needed} daily prices (day 0 to day ${s.horizonDays}), got ${p.pricesUsd.length}; or set onShort: hold-last`,
        });
      }
    }
    const names = (list: unknown): string[] => (Array.isArray(list) ? list.map((m) => String((m as { name?: unknown })?.name)) : []);
    for (const list of ['miners', 'populations'] as const) {
      const all = names(s[list]);
      duplicates(all).forEach((i) =>
        ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `expected a unique name ("${all[i]}" is used before)` }),
      );
    }
    for (const issue of openingLoanIssues(s.miners, s.price)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of poolIssues(s.miners, s.security)) ctx.addIssue({ code: 'custom', ...issue });
    if (stepsOk && typeof s.output?.sampleEverySteps === 'number' && s.output.sampleEverySteps > s.horizonDays / s.stepDays) {
      ctx.addIssue({ code: 'custom', path: ['output', 'sampleEverySteps'], message: `expected at most the number of steps (${Math.floor(s.horizonDays / s.stepDays)})` });
    }
  });

function duplicates(names: readonly string[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  names.forEach((n, i) => {
    if (seen.has(n)) out.push(i);
    seen.add(n);
  });
  return out;
}

/** A scenario after validation and defaults. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as written in a file (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

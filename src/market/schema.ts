import { z } from 'zod';

// Price and fee model parameters. Every model is a `.strict()` object discriminated on `model`, so a
// typo in a parameter name is an error, never a silently ignored key. Units are in the names:
// *Annual = per year (365-day year), *PerDay, *Usd, *Btc.

/** A discriminated union whose bad `model` value gets a message listing the choices. */
function modelUnion<const T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]]>(
  names: readonly string[],
  options: T,
) {
  return z.discriminatedUnion('model', options as never as T, {
    error: (iss) =>
      iss.code === 'invalid_union' ? `expected model to be one of ${names.map((n) => `"${n}"`).join(', ')}` : undefined,
  });
}

/** Default starting price: ~$70K, BTC in Feb-Mar 2026 (DESIGN section 12). */
export const DEFAULT_INITIAL_USD = 70_000;
/** Default annualised volatility of daily log returns: BTC's realised volatility in 2025-26 was ~45-55%. */
export const DEFAULT_VOL_ANNUAL = 0.5;

const initialUsd = z.number().positive().max(1e9).default(DEFAULT_INITIAL_USD);
const driftAnnual = z.number().min(-5).max(5);
const volAnnual = z.number().nonnegative().max(5);

export const ShockSchema = z
  .object({
    /** Day offset from the start on which the shock lands (1 = end of the first day). */
    day: z.number().int().positive(),
    /**
     * Simple return applied at once, in percent: -30 means the price falls by 30%. Values with
     * 0 < |returnPct| < 1 are refused: they are almost surely fractions (-0.3 for -30%), and a
     * scripted move below 1% is not a shock.
     */
    returnPct: z
      .number()
      .gt(-100)
      .max(10_000)
      .refine((x) => x === 0 || !(Math.abs(x) < 1), {
        error: (iss) => `expected a return in percent (returnPct is in percent: -30 means -30%), got ${String(iss.input)}: write ${+(Number(iss.input) * 100).toPrecision(12)} for ${+(Number(iss.input) * 100).toPrecision(12)}%; moves below 1% in absolute value are refused as likely fractions`,
      }),
  })
  .strict();
export type ShockConfig = z.infer<typeof ShockSchema>;

export const ImpactSchema = z
  .object({
    /** Log-price move per unit of (excess BTC sold / dailyDepthBtc): an impulse of that size. */
    lambda: z.number().nonnegative().max(100).default(0.1),
    /** BTC the market absorbs in a day for a log-price move of `lambda`. */
    dailyDepthBtc: z.number().positive().default(20_000),
    /** Half-life (days) of the transient part of an impulse (kernel exp(-ln 2 t / halfLifeDays)). */
    halfLifeDays: z.number().positive().max(36_500).default(30),
    /** Share of each impulse that is permanent (0: all of it decays). */
    permanentShare: z.number().min(0).max(1).default(0),
    /**
     * The flow the market expects: this share of the BTC mined in the step (block rewards). Miners'
     * and the fringe's sales above it push the price down, below it up; 1: selling exactly what is
     * mined is neutral.
     */
    baselineShareOfIssuance: z.number().min(0).max(1).default(1),
  })
  .strict();
export type ImpactConfig = z.infer<typeof ImpactSchema>;

/** Fields every price model shares: scripted shocks and optional endogenous impact. */
const overlays = {
  shocks: z.array(ShockSchema).default([]),
  impact: ImpactSchema.optional(),
};

export const GbmSchema = z
  .object({
    model: z.literal('gbm'),
    initialUsd,
    /** mu: expected simple return per year (the log drift is mu - sigma^2/2). */
    driftAnnual: driftAnnual.default(0),
    volAnnual: volAnnual.default(DEFAULT_VOL_ANNUAL),
    ...overlays,
  })
  .strict();

export const MertonSchema = z
  .object({
    model: z.literal('merton'),
    initialUsd,
    driftAnnual: driftAnnual.default(0),
    /** Diffusion volatility (jumps add to the total). */
    volAnnual: volAnnual.default(0.4),
    /** Poisson jump intensity, jumps per year. */
    jumpsPerYear: z.number().nonnegative().max(1000).default(4),
    /** Mean of a jump's log size. */
    jumpMeanLog: z.number().min(-5).max(5).default(-0.05),
    /** Standard deviation of a jump's log size. */
    jumpSdLog: z.number().nonnegative().max(5).default(0.1),
    ...overlays,
  })
  .strict();

export const RegimeStateSchema = z
  .object({
    driftAnnual,
    volAnnual,
    /** Mean time spent in this regime before switching, in days. */
    meanDurationDays: z.number().positive().max(36_500),
  })
  .strict();

export const RegimeSchema = z
  .object({
    model: z.literal('regime'),
    initialUsd,
    bull: RegimeStateSchema.default({ driftAnnual: 0.6, volAnnual: 0.45, meanDurationDays: 300 }),
    bear: RegimeStateSchema.default({ driftAnnual: -0.6, volAnnual: 0.6, meanDurationDays: 150 }),
    /** Regime at the start; "stationary" draws it from the chain's stationary distribution. */
    initialRegime: z.enum(['bull', 'bear', 'stationary']).default('stationary'),
    ...overlays,
  })
  .strict();

export const OuSchema = z
  .object({
    model: z.literal('ou'),
    initialUsd,
    /** Long-run level: the log price reverts to ln(meanUsd). */
    meanUsd: z.number().positive().max(1e9).default(DEFAULT_INITIAL_USD),
    /** kappa, speed of reversion per year (half-life ln2/kappa years). */
    reversionPerYear: z.number().positive().max(10_000).default(2),
    volAnnual: volAnnual.default(DEFAULT_VOL_ANNUAL),
    ...overlays,
  })
  .strict();

export const BootstrapSchema = z
  .object({
    model: z.literal('bootstrap'),
    initialUsd,
    /** CSV of daily history, relative to the scenario file; the loader reads it into `returns`. */
    returnsFile: z.string().min(1).optional(),
    /** Column of `returnsFile` to use: a log-return column, or a price column (returns are derived). */
    column: z.string().min(1).optional(),
    /** Field delimiter of `returnsFile` (default: the one delimiter of its first line; two kinds there are rejected). */
    delimiter: z.enum([',', ';', '\t']).optional(),
    /** Daily log returns (filled by the loader from `returnsFile`, or given inline). */
    returns: z.array(z.number()).min(2).optional(),
    /** Length of each resampled block, in days (keeps volatility clustering within a block). */
    blockDays: z.number().int().positive().max(3650).default(20),
    /** Subtract the sample mean from the returns (keep the history's volatility, not its trend). */
    demean: z.boolean().default(false),
    ...overlays,
  })
  .strict();

export const PathSchema = z
  .object({
    model: z.literal('path'),
    /** CSV with one row per day (row 1 = the start day), relative to the scenario file. */
    file: z.string().min(1).optional(),
    /** Price column of `file` (default: priceUsd, price, close, or the only numeric column). */
    column: z.string().min(1).optional(),
    /** Field delimiter of `file` (default: the one delimiter of its first line; two kinds there are rejected). */
    delimiter: z.enum([',', ';', '\t']).optional(),
    /**
     * true: `file` is a dated daily series (a `date` column, one row per day without gaps, e.g.
     * data/btc-usd-daily.csv); the path starts at the row of the scenario's start date.
     */
    dated: z.boolean().default(false),
    /** Daily prices in USD, day 0 first (filled by the loader from `file`, or given inline). */
    pricesUsd: z.array(z.number().positive()).min(1).optional(),
    /** What to do if the path ends before the horizon: fail, or hold the last price. */
    onShort: z.enum(['error', 'hold-last']).default('error'),
    ...overlays,
  })
  .strict();

export const PRICE_MODELS = ['gbm', 'merton', 'regime', 'ou', 'bootstrap', 'path'] as const;

export const PriceModelSchema = modelUnion(PRICE_MODELS, [
  GbmSchema,
  MertonSchema,
  RegimeSchema,
  OuSchema,
  BootstrapSchema,
  PathSchema,
]);
export type PriceModelConfig = z.infer<typeof PriceModelSchema>;
export type PriceModelInput = z.input<typeof PriceModelSchema>;

export const ConstantFeeSchema = z
  .object({
    model: z.literal('constant'),
    btcPerBlock: z.number().nonnegative().max(1000).default(0.03),
  })
  .strict();

export const LognormalFeeSchema = z
  .object({
    model: z.literal('lognormal'),
    /** Mean fee per block (BTC); each step draws meanBtcPerBlock * exp(sigma Z - sigma^2/2). */
    meanBtcPerBlock: z.number().nonnegative().max(1000).default(0.03),
    sigmaLog: z.number().nonnegative().max(5).default(0.5),
  })
  .strict();

export const MeanRevertingFeeSchema = z
  .object({
    model: z.literal('mean-reverting'),
    /** Median of the base fee level (BTC per block); the log base level reverts to its log. */
    medianBtcPerBlock: z.number().positive().max(1000).default(0.025),
    /** Reversion speed of the log base level, per day. */
    reversionPerDay: z.number().positive().max(100).default(0.1),
    /** Volatility of the log base level, per sqrt(day). */
    volPerSqrtDay: z.number().nonnegative().max(5).default(0.15),
    /** Fee spikes (mempool congestion) per year, Poisson. */
    spikesPerYear: z.number().nonnegative().max(3650).default(6),
    /** Mean spike size as a multiple of the base level (exponentially distributed). */
    spikeMeanMultiple: z.number().nonnegative().max(1000).default(2),
    /** Half-life of a spike's decay, in days. */
    spikeHalfLifeDays: z.number().positive().max(3650).default(3),
  })
  .strict();

export const FEE_MODELS = ['constant', 'lognormal', 'mean-reverting'] as const;

export const FeeModelSchema = modelUnion(FEE_MODELS, [ConstantFeeSchema, LognormalFeeSchema, MeanRevertingFeeSchema]);
export type FeeModelConfig = z.infer<typeof FeeModelSchema>;
export type FeeModelInput = z.input<typeof FeeModelSchema>;

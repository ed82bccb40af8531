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

const initialUsd = z
  .number()
  .positive()
  .max(1e9)
  .default(DEFAULT_INITIAL_USD)
  .meta({ description: 'BTC price on day 0 (USD/BTC).', examples: [70_000] });
const driftAnnual = z.number().min(-5).max(5).describe('mu: expected simple return per year, a fraction (0.1 means +10% a year; the log drift is mu - sigma^2/2).');
const volAnnual = z.number().nonnegative().max(5).describe('sigma: annualised volatility of daily log returns, a fraction (0.5 means 50% a year).');

export const ShockSchema = z
  .object({
    /** Day offset from the start on which the shock lands (1 = end of the first day). */
    day: z.number().int().positive().describe('Day offset from the start on which the shock lands (1 = end of the first day; at most horizonDays).'),
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
      })
      .meta({ description: 'Simple return applied at once, in percent (not a fraction): -30 means the price falls by 30%. > -100; 0 < |returnPct| < 1 is refused as a likely fraction.', examples: [-30, 50] }),
  })
  .strict()
  .meta({ id: 'Shock', description: 'A scripted price shock: the price moves by returnPct percent at the end of day `day`.', examples: [{ day: 90, returnPct: -30 }] });
export type ShockConfig = z.infer<typeof ShockSchema>;

export const ImpactSchema = z
  .object({
    /** Log-price move per unit of (excess BTC sold / dailyDepthBtc): an impulse of that size. */
    lambda: z.number().nonnegative().max(100).default(0.1).describe('Log-price move per unit of (excess BTC sold / dailyDepthBtc): the size of an impulse.'),
    /** BTC the market absorbs in a day for a log-price move of `lambda`. */
    dailyDepthBtc: z.number().positive().default(20_000).describe('BTC the market absorbs in a day for a log-price move of lambda (BTC/day).'),
    /** Half-life (days) of the transient part of an impulse (kernel exp(-ln 2 t / halfLifeDays)). */
    halfLifeDays: z.number().positive().max(36_500).default(30).describe('Half-life of the transient part of an impulse (days).'),
    /** Share of each impulse that is permanent (0: all of it decays). */
    permanentShare: z.number().min(0).max(1).default(0).describe('Share of each impulse that is permanent, a fraction in [0, 1] (0: all of it decays).'),
    /**
     * The flow the market expects: this share of the BTC mined in the step (block rewards). Miners'
     * and the fringe's sales above it push the price down, below it up; 1: selling exactly what is
     * mined is neutral.
     */
    baselineShareOfIssuance: z.number().min(0).max(1).default(1).describe('Flow the market expects, as a fraction of the BTC mined in the step: sales above it push the price down, below it up (1: selling what is mined is neutral).'),
  })
  .strict()
  .meta({ id: 'Impact', description: "Endogenous price impact of miners' net BTC sales (off unless present).", examples: [{ lambda: 0.1, dailyDepthBtc: 20000, halfLifeDays: 30 }] });
export type ImpactConfig = z.infer<typeof ImpactSchema>;

/** Fields every price model shares: scripted shocks and optional endogenous impact. */
const overlays = {
  shocks: z.array(ShockSchema).default([]).describe('Scripted price shocks (any model): each moves the price by returnPct percent on its day.'),
  impact: ImpactSchema.optional().describe("Endogenous price impact of miners' net BTC sales; absent: off."),
};

export const GbmSchema = z
  .object({
    model: z.literal('gbm').describe('Geometric Brownian motion: constant drift and volatility.'),
    initialUsd,
    /** mu: expected simple return per year (the log drift is mu - sigma^2/2). */
    driftAnnual: driftAnnual.default(0),
    volAnnual: volAnnual.default(DEFAULT_VOL_ANNUAL),
    ...overlays,
  })
  .strict();

export const MertonSchema = z
  .object({
    model: z.literal('merton').describe('Merton jump diffusion: GBM plus Poisson jumps of lognormal size.'),
    initialUsd,
    driftAnnual: driftAnnual.default(0),
    /** Diffusion volatility (jumps add to the total). */
    volAnnual: volAnnual.default(0.4).describe('Diffusion volatility per year, a fraction (0.4 means 40%); the jumps add to the total.'),
    /** Poisson jump intensity, jumps per year. */
    jumpsPerYear: z.number().nonnegative().max(1000).default(4).describe('Poisson jump intensity (jumps per year).'),
    /** Mean of a jump's log size. */
    jumpMeanLog: z.number().min(-5).max(5).default(-0.05).describe('Mean of a jump\'s log size (-0.05: about -5% per jump).'),
    /** Standard deviation of a jump's log size. */
    jumpSdLog: z.number().nonnegative().max(5).default(0.1).describe('Standard deviation of a jump\'s log size.'),
    ...overlays,
  })
  .strict();

export const RegimeStateSchema = z
  .object({
    driftAnnual,
    volAnnual,
    /** Mean time spent in this regime before switching, in days. */
    meanDurationDays: z.number().positive().max(36_500).describe('Mean time spent in this regime before switching (days).'),
  })
  .strict()
  .meta({ id: 'RegimeState', description: 'Drift and volatility of one regime, and how long it lasts on average.' });

export const RegimeSchema = z
  .object({
    model: z.literal('regime').describe('Markov regime switching between a bull and a bear GBM.'),
    initialUsd,
    bull: RegimeStateSchema.default({ driftAnnual: 0.6, volAnnual: 0.45, meanDurationDays: 300 }).describe('The bull regime: drift, volatility (fractions per year), mean duration (days).'),
    bear: RegimeStateSchema.default({ driftAnnual: -0.6, volAnnual: 0.6, meanDurationDays: 150 }).describe('The bear regime: drift, volatility (fractions per year), mean duration (days).'),
    /** Regime at the start; "stationary" draws it from the chain's stationary distribution. */
    initialRegime: z.enum(['bull', 'bear', 'stationary']).default('stationary').describe('Regime at the start; "stationary" draws it from the chain\'s stationary distribution.'),
    ...overlays,
  })
  .strict();

export const OuSchema = z
  .object({
    model: z.literal('ou').describe('Ornstein-Uhlenbeck: the log price reverts to ln(meanUsd).'),
    initialUsd,
    /** Long-run level: the log price reverts to ln(meanUsd). */
    meanUsd: z.number().positive().max(1e9).default(DEFAULT_INITIAL_USD).describe('Long-run price level the log price reverts to (USD/BTC).'),
    /** kappa, speed of reversion per year (half-life ln2/kappa years). */
    reversionPerYear: z.number().positive().max(10_000).default(2).describe('kappa: speed of reversion per year (half-life ln 2 / kappa years).'),
    volAnnual: volAnnual.default(DEFAULT_VOL_ANNUAL),
    ...overlays,
  })
  .strict();

export const BootstrapSchema = z
  .object({
    model: z.literal('bootstrap').describe('Block bootstrap of historical daily log returns.'),
    initialUsd,
    /** CSV of daily history, relative to the scenario file; the loader reads it into `returns`. */
    returnsFile: z.string().min(1).optional().meta({ description: 'CSV of daily history, relative to the scenario file; the loader reads it into `returns`.', examples: ['../data/btc-usd-daily.csv'] }),
    /** Column of `returnsFile` to use: a log-return column, or a price column (returns are derived). */
    column: z.string().min(1).optional().describe('Column of returnsFile to use: a log-return column, or a price column (returns are derived).'),
    /** Field delimiter of `returnsFile` (default: the one delimiter of its first line; two kinds there are rejected). */
    delimiter: z.enum([',', ';', '\t']).optional().describe('Field delimiter of returnsFile (default: the one delimiter of its first line).'),
    /** Daily log returns (filled by the loader from `returnsFile`, or given inline). */
    returns: z.array(z.number()).min(2).optional().describe('Daily log returns (filled by the loader from returnsFile, or given inline).'),
    /** Length of each resampled block, in days (keeps volatility clustering within a block). */
    blockDays: z.number().int().positive().max(3650).default(20).describe('Length of each resampled block (days); keeps volatility clustering within a block.'),
    /** Subtract the sample mean from the returns (keep the history's volatility, not its trend). */
    demean: z.boolean().default(false).describe('Subtract the sample mean from the returns (keep the history\'s volatility, not its trend).'),
    ...overlays,
  })
  .strict();

export const PathSchema = z
  .object({
    model: z.literal('path').describe('A given daily price path (CSV file or inline list).'),
    /** CSV with one row per day (row 1 = the start day), relative to the scenario file. */
    file: z.string().min(1).optional().meta({ description: 'CSV with one row per day (row 1 = the start day), relative to the scenario file.', examples: ['data/btc-price-2025-10-to-2026-06.csv'] }),
    /** Price column of `file` (default: priceUsd, price, close, or the only numeric column). */
    column: z.string().min(1).optional().describe('Price column of file (default: priceUsd, price, close, or the only numeric column).'),
    /** Field delimiter of `file` (default: the one delimiter of its first line; two kinds there are rejected). */
    delimiter: z.enum([',', ';', '\t']).optional().describe('Field delimiter of file (default: the one delimiter of its first line).'),
    /**
     * true: `file` is a dated daily series (a `date` column, one row per day without gaps, e.g.
     * data/btc-usd-daily.csv); the path starts at the row of the scenario's start date.
     */
    dated: z.boolean().default(false).describe('true: file is a dated daily series (a date column, no gaps); the path starts at the row of start.date.'),
    /** Daily prices in USD, day 0 first (filled by the loader from `file`, or given inline). */
    pricesUsd: z.array(z.number().positive()).min(1).optional().describe('Daily prices (USD/BTC), day 0 first (filled by the loader from file, or given inline).'),
    /** What to do if the path ends before the horizon: fail, or hold the last price. */
    onShort: z.enum(['error', 'hold-last']).default('error').describe('If the path ends before the horizon: fail (error), or hold the last price (hold-last).'),
    ...overlays,
  })
  .strict();

export const PRICE_MODELS = ['gbm', 'merton', 'regime', 'ou', 'bootstrap', 'path'] as const;

export const PriceModelSchema = modelUnion(PRICE_MODELS, [
  GbmSchema.meta({ id: 'PriceGbm', description: 'Price model gbm: geometric Brownian motion.', examples: [{ model: 'gbm', initialUsd: 70000, driftAnnual: 0, volAnnual: 0.5 }] }),
  MertonSchema.meta({ id: 'PriceMerton', description: 'Price model merton: jump diffusion.', examples: [{ model: 'merton', volAnnual: 0.4, jumpsPerYear: 4, jumpMeanLog: -0.05, jumpSdLog: 0.1 }] }),
  RegimeSchema.meta({ id: 'PriceRegime', description: 'Price model regime: Markov switching between bull and bear.' }),
  OuSchema.meta({ id: 'PriceOu', description: 'Price model ou: mean-reverting log price.' }),
  BootstrapSchema.meta({ id: 'PriceBootstrap', description: 'Price model bootstrap: resampled blocks of historical daily returns.' }),
  PathSchema.meta({ id: 'PricePath', description: 'Price model path: a given daily price series.', examples: [{ model: 'path', file: 'data/prices.csv', onShort: 'hold-last' }] }),
]);
export type PriceModelConfig = z.infer<typeof PriceModelSchema>;
export type PriceModelInput = z.input<typeof PriceModelSchema>;

export const ConstantFeeSchema = z
  .object({
    model: z.literal('constant').describe('The same fee every block.'),
    btcPerBlock: z.number().nonnegative().max(1000).default(0.03).describe('Transaction fees per block (BTC/block).'),
  })
  .strict();

export const LognormalFeeSchema = z
  .object({
    model: z.literal('lognormal').describe('A lognormal fee level drawn afresh every step.'),
    /** Mean fee per block (BTC); each step draws meanBtcPerBlock * exp(sigma Z - sigma^2/2). */
    meanBtcPerBlock: z.number().nonnegative().max(1000).default(0.03).describe('Mean fee per block (BTC/block); each step draws mean x exp(sigma Z - sigma^2/2).'),
    sigmaLog: z.number().nonnegative().max(5).default(0.5).describe('Standard deviation of the log fee level (sigma).'),
  })
  .strict();

export const MeanRevertingFeeSchema = z
  .object({
    model: z.literal('mean-reverting').describe('A mean-reverting log base level plus decaying congestion spikes.'),
    /** Median of the base fee level (BTC per block); the log base level reverts to its log. */
    medianBtcPerBlock: z.number().positive().max(1000).default(0.025).describe('Median of the base fee level (BTC/block); the log base level reverts to its log.'),
    /** Reversion speed of the log base level, per day. */
    reversionPerDay: z.number().positive().max(100).default(0.1).describe('Reversion speed of the log base level (per day).'),
    /** Volatility of the log base level, per sqrt(day). */
    volPerSqrtDay: z.number().nonnegative().max(5).default(0.15).describe('Volatility of the log base level (per sqrt(day)).'),
    /** Fee spikes (mempool congestion) per year, Poisson. */
    spikesPerYear: z.number().nonnegative().max(3650).default(6).describe('Fee spikes (mempool congestion) per year, Poisson.'),
    /** Mean spike size as a multiple of the base level (exponentially distributed). */
    spikeMeanMultiple: z.number().nonnegative().max(1000).default(2).describe('Mean spike size as a multiple of the base level (exponentially distributed).'),
    /** Half-life of a spike's decay, in days. */
    spikeHalfLifeDays: z.number().positive().max(3650).default(3).describe('Half-life of a spike\'s decay (days).'),
  })
  .strict();

export const FEE_MODELS = ['constant', 'lognormal', 'mean-reverting'] as const;

export const FeeModelSchema = modelUnion(FEE_MODELS, [
  ConstantFeeSchema.meta({ id: 'FeeConstant', description: 'Fee model constant: the same BTC per block throughout.', examples: [{ model: 'constant', btcPerBlock: 0.03 }] }),
  LognormalFeeSchema.meta({ id: 'FeeLognormal', description: 'Fee model lognormal: a random fee level each step.', examples: [{ model: 'lognormal', meanBtcPerBlock: 0.03, sigmaLog: 0.5 }] }),
  MeanRevertingFeeSchema.meta({ id: 'FeeMeanReverting', description: 'Fee model mean-reverting: a reverting base level with congestion spikes.' }),
]);
export type FeeModelConfig = z.infer<typeof FeeModelSchema>;
export type FeeModelInput = z.input<typeof FeeModelSchema>;

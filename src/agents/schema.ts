import { z } from 'zod';

// Miner, population and fringe configuration. Units are in the field names (EH/s, J/TH, $/MWh,
// MW, days, USD, BTC, Pct = a fraction in [0, 1]). Every field that can have a sensible default has
// one, so a named miner is a few lines: see docs/MODEL.md.

const nonneg = () => z.number().nonnegative();
const frac = () => z.number().min(0).max(1);

// ---------------------------------------------------------------------------------------------
// Policies (each behaviour's parameters). Strategies are named bundles of these; a miner names a
// strategy and may override single parameters under `policies`.

export const OperatePolicySchema = z
  .object({
    /** false: machines run regardless of margin (e.g. hedged power). */
    curtail: z.boolean().default(true),
    /** A running cohort switches off when revenue/power cost < 1 + minMarginPct - hysteresisPct. */
    minMarginPct: z.number().min(-1).max(10).default(0),
    /** An idle cohort switches on when revenue/power cost > 1 + minMarginPct + hysteresisPct. */
    hysteresisPct: frac().default(0.05),
    /** A cohort curtailed this many days in a row is retired for good (it never covers power). */
    retireAfterCurtailedDays: z.number().int().positive().default(180),
  })
  .strict();

export const TreasuryPolicySchema = z
  .object({
    /**
     * hodl: never sell voluntarily; sell-all: sell all BTC mined each step; sell-fraction: sell
     * `sellFraction` of BTC mined each step; keep-cash: sell (from the whole treasury) whenever cash is
     * below `cashDays` days of costs, up to that level.
     */
    mode: z.enum(['hodl', 'sell-all', 'sell-fraction', 'keep-cash']).default('sell-all'),
    sellFraction: frac().default(0.5),
    cashDays: nonneg().default(30),
    /** Strategic de-leveraging: when loan LTV >= this, sell treasury BTC to repay debt. null = off. */
    deleverageAtLtv: z.number().positive().nullable().default(null),
    /** ... down to this LTV (or until the treasury is empty). */
    deleverageToLtv: frac().default(0.3),
  })
  .strict();

export const FinancingPolicySchema = z
  .object({
    /** How a cash shortfall or capex is financed: sell treasury BTC first, or borrow against it first. */
    order: z.enum(['sell-first', 'borrow-first']).default('sell-first'),
    /** Whether the miner may borrow at all (against its BTC, on its loan terms). */
    borrow: z.boolean().default(true),
    /** On a margin call: post more BTC as collateral, or sell BTC to repay debt. */
    marginCallResponse: z.enum(['post-collateral', 'repay']).default('post-collateral'),
  })
  .strict();

export const ExpandPolicySchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Order new machines when their payback at the current hashprice is shorter than this. */
    paybackDays: z.number().positive().default(365),
    machineUsdPerTH: z.number().positive().default(15),
    efficiencyJPerTH: z.number().positive().default(15),
    deliveryLagDays: z.number().int().nonnegative().default(90),
    /** Largest single order as a share of the miner's installed hashrate. */
    maxOrderPctOfFleet: z.number().positive().default(0.25),
    /** Whether capex may be financed by selling/borrowing (else only cash above the reserve). */
    financeCapex: z.boolean().default(false),
    /** Days between orders (evaluation cadence). */
    cooldownDays: z.number().int().nonnegative().default(30),
  })
  .strict();

export const AiPivotPolicySchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Pivot when AI value per MW-year > (1 + hurdlePct) x mining value per MW-year (and > 0). */
    hurdlePct: z.number().min(0).default(0.25),
    revenueUsdPerMwYear: nonneg().default(1_600_000),
    /** Operating (NOI) margin of AI hosting revenue. */
    marginPct: frac().default(0.8),
    capexUsdPerMw: nonneg().default(9_500_000),
    leadTimeDays: z.number().int().nonnegative().default(540),
    contractYears: z.number().positive().default(12),
    /** Share of a site's AI-convertible MW converted per decision (one tranche at a time). */
    tranchePct: z.number().positive().max(1).default(1),
    /** Time constant (days) of the exponential average of hashprice the decision looks at. */
    lookbackDays: z.number().positive().default(30),
    /** Whether capex may be financed by selling/borrowing BTC (else only cash above the reserve). */
    financeCapex: z.boolean().default(true),
  })
  .strict();

export const ExitPolicySchema = z
  .object({
    /** Exit when cash stays below this after all financing options are used. */
    minCashUsd: z.number().default(0),
  })
  .strict();

/**
 * Overrides of a policy: every field optional and WITHOUT its default (zod's `.partial()` would keep
 * the defaults and silently override the strategy's own values).
 */
function overridesOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodType<Partial<z.infer<z.ZodObject<T>>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(schema.shape)) {
    const inner = v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType);
    shape[k] = inner.optional();
  }
  return z.object(shape).strict() as unknown as z.ZodType<Partial<z.infer<z.ZodObject<T>>>>;
}

export const PoliciesSchema = z
  .object({
    operate: overridesOf(OperatePolicySchema).optional(),
    treasury: overridesOf(TreasuryPolicySchema).optional(),
    financing: overridesOf(FinancingPolicySchema).optional(),
    expand: overridesOf(ExpandPolicySchema).optional(),
    aiPivot: overridesOf(AiPivotPolicySchema).optional(),
    exit: overridesOf(ExitPolicySchema).optional(),
  })
  .strict();
export type PoliciesInput = z.infer<typeof PoliciesSchema>;

/** Named strategy bundles a scenario may define (in addition to the built-in ones). */
export const StrategyBundleSchema = PoliciesSchema;
export const StrategiesSchema = z.record(z.string().min(1), StrategyBundleSchema);

/** Fully resolved policies of one miner. */
export interface ResolvedPolicies {
  readonly operate: z.infer<typeof OperatePolicySchema>;
  readonly treasury: z.infer<typeof TreasuryPolicySchema>;
  readonly financing: z.infer<typeof FinancingPolicySchema>;
  readonly expand: z.infer<typeof ExpandPolicySchema>;
  readonly aiPivot: z.infer<typeof AiPivotPolicySchema>;
  readonly exit: z.infer<typeof ExitPolicySchema>;
}

// ---------------------------------------------------------------------------------------------
// Named miners.

export const SiteSchema = z
  .object({
    name: z.string().optional(),
    mw: z.number().positive(),
    powerPriceUsdPerMWh: nonneg(),
    /** Share of this site's MW that could be converted to AI/HPC hosting. */
    aiConvertibleShare: frac().default(0.5),
  })
  .strict();

export const CohortSchema = z
  .object({
    /** Either units x thPerUnit, or hashrateEHs. */
    units: z.number().int().positive().optional(),
    thPerUnit: z.number().positive().optional(),
    hashrateEHs: z.number().positive().optional(),
    efficiencyJPerTH: z.number().positive(),
    ageDays: nonneg().default(0),
    /** Index of the site (in `sites`) that hosts this cohort. */
    site: z.number().int().nonnegative().default(0),
  })
  .strict()
  .superRefine((c, ctx) => {
    const byUnits = c.units !== undefined || c.thPerUnit !== undefined;
    if (byUnits && (c.units === undefined || c.thPerUnit === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected both units and thPerUnit' });
    }
    if (byUnits === (c.hashrateEHs !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected either hashrateEHs or units + thPerUnit' });
    }
  });

export const LoanSchema = z
  .object({
    /** Debt outstanding at the start (USD); collateral is posted at originationLtv. */
    principalUsd: nonneg().default(0),
    originationLtv: z.number().positive().max(1).default(0.5),
    rateAnnual: nonneg().default(0.085),
    marginCallLtv: z.number().positive().default(0.7),
    cureDays: z.number().int().nonnegative().default(2),
    liquidationLtv: z.number().positive().default(0.88),
    /** Lender's liquidation penalty as a share of the debt. */
    penaltyPct: frac().default(0.04),
    /** Credit limit for new borrowing (USD); null = limited only by collateral. */
    maxPrincipalUsd: nonneg().nullable().default(null),
  })
  .strict()
  .refine((l) => l.originationLtv < l.marginCallLtv && l.marginCallLtv < l.liquidationLtv, {
    message: 'expected originationLtv < marginCallLtv < liquidationLtv',
  });
export type LoanConfig = z.infer<typeof LoanSchema>;

export const PayoutSchema = z
  .discriminatedUnion('scheme', [
    z.object({ scheme: z.literal('fpps'), feePct: frac().default(0.025) }).strict(),
    z.object({ scheme: z.literal('solo') }).strict(),
  ])
  .default({ scheme: 'fpps', feePct: 0.025 });

const StrategyRefFields = {
  /** Built-in ('seller', 'hodler', 'deleverager', 'ai-pivoter', 'expander', 'passive') or scenario-defined. */
  strategy: z.string().default('seller'),
  /** Per-parameter overrides of the strategy's policies. */
  policies: PoliciesSchema.default({}),
  /** Path of a user strategy module (loaded by the shell, passed to simulate in `strategies`). */
  strategyModule: z.string().optional(),
};

export const MinerSchema = z
  .object({
    name: z.string().min(1),
    // Shorthand for a single site with a single cohort.
    hashrateEHs: z.number().positive().optional(),
    efficiencyJPerTH: z.number().positive().optional(),
    powerPriceUsdPerMWh: nonneg().optional(),
    /** Site MW for the shorthand form; default: the fleet's MW x (1 + 0.1 headroom). */
    siteMw: z.number().positive().optional(),
    aiConvertibleShare: frac().optional(),
    sites: z.array(SiteSchema).optional(),
    cohorts: z.array(CohortSchema).optional(),
    treasuryBtc: nonneg().default(0),
    /** Cash at start; default: 30 days of power + opex at the start's economics. */
    cashUsd: nonneg().optional(),
    /** Fixed opex (SG&A, non-power site costs); default 3 USD per PH/s of installed hashrate per day. */
    opexUsdPerDay: nonneg().optional(),
    loan: LoanSchema.optional(),
    payout: PayoutSchema,
    ...StrategyRefFields,
  })
  .strict()
  .superRefine((m, ctx) => {
    const short = m.hashrateEHs !== undefined;
    const long = m.cohorts !== undefined;
    if (short === long) {
      ctx.addIssue({ code: 'custom', message: 'expected either hashrateEHs (+ efficiencyJPerTH, powerPriceUsdPerMWh) or cohorts + sites' });
      return;
    }
    if (short && (m.efficiencyJPerTH === undefined || m.powerPriceUsdPerMWh === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'hashrateEHs needs efficiencyJPerTH and powerPriceUsdPerMWh' });
    }
    if (long) {
      if (!m.sites || m.sites.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['sites'], message: 'cohorts need at least one site' });
        return;
      }
      m.cohorts!.forEach((c, i) => {
        if (c.site >= m.sites!.length) {
          ctx.addIssue({ code: 'custom', path: ['cohorts', i, 'site'], message: `expected a site index < ${m.sites!.length}` });
        }
      });
    }
  });
export type MinerConfig = z.infer<typeof MinerSchema>;
export type MinerInput = z.input<typeof MinerSchema>;

// ---------------------------------------------------------------------------------------------
// Generated populations: every per-miner quantity is a number or a distribution.

const bound = { min: z.number().optional(), max: z.number().optional() };
export const DistSchema = z.union([
  z.number(),
  z.object({ dist: z.literal('fixed'), value: z.number() }).strict(),
  z.object({ dist: z.literal('uniform'), min: z.number(), max: z.number() }).strict(),
  z.object({ dist: z.literal('lognormal'), median: z.number().positive(), sigma: nonneg(), ...bound }).strict(),
  z.object({ dist: z.literal('normal'), mean: z.number(), sd: nonneg(), ...bound }).strict(),
  z.object({ dist: z.literal('triangular'), min: z.number(), mode: z.number(), max: z.number() }).strict(),
  z.object({ dist: z.literal('beta'), a: z.number().positive(), b: z.number().positive(), scale: z.number().positive().default(1) }).strict(),
]);
export type Dist = z.infer<typeof DistSchema>;

export const PopulationSchema = z
  .object({
    name: z.string().min(1),
    count: z.number().int().positive(),
    hashrateEHs: DistSchema.default({ dist: 'lognormal', median: 0.05, sigma: 1, max: 20 }),
    efficiencyJPerTH: DistSchema.default({ dist: 'triangular', min: 13.5, mode: 18, max: 30 }),
    powerPriceUsdPerMWh: DistSchema.default({ dist: 'uniform', min: 30, max: 80 }),
    /** Free site MW beyond the fleet's draw, as a share of it. */
    siteHeadroomPct: DistSchema.default(0.1),
    aiConvertibleShare: DistSchema.default(0.5),
    /** Starting treasury in days of the miner's production at the start's hashprice. */
    treasuryDays: DistSchema.default(30),
    /** Starting cash in days of power + opex. */
    cashDays: DistSchema.default(30),
    opexUsdPerPhDay: DistSchema.default(3),
    /** Leverage: starting loan LTV against the treasury (0 = no loan). */
    loanLtv: DistSchema.default(0),
    loan: LoanSchema.optional(),
    /** Probability that a miner has the AI pivot policy enabled. */
    aiPropensity: frac().default(0),
    /** Share of miners paid FPPS by a pool (the rest mine solo). */
    fppsShare: frac().default(0.9),
    poolFeePct: DistSchema.default(0.025),
    /** A strategy name, or weights over strategy names. */
    strategy: z.union([z.string(), z.record(z.string(), nonneg())]).default('seller'),
    policies: PoliciesSchema.default({}),
    strategyModule: z.string().optional(),
  })
  .strict();
export type PopulationConfig = z.infer<typeof PopulationSchema>;

// ---------------------------------------------------------------------------------------------
// Reduced-form fringe: the rest of the network as one aggregate whose hashrate follows profitability.

export const FringeSchema = z
  .object({
    hashrateEHs: nonneg(),
    /** Elasticity of target hashrate to (hashprice / breakeven hashprice). */
    breakevenElasticity: nonneg().default(1),
    /** Time constant (days) of the fringe's adjustment toward its target hashrate. */
    lagDays: z.number().positive().default(60),
    /** Fleet efficiency and power price that define the fringe's breakeven hashprice. */
    efficiencyJPerTH: z.number().positive().default(20),
    powerPriceUsdPerMWh: nonneg().default(50),
    /** Breakeven hashprice (USD/PH/day); default: power cost x (1 + overheadPct). */
    breakevenUsdPerPhDay: z.number().positive().optional(),
    overheadPct: nonneg().default(0.3),
    /** Trend growth of the fringe's installed capacity (new machines), per year (continuous rate). */
    growthAnnual: z.number().default(0),
  })
  .strict();
export type FringeConfig = z.infer<typeof FringeSchema>;

// ---------------------------------------------------------------------------------------------
// Cross-field rules that need the scenario's start price (run by the scenario schema's refinement).

/** A problem with a path relative to the scenario root, in the shape zod's `ctx.addIssue` takes. */
export interface ScenarioIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * The price on day 0 as the price model will produce it (initialUsd, or the path's first price), or
 * undefined while it is not known (a path whose file the loader has not inlined yet).
 */
export function startPriceUsd(price: unknown): number | undefined {
  if (typeof price !== 'object' || price === null) return undefined;
  const p = price as { model?: unknown; initialUsd?: unknown; pricesUsd?: unknown };
  const x = p.model === 'path' ? (Array.isArray(p.pricesUsd) ? p.pricesUsd[0] : undefined) : p.initialUsd;
  return typeof x === 'number' && x > 0 && Number.isFinite(x) ? x : undefined;
}

/**
 * A named miner's opening loan is backed at its origination LTV out of its treasury (collateral =
 * principalUsd / (originationLtv x start price)), so the treasury must hold that much BTC. The issue
 * names `miners[i].loan.principalUsd` and the largest principal the treasury supports.
 */
export function openingLoanIssues(miners: unknown, price: unknown): ScenarioIssue[] {
  const p0 = startPriceUsd(price);
  if (p0 === undefined || !Array.isArray(miners)) return [];
  const out: ScenarioIssue[] = [];
  miners.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) return;
    const { loan, treasuryBtc } = m as { loan?: { principalUsd?: unknown; originationLtv?: unknown }; treasuryBtc?: unknown };
    const principal = loan?.principalUsd;
    const ltv = loan?.originationLtv;
    const btc = typeof treasuryBtc === 'number' ? treasuryBtc : 0;
    if (typeof principal !== 'number' || !(principal > 0) || typeof ltv !== 'number' || !(ltv > 0)) return;
    const need = principal / (ltv * p0);
    // Same tolerance as the engine's setup check (src/agents/state.ts).
    if (need > btc * (1 + 1e-12)) {
      const max = btc * ltv * p0;
      out.push({
        path: ['miners', i, 'loan', 'principalUsd'],
        message:
          `expected at most ${max.toFixed(0)} USD: the opening loan needs ${need.toFixed(2)} BTC of collateral ` +
          `(principalUsd / (originationLtv ${ltv} x start price ${p0})) but treasuryBtc is ${btc}; ` +
          `lower principalUsd or raise treasuryBtc or originationLtv`,
      });
    }
  });
  return out;
}

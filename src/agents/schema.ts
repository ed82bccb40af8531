import { z } from 'zod';

// Miner, population and fringe configuration. Units are in the field names (EH/s, J/TH, $/MWh,
// MW, days, USD, BTC; Share, Fraction and Ltv = a fraction: 0.3 means 30%; Pct = a percent). Every
// field that can have a sensible default has one, so a named miner is a few lines: docs/MODEL.md.

const nonneg = () => z.number().nonnegative();
const frac = () => z.number().min(0).max(1);

// ---------------------------------------------------------------------------------------------
// Policies (each behaviour's parameters). Strategies are named bundles of these; a miner names a
// strategy and may override single parameters under `policies`.

export const OperatePolicySchema = z
  .object({
    /** false: machines run regardless of margin (e.g. hedged power). */
    curtail: z.boolean().default(true),
    /** Running machines switch off when revenue/power cost < 1 + minMarginShare - hysteresisShare. */
    minMarginShare: z.number().min(-1).max(10).default(0),
    /** Idle machines switch on when revenue/power cost > 1 + minMarginShare + hysteresisShare (restart costs). */
    hysteresisShare: frac().default(0.1),
    /**
     * Relative spread of power costs within a cohort (units, racks and site contracts differ): costs
     * are uniform over cost x [1 - spread, 1 + spread] and the cheapest machines run first, so a
     * cohort curtails progressively (agents/utilisation.ts). 0: the whole cohort switches at once.
     */
    costSpreadShare: z.number().min(0).lt(1).default(0.25),
    /** Largest change of a cohort's running share per day (crews, power contracts, demand response). */
    rampSharePerDay: z.number().positive().max(1).default(0.05),
    /**
     * A cohort with idle machines this many days in a row sells its idle part to the secondary
     * market (the network supply's; docs/MODEL.md): it leaves the miner, not the world.
     */
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
    maxOrderShareOfFleet: z.number().positive().default(0.25),
    /** Whether capex may be financed by selling/borrowing (else only cash above the reserve). */
    financeCapex: z.boolean().default(false),
    /** Days between orders (evaluation cadence). */
    cooldownDays: z.number().int().nonnegative().default(30),
  })
  .strict();

export const AiFinancingSchema = z
  .object({
    /** Share of a deal's capex the tenant prepays at signing (recouped from its rent over the contract term). */
    prepaymentShare: frac().default(0.1),
    /** Share of a deal's capex raised at signing by convertible / high-yield notes. */
    notesShare: frac().default(0.5),
    /** Annual coupon of those notes (paid every step out of cash). */
    notesCouponAnnual: z.number().min(0).max(1).default(0.05),
    /** Term of the notes (days); at maturity they are refinanced at the same coupon or repaid from cash. */
    notesTermDays: z.number().int().positive().max(36_500).default(1825),
    notesAtMaturity: z.enum(['refinance', 'repay']).default('refinance'),
  })
  .strict()
  .refine((f) => f.prepaymentShare + f.notesShare <= 1 + 1e-12, {
    message: 'expected prepaymentShare + notesShare <= 1 (the sources fund at most the whole capex)',
  });

export const AiPivotPolicySchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Contracted AI-hosting revenue per MW-year (USD). */
    revenueUsdPerMwYear: nonneg().default(1_600_000),
    /** Net operating income as a share of AI revenue. */
    marginShare: frac().default(0.8),
    /** Conversion capex per MW (USD), drawn over the build. */
    capexUsdPerMw: nonneg().default(9_500_000),
    /** Share of the capex paid at signing; the rest is drawn evenly until the lead time ends. */
    upfrontCapexShare: frac().default(0.2),
    /** Days from signing to AI revenue. */
    leadTimeDays: z.number().int().nonnegative().max(3650).default(540),
    /** Share of the lead time the converting MW keep mining (halls are converted last). */
    miningUntilShare: frac().default(0.5),
    contractYears: z.number().positive().max(50).default(12),
    /** Probability that a contract renews once for another term (valued in the NPV). */
    renewalProbability: frac().default(0.5),
    /** Annual cost of capital the deal is discounted at (> -1). */
    costOfCapitalAnnual: z.number().gt(-1).max(5).default(0.1),
    /** The miner's expected continuous drift of hashprice per year (besides the scheduled halving). */
    hashpriceDriftAnnual: z.number().min(-5).max(5).default(-0.15),
    /** Convert when NPV per MW > this share of capex per MW (0: any positive NPV). */
    hurdleShareOfCapex: z.number().min(0).max(10).default(0),
    /**
     * Dispersion of each miner's view of AI revenue (log sd): per run, a miner values deals at
     * revenue x exp(sd z - sd^2 / 2), z ~ N(0, 1), so decisions do not fire in lockstep.
     */
    beliefSdLog: z.number().min(0).max(2).default(0.2),
    /** Days between a miner's reviews of the AI option (each miner at its own random phase). */
    reviewDays: z.number().int().positive().max(3650).default(30),
    /** Share of a site's AI-convertible MW converted per deal (one build per site at a time). */
    trancheShare: z.number().positive().max(1).default(0.5),
    /** Time constant (days) of the exponential average of hashprice the decision starts from. */
    lookbackDays: z.number().positive().default(30),
    /** Whether the miner's own share of capex may be raised by selling/borrowing BTC (else cash only). */
    financeCapex: z.boolean().default(true),
    financing: AiFinancingSchema.default({ prepaymentShare: 0.1, notesShare: 0.5, notesCouponAnnual: 0.05, notesTermDays: 1825, notesAtMaturity: 'refinance' }),
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

/** Smallest and largest value a distribution can draw (a plain number: itself). */
export function distSupport(d: Dist): readonly [number, number] {
  if (typeof d === 'number') return [d, d];
  switch (d.dist) {
    case 'fixed':
      return [d.value, d.value];
    case 'uniform':
    case 'triangular':
      return [d.min, d.max];
    case 'lognormal':
      return [Math.max(0, d.min ?? 0), d.max ?? Infinity];
    case 'normal':
      return [d.min ?? -Infinity, d.max ?? Infinity];
    case 'beta':
      return [0, d.scale];
  }
}

/** A loan term drawn per loan (per run): a number or a distribution. */
const LoanTerm = DistSchema;

export const LoanSchema = z
  .object({
    /** Debt outstanding at the start (USD). */
    principalUsd: nonneg().default(0),
    /**
     * LTV the lender lends at (new borrowing, and the level a margin call or a refinancing restores);
     * drawn per loan when a distribution.
     */
    originationLtv: LoanTerm.default(0.5),
    /**
     * LTV of the opening loan at the start (it was originated earlier, at another price); drawn per loan.
     * Default: the origination LTV. Collateral at the start = principalUsd / (startLtv x start price).
     */
    startLtv: LoanTerm.optional(),
    rateAnnual: z.number().min(0).max(1).default(0.085),
    /** Lender's margin-call threshold (LTV); drawn per loan when a distribution. */
    marginCallLtv: LoanTerm.default(0.7),
    /** Days a margin call may stay open before the lender liquidates; drawn per loan (rounded). */
    cureDays: LoanTerm.default(2),
    /** Lender's liquidation threshold (LTV); drawn per loan when a distribution. */
    liquidationLtv: LoanTerm.default(0.88),
    /** Lender's liquidation penalty as a share of the debt. */
    penaltyShare: frac().default(0.04),
    /** Credit limit for new borrowing (USD); null = limited only by collateral. */
    maxPrincipalUsd: nonneg().nullable().default(null),
    /** Term of the loan (days); null: open-ended (no maturity). */
    termDays: z.number().int().positive().max(36_500).nullable().default(null),
    /** Days since the opening loan was originated, at the start (drawn per loan): it matures at termDays - ageDays. */
    ageDays: LoanTerm.default(0),
    /** At maturity: roll over at the origination LTV (paying down to it first), or repay in full. */
    atMaturity: z.enum(['refinance', 'repay']).default('refinance'),
  })
  .strict()
  .superRefine((l, ctx) => {
    const [o0, o1] = distSupport(l.originationLtv);
    const [s0, s1] = l.startLtv === undefined ? [o0, o1] : distSupport(l.startLtv);
    const [m0, m1] = distSupport(l.marginCallLtv);
    const [q0, q1] = distSupport(l.liquidationLtv);
    const [c0] = distSupport(l.cureDays);
    const [a0] = distSupport(l.ageDays);
    const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const terms = { originationLtv: l.originationLtv, startLtv: l.startLtv, marginCallLtv: l.marginCallLtv, cureDays: l.cureDays, liquidationLtv: l.liquidationLtv, ageDays: l.ageDays };
    for (const [k, d] of Object.entries(terms)) {
      if (d === undefined) continue;
      const [lo, hi] = distSupport(d);
      if (!(lo <= hi)) {
        bad(k, `expected a distribution whose min is at most its max, got ${lo} .. ${hi}`);
        return;
      }
      if (typeof d === 'object' && d.dist === 'triangular' && !(d.mode >= d.min && d.mode <= d.max)) {
        bad(k, `expected the mode ${d.mode} inside min .. max (${d.min} .. ${d.max})`);
        return;
      }
    }
    if (!(o0 > 0) || !(o1 < 1)) bad('originationLtv', `expected LTVs in (0, 1); the distribution can draw ${o0} .. ${o1}`);
    if (!(s0 > 0)) bad('startLtv', `expected LTVs > 0; the distribution can draw ${s0}`);
    if (!(q1 <= 1)) bad('liquidationLtv', `expected an LTV <= 1; the distribution can draw ${q1}`);
    if (!(o1 < m0)) bad('marginCallLtv', `expected every margin-call LTV above every origination LTV (origination up to ${o1}, margin call from ${m0})`);
    if (!(s1 < m0)) bad('startLtv', `expected start LTVs below the margin-call LTV (start up to ${s1}, margin call from ${m0})`);
    if (!(m1 < q0)) bad('liquidationLtv', `expected every liquidation LTV above every margin-call LTV (margin call up to ${m1}, liquidation from ${q0})`);
    if (!(c0 >= 0)) bad('cureDays', `expected cure days >= 0; the distribution can draw ${c0}`);
    if (!(a0 >= 0)) bad('ageDays', `expected ages >= 0; the distribution can draw ${a0}`);
  });
export type LoanConfig = z.infer<typeof LoanSchema>;

export const PayoutSchema = z
  .discriminatedUnion('scheme', [
    z.object({ scheme: z.literal('fpps'), feeShare: frac().default(0.025) }).strict(),
    z.object({ scheme: z.literal('solo') }).strict(),
  ])
  .default({ scheme: 'fpps', feeShare: 0.025 });

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
    /** Mining pool the miner's hashrate goes to (a name in the scenario's `security.pools`); none: spread like the fringe. */
    pool: z.string().min(1).optional(),
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



export const PopulationSchema = z
  .object({
    name: z.string().min(1),
    count: z.number().int().positive(),
    hashrateEHs: DistSchema.default({ dist: 'lognormal', median: 0.05, sigma: 1, max: 20 }),
    efficiencyJPerTH: DistSchema.default({ dist: 'triangular', min: 13.5, mode: 18, max: 30 }),
    powerPriceUsdPerMWh: DistSchema.default({ dist: 'uniform', min: 30, max: 80 }),
    /** Free site MW beyond the fleet's draw, as a share of it. */
    siteHeadroomShare: DistSchema.default(0.1),
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
    poolFeeShare: DistSchema.default(0.025),
    /** A strategy name, or weights over strategy names. */
    strategy: z.union([z.string(), z.record(z.string(), nonneg())]).default('seller'),
    policies: PoliciesSchema.default({}),
    strategyModule: z.string().optional(),
  })
  .strict();
export type PopulationConfig = z.infer<typeof PopulationSchema>;

// ---------------------------------------------------------------------------------------------
// The network outside the agents ("fringe"): a capacity stock by efficiency vintage x power-price
// bin with a marginal-cost curve, investment, efficiency progress, retirement and a secondary market
// (agents/supply.ts; docs/MODEL.md, "Hashrate supply"). Every default has a source or prior there.

const share = () => z.number().min(0).max(1);

export const VintageSchema = z
  .object({
    /** Efficiency of the machines of this vintage class (J/TH). */
    efficiencyJPerTH: z.number().positive(),
    /** Share of the fringe's installed capacity (EH/s) at the start in this class. */
    share: share(),
  })
  .strict();

export const FringeSchema = z
  .object({
    /**
     * Running hashrate of the fringe at the start (EH/s), or 'realized': the realized hashrate of the
     * last retarget epoch completed before the start (from the real retarget data) minus the agents'
     * running hashrate at the start, so the network starts at the real network's hashrate.
     */
    hashrateEHs: z.union([nonneg(), z.literal('realized')]),
    /**
     * false: an exogenous background that runs its start hashrate throughout (no switching, investment
     * or retirement), for studies that isolate the agents; machines agents release still go to its
     * secondary market, and stay there.
     */
    responsive: z.boolean().default(true),
    /**
     * 'history': the fleet at the start is inferred from the real network's realized hashrate of the
     * 4 years before (each quarter's net additions at that quarter's frontier efficiency; the frontier
     * at the start from the vendor table), as `hashsim calibrate` does with fleetAtStart: history;
     * `vintages` and `frontier.efficiencyJPerTH` are then not used. 'vintages': as given below.
     */
    fleet: z.enum(['vintages', 'history']).default('vintages'),
    /** Installed capacity by efficiency class at the start (shares sum to 1). */
    vintages: z
      .array(VintageSchema)
      .min(1)
      .default([
        { efficiencyJPerTH: 13.5, share: 0.15 },
        { efficiencyJPerTH: 16.5, share: 0.3 },
        { efficiencyJPerTH: 20, share: 0.3 },
        { efficiencyJPerTH: 25, share: 0.15 },
        { efficiencyJPerTH: 30, share: 0.1 },
      ]),
    /** Power price ($/MWh) across the fringe's sites: lognormal, cut into equal-probability bins. */
    powerPrice: z
      .object({
        medianUsdPerMWh: z.number().positive().default(40),
        sigmaLog: z.number().positive().max(3).default(0.4),
        bins: z.number().int().min(2).max(64).default(12),
      })
      .strict()
      .default({ medianUsdPerMWh: 40, sigmaLog: 0.4, bins: 12 }),
    /** Variable non-power cost (hosting markup, maintenance, pool fee) as a share of power cost. */
    overheadShare: z.number().min(0).max(5).default(0.05),
    switching: z
      .object({
        /** Running machines switch off when revenue < cost x (1 - offMarginShare). */
        offMarginShare: z.number().min(0).lt(1).default(0.1),
        /** Idle machines restart when revenue > cost x (1 + restartMarginShare) (restart costs). */
        restartMarginShare: z.number().min(0).max(5).default(0.1),
        /** Largest change of a cell's running share per day (share of its installed capacity). */
        rampSharePerDay: z.number().positive().max(1).default(0.02),
      })
      .strict()
      .default({ offMarginShare: 0.1, restartMarginShare: 0.1, rampSharePerDay: 0.02 }),
    retirement: z
      .object({
        /** Mean days an idle machine waits before it is sold to the secondary market (hazard 1/mean). */
        idleDaysMean: z.number().positive().default(180),
      })
      .strict()
      .default({ idleDaysMean: 180 }),
    secondary: z
      .object({
        /** Power price of the buyers of used machines ($/MWh; hydro and flare sites). */
        buyerPowerPriceUsdPerMWh: nonneg().default(35),
        /**
         * A used machine finds a buyer only while hashprice > the buyer's power cost x (1 + this): the
         * margin that pays for the machine, its transport and hosting (cheap-power sites are scarce).
         */
        resaleMarginShare: z.number().min(0).max(10).default(0.5),
        /** Mean days a used machine that a buyer would take waits for one (hazard 1 / mean). */
        resaleDaysMean: z.number().positive().default(90),
        /** Mean days a used machine that cannot cover even the buyer's power waits before it is scrapped. */
        scrapDaysMean: z.number().positive().default(365),
      })
      .strict()
      .default({ buyerPowerPriceUsdPerMWh: 35, resaleMarginShare: 0.5, resaleDaysMean: 90, scrapDaysMean: 365 }),
    investment: z
      .object({
        enabled: z.boolean().default(true),
        /** New machines are ordered when their payback (days, halvings included) is below this. */
        paybackThresholdDays: z.number().positive().default(600),
        /** Orders per year as a share of installed capacity when payback -> 0 (the intensity's ceiling). */
        maxOrdersShareAnnual: z.number().min(0).max(10).default(3),
        /** Days from order to hashing. */
        deliveryLagDays: z.number().int().positive().max(3650).default(120),
        /** Time constant (days) of the hashprice average investors look at. */
        expectationDays: z.number().positive().default(30),
        /** Width (days) of the vintage classes deliveries are grouped in. */
        vintageDays: z.number().int().positive().default(90),
      })
      .strict()
      .default({ enabled: true, paybackThresholdDays: 600, maxOrdersShareAnnual: 3, deliveryLagDays: 120, expectationDays: 30, vintageDays: 90 }),
    asicPrice: z
      .object({
        /** Price of a frontier machine (USD/TH) when the averaged hashprice is the reference. */
        usdPerTHAtRef: z.number().positive().default(15),
        refHashpriceUsdPerPhDay: z.number().positive().default(45),
        /** Elasticity of the ASIC price to hashprice: price = ref x (hashprice / refHashprice)^elasticity. */
        hashpriceElasticity: z.number().min(0).max(3).default(0.5),
      })
      .strict()
      .default({ usdPerTHAtRef: 15, refHashpriceUsdPerPhDay: 45, hashpriceElasticity: 0.5 }),
    /**
     * Known capacity events (inputs, not fitted noise), e.g. the 2021 China mining ban (~-45% of
     * hashrate May-July 2021): from `day`, `share` of the capacity installed then is taken out
     * evenly over `overDays` days and sent to the secondary market, where it is resold as buyers
     * find it (so it comes back at the secondary market's pace) or scrapped.
     */
    capacityShocks: z
      .array(
        z
          .object({
            /** Day of the run the shock begins, or `date` (YYYY-MM-DD; days before the start are skipped). */
            day: z.number().int().nonnegative().optional(),
            date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' }).optional(),
            share: z.number().gt(0).max(1),
            overDays: z.number().int().positive().default(1),
          })
          .strict()
          .refine((k) => (k.day === undefined) !== (k.date === undefined), { error: 'expected either day or date' }),
      )
      .default([]),
    /**
     * What the supply model misses (weather, relocations, unmodelled events) as noise on the fringe's
     * running hashrate: x exp(e), e ~ N(0, sdLog^2) drawn afresh every periodDays (seeded per run). A
     * calibration set's model error (likelihood.modelErrorLog) is applied here, so bands carry it.
     */
    noise: z
      .object({
        sdLog: z.number().min(0).max(2).default(0),
        periodDays: z.number().int().positive().default(14),
      })
      .strict()
      .default({ sdLog: 0, periodDays: 14 }),
    frontier: z
      .object({
        /** Efficiency of the best machines shipping at the start (J/TH). */
        efficiencyJPerTH: z.number().positive().default(13.5),
        /** Continuous annual rate at which the frontier J/TH falls. */
        declineAnnual: z.number().min(0).max(1).default(0.15),
      })
      .strict()
      .default({ efficiencyJPerTH: 13.5, declineAnnual: 0.15 }),
  })
  .strict()
  .superRefine((f, ctx) => {
    const total = f.vintages.reduce((a, v) => a + v.share, 0);
    if (Math.abs(total - 1) > 1e-6) {
      ctx.addIssue({ code: 'custom', path: ['vintages'], message: `expected vintage shares summing to 1, got ${total}` });
    }
  });
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
    const { loan, treasuryBtc } = m as { loan?: { principalUsd?: unknown; originationLtv?: unknown; startLtv?: unknown }; treasuryBtc?: unknown };
    const principal = loan?.principalUsd;
    // The lowest start LTV the loan can draw needs the most collateral.
    const given = loan?.startLtv ?? loan?.originationLtv ?? 0.5;
    const parsed = DistSchema.safeParse(given);
    const ltv = parsed.success ? distSupport(parsed.data)[0] : undefined;
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
          `(principalUsd / (start LTV ${ltv} x start price ${p0}); the start LTV is startLtv, else originationLtv, ` +
          `at its lowest) but treasuryBtc is ${btc}; lower principalUsd or raise treasuryBtc or the start LTV`,
      });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Security metrics (engine/security.ts; docs/MODEL.md, "Security").

/**
 * Pool shares of the network's hashrate at the start, approximately as published for 2025-26
 * (mempool.space and hashrateindex pool statistics, rounded; docs/MODEL.md lists the sources). The
 * rest (here 5%) is many small pools and solo miners.
 */
export const DEFAULT_POOLS: readonly { name: string; share: number }[] = [
  { name: 'Foundry USA', share: 0.3 },
  { name: 'AntPool', share: 0.18 },
  { name: 'ViaBTC', share: 0.12 },
  { name: 'F2Pool', share: 0.1 },
  { name: 'SpiderPool', share: 0.08 },
  { name: 'MARA Pool', share: 0.05 },
  { name: 'Luxor', share: 0.04 },
  { name: 'SECPOOL', share: 0.03 },
  { name: 'Binance Pool', share: 0.03 },
  { name: 'Braiins', share: 0.02 },
];

export const SecuritySchema = z
  .object({
    /** Length of the attack the attack cost prices (hours). */
    attackHours: z.number().positive().max(8760).default(24),
    /** Power price the attacker pays (USD/MWh). */
    attackerPowerUsdPerMWh: z.number().min(0).max(1000).default(50),
    /** Lowest price of a used machine as a share of a new one's (scrap and resale floor). */
    usedPriceFloorShare: frac().default(0.05),
    /** Without a fringe supply (no ASIC market in the scenario): new machines' price and efficiency. */
    asicUsdPerTH: z.number().positive().max(1000).default(15),
    frontierJPerTH: z.number().positive().max(1000).default(13.5),
    /** Pools and their shares of the network's hashrate at the start (shares sum to at most 1). */
    pools: z
      .array(z.object({ name: z.string().min(1), share: z.number().min(0).max(1) }).strict())
      .default([...DEFAULT_POOLS]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const total = s.pools.reduce((a, p) => a + p.share, 0);
    if (total > 1 + 1e-9) ctx.addIssue({ code: 'custom', path: ['pools'], message: `expected pool shares summing to at most 1, got ${total}` });
    const seen = new Set<string>();
    s.pools.forEach((p, k) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['pools', k, 'name'], message: `duplicate pool name "${p.name}"` });
      seen.add(p.name);
    });
  });
export type SecurityConfig = z.infer<typeof SecuritySchema>;

/** Named miners' `pool` must name one of the scenario's pools. */
export function poolIssues(miners: unknown, security: unknown): ScenarioIssue[] {
  if (!Array.isArray(miners)) return [];
  const pools = (security as { pools?: { name?: unknown }[] } | undefined)?.pools ?? DEFAULT_POOLS;
  const names = new Set(pools.map((p) => p.name));
  const out: ScenarioIssue[] = [];
  miners.forEach((m: unknown, i) => {
    const pool = (m as { pool?: unknown } | null)?.pool;
    if (typeof pool === 'string' && !names.has(pool)) {
      out.push({ path: ['miners', i, 'pool'], message: `unknown pool "${pool}"; expected one of ${[...names].join(', ')}` });
    }
  });
  return out;
}

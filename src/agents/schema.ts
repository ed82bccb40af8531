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
    curtail: z.boolean().default(true).describe('Switch machines off when unprofitable; false: they run regardless of margin (e.g. hedged power).'),
    /** Running machines switch off when revenue/power cost < 1 + minMarginShare - hysteresisShare. */
    minMarginShare: z.number().min(-1).max(10).default(0).describe('Required margin of revenue over power cost, a fraction (0.1 means revenue 10% above power cost).'),
    /** Idle machines switch on when revenue/power cost > 1 + minMarginShare + hysteresisShare (restart costs). */
    hysteresisShare: frac().default(0.1).describe('Half-width of the band of inaction around cost x (1 + minMarginShare), a fraction (0.1 means 10%): restart costs.'),
    /**
     * Relative spread of power costs within a cohort (units, racks and site contracts differ): costs
     * are uniform over cost x [1 - spread, 1 + spread] and the cheapest machines run first, so a
     * cohort curtails progressively (agents/utilisation.ts). 0: the whole cohort switches at once.
     */
    costSpreadShare: z.number().min(0).lt(1).default(0.25).describe('Relative spread of power costs within a cohort, a fraction in [0, 1): costs are uniform over cost x [1 - spread, 1 + spread] (0: the cohort switches at once).'),
    /** Largest change of a cohort's running share per day (crews, power contracts, demand response). */
    rampSharePerDay: z.number().positive().max(1).default(0.05).describe("Largest change of a cohort's running share per day, a fraction (0.05 means 5% of the cohort a day)."),
    /**
     * A cohort with idle machines this many days in a row sells its idle part to the secondary
     * market (the network supply's; docs/MODEL.md): it leaves the miner, not the world.
     */
    retireAfterCurtailedDays: z.number().int().positive().default(180).describe('Days in a row with idle machines after which a cohort sells its idle part to the secondary market.'),
  })
  .strict();

export const TreasuryPolicySchema = z
  .object({
    /**
     * hodl: never sell voluntarily; sell-all: sell all BTC mined each step; sell-fraction: sell
     * `sellFraction` of BTC mined each step; keep-cash: sell (from the whole treasury) whenever cash is
     * below `cashDays` days of costs, up to that level.
     */
    mode: z.enum(['hodl', 'sell-all', 'sell-fraction', 'keep-cash']).default('sell-all').describe('What to do with mined BTC: hodl (never sell voluntarily), sell-all (each step), sell-fraction (sellFraction of it), keep-cash (sell from the treasury to keep cashDays of costs).'),
    sellFraction: frac().default(0.5).describe('With mode sell-fraction: the fraction of BTC mined sold each step (0.5 means half).'),
    cashDays: nonneg().default(30).describe('With mode keep-cash: cash target, in days of costs (power + opex + interest).'),
    /** Strategic de-leveraging: when loan LTV >= this, sell treasury BTC to repay debt. null = off. */
    deleverageAtLtv: z.number().positive().nullable().default(null).describe('Strategic de-leveraging: when the loan LTV reaches this (a fraction), sell treasury BTC to repay debt; null: off.'),
    /** ... down to this LTV (or until the treasury is empty). */
    deleverageToLtv: frac().default(0.3).describe('... down to this LTV (a fraction), or until the treasury is empty.'),
  })
  .strict();

export const FinancingPolicySchema = z
  .object({
    /** How a cash shortfall or capex is financed: sell treasury BTC first, or borrow against it first. */
    order: z.enum(['sell-first', 'borrow-first']).default('sell-first').describe('How a cash shortfall or capex is financed: sell treasury BTC first, or borrow against it first.'),
    /** Whether the miner may borrow at all (against its BTC, on its loan terms). */
    borrow: z.boolean().default(true).describe('Whether the miner may borrow at all (against its BTC, on its loan terms).'),
    /** On a margin call: post more BTC as collateral, or sell BTC to repay debt. */
    marginCallResponse: z.enum(['post-collateral', 'repay']).default('post-collateral').describe('On a margin call: post more BTC as collateral, or sell BTC to repay debt.'),
  })
  .strict();

export const ExpandPolicySchema = z
  .object({
    enabled: z.boolean().default(false).describe('Whether the miner orders new machines.'),
    /** Order new machines when their payback at the current hashprice is shorter than this. */
    paybackDays: z.number().positive().default(365).describe('Order new machines when their payback at the current hashprice is shorter than this (days).'),
    machineUsdPerTH: z.number().positive().default(15).describe('Price of new machines (USD per TH/s).'),
    efficiencyJPerTH: z.number().positive().default(15).describe('Efficiency of new machines (J/TH).'),
    deliveryLagDays: z.number().int().nonnegative().default(90).describe('Days from order to delivery (hashing).'),
    /** Largest single order as a share of the miner's installed hashrate. */
    maxOrderShareOfFleet: z.number().positive().default(0.25).describe("Largest single order as a fraction of the miner's installed hashrate (0.25 means 25%; at most 10)."),
    /** Whether capex may be financed by selling/borrowing (else only cash above the reserve). */
    financeCapex: z.boolean().default(false).describe('Whether capex may be financed by selling/borrowing BTC (else only cash above the reserve).'),
    /** Days between orders (evaluation cadence). */
    cooldownDays: z.number().int().nonnegative().default(30).describe('Days between orders (evaluation cadence).'),
  })
  .strict();

export const AiFinancingSchema = z
  .object({
    /** Share of a deal's capex the tenant prepays at signing (recouped from its rent over the contract term). */
    prepaymentShare: frac().default(0.1).describe("Fraction of a deal's capex the tenant prepays at signing (recouped from its rent over the term)."),
    /** Share of a deal's capex raised at signing by convertible / high-yield notes. */
    notesShare: frac().default(0.5).describe("Fraction of a deal's capex raised at signing by convertible / high-yield notes."),
    /** Annual coupon of those notes (paid every step out of cash). */
    notesCouponAnnual: z.number().min(0).max(1).default(0.05).describe('Annual coupon of the notes, a fraction (0.05 means 5% a year; paid every step out of cash).'),
    /** Term of the notes (days); at maturity they are refinanced at the same coupon or repaid from cash. */
    notesTermDays: z.number().int().positive().max(36_500).default(1825).describe('Term of the notes (days); at maturity they are refinanced at the same coupon or repaid.'),
    notesAtMaturity: z.enum(['refinance', 'repay']).default('refinance').describe('At maturity of the notes: refinance them, or repay them from cash.'),
  })
  .strict()
  .refine((f) => f.prepaymentShare + f.notesShare <= 1 + 1e-12, {
    message: 'expected prepaymentShare + notesShare <= 1 (the sources fund at most the whole capex)',
  });

export const AiPivotPolicySchema = z
  .object({
    enabled: z.boolean().default(false).describe('Whether the miner considers converting sites to AI/HPC hosting.'),
    /** Contracted AI-hosting revenue per MW-year (USD). */
    revenueUsdPerMwYear: nonneg().default(1_600_000).describe('Contracted AI-hosting revenue (USD per MW-year).'),
    /** Net operating income as a share of AI revenue. */
    marginShare: frac().default(0.8).describe('Net operating income as a fraction of AI revenue (0.8 means 80%).'),
    /** Conversion capex per MW (USD), drawn over the build. */
    capexUsdPerMw: nonneg().default(9_500_000).describe('Conversion capex (USD per MW), drawn over the build.'),
    /** Share of the capex paid at signing; the rest is drawn evenly until the lead time ends. */
    upfrontCapexShare: frac().default(0.2).describe('Fraction of the capex paid at signing; the rest is drawn evenly until the lead time ends.'),
    /** Days from signing to AI revenue. */
    leadTimeDays: z.number().int().nonnegative().max(3650).default(540).describe('Days from signing to AI revenue.'),
    /** Share of the lead time the converting MW keep mining (halls are converted last). */
    miningUntilShare: frac().default(0.5).describe('Fraction of the lead time the converting MW keep mining (halls are converted last).'),
    contractYears: z.number().positive().max(50).default(12).describe('Length of an AI-hosting contract (years).'),
    /** Probability that a contract renews once for another term (valued in the NPV). */
    renewalProbability: frac().default(0.5).describe('Probability (0 to 1) that a contract renews once for another term (valued in the NPV).'),
    /** Annual cost of capital the deal is discounted at (> -1). */
    costOfCapitalAnnual: z.number().gt(-1).max(5).default(0.1).describe('Annual cost of capital the deal is discounted at, a fraction (0.1 means 10% a year).'),
    /** The miner's expected continuous drift of hashprice per year (besides the scheduled halving). */
    hashpriceDriftAnnual: z.number().min(-5).max(5).default(-0.15).describe("The miner's expected continuous drift of hashprice per year, a fraction (-0.15 means -15% a year; halvings come on top)."),
    /** Convert when NPV per MW > this share of capex per MW (0: any positive NPV). */
    hurdleShareOfCapex: z.number().min(0).max(10).default(0).describe('Convert when NPV per MW exceeds this fraction of capex per MW (0: any positive NPV).'),
    /**
     * Dispersion of each miner's view of AI revenue (log sd): per run, a miner values deals at
     * revenue x exp(sd z - sd^2 / 2), z ~ N(0, 1), so decisions do not fire in lockstep.
     */
    beliefSdLog: z.number().min(0).max(2).default(0.2).describe("Dispersion (log sd) of each miner's view of AI revenue, so decisions do not fire in lockstep."),
    /** Days between a miner's reviews of the AI option (each miner at its own random phase). */
    reviewDays: z.number().int().positive().max(3650).default(30).describe("Days between a miner's reviews of the AI option (each miner at its own random phase)."),
    /** Share of a site's AI-convertible MW converted per deal (one build per site at a time). */
    trancheShare: z.number().positive().max(1).default(0.5).describe("Fraction of a site's AI-convertible MW converted per deal (one build per site at a time)."),
    /** Time constant (days) of the exponential average of hashprice the decision starts from. */
    lookbackDays: z.number().positive().default(30).describe('Time constant (days) of the exponential average of hashprice the decision starts from.'),
    /** Whether the miner's own share of capex may be raised by selling/borrowing BTC (else cash only). */
    financeCapex: z.boolean().default(true).describe("Whether the miner's own share of capex may be raised by selling/borrowing BTC (else cash only)."),
    financing: AiFinancingSchema.default({ prepaymentShare: 0.1, notesShare: 0.5, notesCouponAnnual: 0.05, notesTermDays: 1825, notesAtMaturity: 'refinance' }).describe("How a deal's capex is funded: tenant prepayment and notes (fractions of capex); the miner funds the rest."),
  })
  .strict();

export const ExitPolicySchema = z
  .object({
    /** Exit when cash stays below this after all financing options are used. */
    minCashUsd: z.number().default(0).describe('Exit when cash stays below this (USD) after all financing options are used.'),
  })
  .strict();

/**
 * Overrides of a policy: every field optional and WITHOUT its default (zod's `.partial()` would keep
 * the defaults and silently override the strategy's own values).
 */
function overridesOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>, meta: { id: string; description: string }): z.ZodType<Partial<z.infer<z.ZodObject<T>>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(schema.shape)) {
    const inner = v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType);
    // The description stays (it documents the field); the default is the strategy's, shown in words.
    const d = (v as z.ZodType).description;
    const dv: unknown = v instanceof z.ZodDefault ? (v as z.ZodDefault<z.ZodType>).def.defaultValue : undefined;
    const dflt = dv === undefined || (typeof dv === 'object' && dv !== null) ? undefined : JSON.stringify(dv);
    shape[k] = d === undefined ? inner.optional() : inner.optional().describe(dflt === undefined ? d : `${d} Policy default: ${dflt} (the strategy may set another).`);
  }
  return z.object(shape).strict().meta(meta) as unknown as z.ZodType<Partial<z.infer<z.ZodObject<T>>>>;
}

export const PoliciesSchema = z
  .object({
    operate: overridesOf(OperatePolicySchema, { id: 'OperatePolicy', description: 'Operate policy: when machines run or idle (curtailment by margin over power cost).' })
      .optional()
      .describe('Overrides of the operate policy: curtailment by margin over power cost.'),
    treasury: overridesOf(TreasuryPolicySchema, { id: 'TreasuryPolicy', description: 'Treasury policy: what happens to mined BTC, cash target, strategic de-leveraging.' })
      .optional()
      .describe('Overrides of the treasury policy: selling mined BTC, cash target, de-leveraging.'),
    financing: overridesOf(FinancingPolicySchema, { id: 'FinancingPolicy', description: 'Financing policy: sell or borrow first, margin-call response.' })
      .optional()
      .describe('Overrides of the financing policy: sell or borrow first, margin-call response.'),
    expand: overridesOf(ExpandPolicySchema, { id: 'ExpandPolicy', description: 'Expand policy: ordering new machines by payback.' })
      .optional()
      .describe('Overrides of the expand policy: ordering new machines by payback.'),
    aiPivot: overridesOf(AiPivotPolicySchema, { id: 'AiPivotPolicy', description: 'AI pivot policy: converting mining MW to AI/HPC hosting by NPV.' })
      .optional()
      .describe('Overrides of the AI pivot policy: converting mining MW to AI/HPC hosting.'),
    exit: overridesOf(ExitPolicySchema, { id: 'ExitPolicy', description: 'Exit policy: when the miner gives up.' })
      .optional()
      .describe('Overrides of the exit policy: when the miner gives up.'),
  })
  .strict()
  .meta({
    id: 'Policies',
    description: 'Per-parameter overrides of a strategy\'s policies (operate, treasury, financing, expand, aiPivot, exit); unset parameters keep the strategy\'s values.',
    examples: [{ treasury: { mode: 'hodl' }, operate: { minMarginShare: 0.05 } }],
  });
export type PoliciesInput = z.infer<typeof PoliciesSchema>;

/** Named strategy bundles a scenario may define (in addition to the built-in ones). */
export const StrategyBundleSchema = PoliciesSchema;
export const StrategiesSchema = z.record(z.string().min(1).describe('Strategy name.'), StrategyBundleSchema);

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
    name: z.string().optional().describe('Name of the site (for reports).'),
    mw: z.number().positive().describe('Power capacity of the site (MW).'),
    powerPriceUsdPerMWh: nonneg().describe('Power price at the site (USD/MWh).'),
    /** Share of this site's MW that could be converted to AI/HPC hosting. */
    aiConvertibleShare: frac().default(0.5).describe("Fraction of this site's MW that could be converted to AI/HPC hosting (0.5 means half)."),
  })
  .strict()
  .meta({ id: 'Site', description: 'A mining site: power capacity (MW) and power price (USD/MWh).', examples: [{ name: 'texas', mw: 300, powerPriceUsdPerMWh: 35 }] });

export const CohortSchema = z
  .object({
    /** Either units x thPerUnit, or hashrateEHs. */
    units: z.number().int().positive().optional().describe('Number of machines (with thPerUnit; or give hashrateEHs).'),
    thPerUnit: z.number().positive().optional().describe('Hashrate of one machine (TH/s).'),
    hashrateEHs: z.number().positive().optional().describe('Hashrate of the cohort (EH/s), instead of units x thPerUnit.'),
    efficiencyJPerTH: z.number().positive().describe('Efficiency of the machines (J/TH).'),
    ageDays: nonneg().default(0).describe('Age of the machines at the start (days).'),
    /** Index of the site (in `sites`) that hosts this cohort. */
    site: z.number().int().nonnegative().default(0).describe('Index of the site (in sites) that hosts this cohort.'),
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
  })
  .meta({ id: 'Cohort', description: 'Machines of one model at one site: units x thPerUnit (TH/s) or hashrateEHs, and efficiency (J/TH).', examples: [{ units: 10000, thPerUnit: 200, efficiencyJPerTH: 17.5, site: 0 }] });

const bound = {
  min: z.number().optional().describe('Lower clamp of the draws (in the field\'s unit).'),
  max: z.number().optional().describe('Upper clamp of the draws (in the field\'s unit).'),
};
const lit = <const T extends string>(name: T, what: string) => z.literal(name).describe(what);
export const DistSchema = z
  .union([
    z.number().describe('A fixed value (in the field\'s unit).'),
    z
      .object({ dist: lit('fixed', 'Always the same value.'), value: z.number().describe('The value (in the field\'s unit).') })
      .strict()
      .describe('A fixed value.'),
    z
      .object({
        dist: lit('uniform', 'Uniform between min and max.'),
        min: z.number().describe('Smallest value (in the field\'s unit).'),
        max: z.number().describe('Largest value (in the field\'s unit).'),
      })
      .strict()
      .describe('Uniform between min and max.'),
    z
      .object({
        dist: lit('lognormal', 'Lognormal: median x exp(sigma Z), optionally clamped to [min, max].'),
        median: z.number().positive().describe('Median of the draws (in the field\'s unit).'),
        sigma: nonneg().describe('Standard deviation of the log of the draws.'),
        ...bound,
      })
      .strict()
      .describe('Lognormal, optionally clamped.'),
    z
      .object({
        dist: lit('normal', 'Normal: mean + sd Z, optionally clamped to [min, max].'),
        mean: z.number().describe('Mean of the draws (in the field\'s unit).'),
        sd: nonneg().describe('Standard deviation of the draws (in the field\'s unit).'),
        ...bound,
      })
      .strict()
      .describe('Normal, optionally clamped.'),
    z
      .object({
        dist: lit('triangular', 'Triangular between min and max with its peak at mode.'),
        min: z.number().describe('Smallest value (in the field\'s unit).'),
        mode: z.number().describe('Most likely value (in the field\'s unit).'),
        max: z.number().describe('Largest value (in the field\'s unit).'),
      })
      .strict()
      .describe('Triangular.'),
    z
      .object({
        dist: lit('beta', 'Beta(a, b) scaled to [0, scale].'),
        a: z.number().positive().describe('First shape parameter of the beta distribution.'),
        b: z.number().positive().describe('Second shape parameter of the beta distribution.'),
        scale: z.number().positive().default(1).describe('Upper end of the support (draws lie in [0, scale]).'),
      })
      .strict()
      .describe('Beta, scaled.'),
  ])
  .meta({
    id: 'Distribution',
    description: 'A number, or a distribution to draw it from (per miner or per loan): { dist: fixed | uniform | lognormal | normal | triangular | beta, ... }.',
    examples: [0.5, { dist: 'uniform', min: 30, max: 80 }, { dist: 'lognormal', median: 0.05, sigma: 1, max: 20 }],
  });
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
    principalUsd: nonneg().default(0).describe('Debt outstanding at the start (USD).'),
    /**
     * LTV the lender lends at (new borrowing, and the level a margin call or a refinancing restores);
     * drawn per loan when a distribution.
     */
    originationLtv: LoanTerm.default(0.5).describe("LTV (a fraction of the collateral's value) the lender lends at: new borrowing, and the level a margin call or refinancing restores; a number or a distribution (drawn per loan)."),
    /**
     * LTV of the opening loan at the start (it was originated earlier, at another price); drawn per loan.
     * Default: the origination LTV. Collateral at the start = principalUsd / (startLtv x start price).
     */
    startLtv: LoanTerm.optional().describe('LTV (a fraction) of the opening loan at the start; default: originationLtv. Collateral at the start = principalUsd / (startLtv x start price).'),
    rateAnnual: z.number().min(0).max(1).default(0.085).describe('Interest rate per year, a fraction (0.085 means 8.5% a year).'),
    /** Lender's margin-call threshold (LTV); drawn per loan when a distribution. */
    marginCallLtv: LoanTerm.default(0.7).describe('Margin-call threshold LTV (a fraction); a number or a distribution (drawn per loan).'),
    /** Days a margin call may stay open before the lender liquidates; drawn per loan (rounded). */
    cureDays: LoanTerm.default(2).describe('Days a margin call may stay open before the lender liquidates (drawn per loan, rounded).'),
    /** Lender's liquidation threshold (LTV); drawn per loan when a distribution. */
    liquidationLtv: LoanTerm.default(0.88).describe('Liquidation threshold LTV (a fraction, at most 1); a number or a distribution (drawn per loan).'),
    /** Lender's liquidation penalty as a share of the debt. */
    penaltyShare: frac().default(0.04).describe("Lender's liquidation penalty as a fraction of the debt (0.04 means 4%; formerly penaltyPct)."),
    /** Credit limit for new borrowing (USD); null = limited only by collateral. */
    maxPrincipalUsd: nonneg().nullable().default(null).describe('Credit limit for new borrowing (USD); null: limited only by collateral.'),
    /** Term of the loan (days); null: open-ended (no maturity). */
    termDays: z.number().int().positive().max(36_500).nullable().default(null).describe('Term of the loan (days); null: open-ended (no maturity).'),
    /** Days since the opening loan was originated, at the start (drawn per loan): it matures at termDays - ageDays. */
    ageDays: LoanTerm.default(0).describe('Days since the opening loan was originated, at the start (drawn per loan): it matures at termDays - ageDays.'),
    /** At maturity: roll over at the origination LTV (paying down to it first), or repay in full. */
    atMaturity: z.enum(['refinance', 'repay']).default('refinance').describe('At maturity: roll over at the origination LTV (paying down to it first), or repay in full.'),
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
    // Each threshold's own range first; the order between them is checked only when every one is in
    // range (else a wild value, e.g. marginCallLtv: 1e300, would be reported at its neighbour).
    let inRange = true;
    const range = (ok: boolean, path: string, message: string) => {
      if (!ok) {
        inRange = false;
        bad(path, message);
      }
    };
    range(o0 > 0 && o1 < 1, 'originationLtv', `expected LTVs in (0, 1); the distribution can draw ${o0} .. ${o1}`);
    range(s0 > 0, 'startLtv', `expected LTVs > 0; the distribution can draw ${s0}`);
    range(m0 > 0 && m1 < 1, 'marginCallLtv', `expected LTVs in (0, 1); the distribution can draw ${m0} .. ${m1}`);
    range(q1 <= 1, 'liquidationLtv', `expected an LTV <= 1; the distribution can draw ${q1}`);
    if (!inRange) return;
    if (!(o1 < m0)) bad('marginCallLtv', `expected every margin-call LTV above every origination LTV (origination up to ${o1}, margin call from ${m0})`);
    if (!(s1 < m0)) bad('startLtv', `expected start LTVs below the margin-call LTV (start up to ${s1}, margin call from ${m0})`);
    if (!(m1 < q0)) bad('liquidationLtv', `expected every liquidation LTV above every margin-call LTV (margin call up to ${m1}, liquidation from ${q0})`);
    if (!(c0 >= 0)) bad('cureDays', `expected cure days >= 0; the distribution can draw ${c0}`);
    if (!(a0 >= 0)) bad('ageDays', `expected ages >= 0; the distribution can draw ${a0}`);
  })
  .meta({
    id: 'Loan',
    description: 'A BTC-backed loan: principal (USD), LTV thresholds (fractions of the collateral value), rate, penalty, term; terms may be distributions drawn per loan.',
    examples: [{ principalUsd: 50_000_000, originationLtv: 0.5, marginCallLtv: 0.7, liquidationLtv: 0.85, rateAnnual: 0.09 }],
  });
export type LoanConfig = z.infer<typeof LoanSchema>;

export const PayoutSchema = z
  .discriminatedUnion('scheme', [
    z
      .object({
        scheme: z.literal('fpps').describe('Full pay per share: paid by a pool for hashrate, not by luck.'),
        feeShare: frac().default(0.025).describe('Pool fee as a fraction of the payout (0.025 means 2.5%; formerly feePct).'),
      })
      .strict()
      .meta({ id: 'PayoutFpps', description: 'FPPS payout from a pool, net of its fee.' }),
    z
      .object({ scheme: z.literal('solo').describe('Solo mining: the miner gets the blocks it finds.') })
      .strict()
      .meta({ id: 'PayoutSolo', description: 'Solo mining: block rewards by luck.' }),
  ])
  .default({ scheme: 'fpps', feeShare: 0.025 })
  .meta({ description: 'How the miner is paid: { scheme: fpps, feeShare } (a pool, net of its fee) or { scheme: solo }.', examples: [{ scheme: 'fpps', feeShare: 0.02 }, { scheme: 'solo' }] });

const StrategyRefFields = {
  /** Built-in ('seller', 'hodler', 'deleverager', 'ai-pivoter', 'expander', 'passive') or scenario-defined. */
  strategy: z
    .string()
    .default('seller')
    .meta({ description: "Strategy name: built-in (seller, hodler, deleverager, ai-pivoter, expander, passive) or one of the scenario's strategies.", examples: ['seller', 'hodler'] }),
  /** Per-parameter overrides of the strategy's policies. */
  policies: PoliciesSchema.default({}).describe("Per-parameter overrides of the strategy's policies."),
  /** Path of a user strategy module (loaded by the shell, passed to simulate in `strategies`). */
  strategyModule: z.string().optional().describe('Path of a user strategy module (.js/.mjs/.ts), relative to the scenario file.'),
};

export const MinerSchema = z
  .object({
    name: z.string().min(1).meta({ description: 'Name of the miner (unique; reported one by one).', examples: ['big-public-miner'] }),
    // Shorthand for a single site with a single cohort.
    hashrateEHs: z.number().positive().optional().meta({ description: 'Shorthand for one site with one cohort: installed hashrate (EH/s); needs efficiencyJPerTH and powerPriceUsdPerMWh.', examples: [50] }),
    efficiencyJPerTH: z.number().positive().optional().describe('Shorthand: efficiency of the fleet (J/TH).'),
    powerPriceUsdPerMWh: nonneg().optional().describe('Shorthand: power price (USD/MWh).'),
    /** Site MW for the shorthand form; default: the fleet's MW x (1 + 0.1 headroom). */
    siteMw: z.number().positive().optional().describe("Shorthand: site capacity (MW); default: the fleet's draw x 1.1 (10% headroom)."),
    aiConvertibleShare: frac().optional().describe("Shorthand: fraction of the site's MW that could be converted to AI/HPC hosting (default 0.5)."),
    sites: z.array(SiteSchema).optional().describe('Sites (MW, power price); with cohorts, instead of the shorthand.'),
    cohorts: z.array(CohortSchema).optional().describe('Machine cohorts, each at a site; with sites, instead of the shorthand.'),
    treasuryBtc: nonneg().default(0).describe('BTC held at the start (BTC).'),
    /** Cash at start; default: 30 days of power + opex at the start's economics. */
    cashUsd: nonneg().optional().describe("Cash at the start (USD); default: 30 days of power + opex at the start's economics."),
    /** Fixed opex (SG&A, non-power site costs); default 3 USD per PH/s of installed hashrate per day. */
    opexUsdPerDay: nonneg().optional().describe('Fixed opex: SG&A and non-power site costs (USD/day); default 3 USD per PH/s installed per day.'),
    loan: LoanSchema.optional().describe('A BTC-backed loan (opening debt and the terms of new borrowing); absent: default terms, no debt.'),
    payout: PayoutSchema,
    /** Mining pool the miner's hashrate goes to (a name in the scenario's `security.pools`); none: spread like the fringe. */
    pool: z.string().min(1).optional().meta({ description: "Mining pool the miner's hashrate goes to (a name in security.pools); absent: spread like the fringe.", examples: ['Foundry USA'] }),
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
  })
  .meta({
    id: 'Miner',
    description: 'A named miner: fleet (EH/s, J/TH) at sites (MW, USD/MWh), balance sheet (BTC, USD), loan, payout and strategy. Either the shorthand hashrateEHs + efficiencyJPerTH + powerPriceUsdPerMWh, or sites + cohorts.',
    examples: [{ name: 'big-public-miner', hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40, treasuryBtc: 40000, strategy: 'hodler' }],
  });
export type MinerConfig = z.infer<typeof MinerSchema>;
export type MinerInput = z.input<typeof MinerSchema>;

// ---------------------------------------------------------------------------------------------
// Generated populations: every per-miner quantity is a number or a distribution.



export const PopulationSchema = z
  .object({
    name: z.string().min(1).meta({ description: 'Name of the population (unique); its miners are named <name>-<i>.', examples: ['small-miners'] }),
    count: z.number().int().positive().meta({ description: 'Number of miners drawn.', examples: [200] }),
    hashrateEHs: DistSchema.default({ dist: 'lognormal', median: 0.05, sigma: 1, max: 20 }).describe("Each miner's installed hashrate (EH/s): a number or a distribution."),
    efficiencyJPerTH: DistSchema.default({ dist: 'triangular', min: 13.5, mode: 18, max: 30 }).describe("Each miner's fleet efficiency (J/TH): a number or a distribution."),
    powerPriceUsdPerMWh: DistSchema.default({ dist: 'uniform', min: 30, max: 80 }).describe("Each miner's power price (USD/MWh): a number or a distribution."),
    /** Free site MW beyond the fleet's draw, as a share of it. */
    siteHeadroomShare: DistSchema.default(0.1).describe("Free site MW beyond the fleet's draw, as a fraction of it (0.1 means 10%; at most 10; formerly siteHeadroomPct)."),
    aiConvertibleShare: DistSchema.default(0.5).describe("Fraction of each miner's site MW that could be converted to AI/HPC hosting (0 to 1)."),
    /** Starting treasury in days of the miner's production at the start's hashprice. */
    treasuryDays: DistSchema.default(30).describe("Starting treasury, in days of the miner's production at the start's hashprice (days)."),
    /** Starting cash in days of power + opex. */
    cashDays: DistSchema.default(30).describe('Starting cash, in days of power + opex (days).'),
    opexUsdPerPhDay: DistSchema.default(3).describe('Fixed opex (USD per PH/s installed per day).'),
    /** Leverage: starting loan LTV against the treasury (0 = no loan). */
    loanLtv: DistSchema.default(0).describe('Leverage: starting loan LTV against the treasury, a fraction (0: no loan).'),
    loan: LoanSchema.optional().describe('Loan terms of the miners (their opening debt comes from loanLtv).'),
    /** Probability that a miner has the AI pivot policy enabled. */
    aiPropensity: frac().default(0).describe('Probability (0 to 1) that a miner has the AI pivot policy enabled.'),
    /** Share of miners paid FPPS by a pool (the rest mine solo). */
    fppsShare: frac().default(0.9).describe('Fraction of the miners paid FPPS by a pool (0.9 means 90%; the rest mine solo).'),
    poolFeeShare: DistSchema.default(0.025).describe('Pool fee of the FPPS miners, a fraction of the payout (0.025 means 2.5%; formerly poolFeePct).'),
    /** A strategy name, or weights over strategy names. */
    strategy: z
      .union([z.string().describe('A strategy name.'), z.record(z.string(), nonneg()).describe('Weights over strategy names (each miner draws one).')])
      .default('seller')
      .meta({ description: 'A strategy name, or weights over strategy names (each miner draws one).', examples: ['seller', { seller: 0.7, hodler: 0.3 }] }),
    policies: PoliciesSchema.default({}).describe("Per-parameter overrides of the strategies' policies, for every miner of the population."),
    strategyModule: z.string().optional().describe('Path of a user strategy module (.js/.mjs/.ts), relative to the scenario file.'),
  })
  .strict()
  .meta({
    id: 'Population',
    description: 'Generated miners: count miners whose hashrate (EH/s), efficiency (J/TH), power price (USD/MWh), treasury and leverage are drawn from distributions.',
    examples: [{ name: 'small-miners', count: 200, hashrateEHs: { dist: 'lognormal', median: 0.05, sigma: 1, max: 20 } }],
  });
export type PopulationConfig = z.infer<typeof PopulationSchema>;

// ---------------------------------------------------------------------------------------------
// The network outside the agents ("fringe"): a capacity stock by efficiency vintage x power-price
// bin with a marginal-cost curve, investment, efficiency progress, retirement and a secondary market
// (agents/supply.ts; docs/MODEL.md, "Hashrate supply"). Every default has a source or prior there.

const share = () => z.number().min(0).max(1);

export const VintageSchema = z
  .object({
    /** Efficiency of the machines of this vintage class (J/TH). */
    efficiencyJPerTH: z.number().positive().describe('Efficiency of the machines of this vintage class (J/TH).'),
    /** Share of the fringe's installed capacity (EH/s) at the start in this class. */
    share: share().describe("Fraction of the fringe's installed capacity (EH/s) at the start in this class (shares sum to 1)."),
  })
  .strict()
  .meta({ id: 'Vintage', description: 'An efficiency class of the fringe fleet and its share of the capacity.', examples: [{ efficiencyJPerTH: 16.5, share: 0.3 }] });

export const FringeSchema = z
  .object({
    /**
     * Running hashrate of the fringe at the start (EH/s), or 'realized': the realized hashrate of the
     * last retarget epoch completed before the start (from the real retarget data) minus the agents'
     * running hashrate at the start, so the network starts at the real network's hashrate.
     */
    hashrateEHs: z
      .union([nonneg().describe('Running hashrate (EH/s).'), z.literal('realized').describe('The real network\'s realized hashrate minus the agents\'.')])
      .meta({ description: "Running hashrate of the fringe at the start (EH/s), or 'realized': the real network's hashrate of the last retarget epoch before the start minus the agents' hashrate.", examples: [900, 'realized'] }),
    /**
     * false: an exogenous background that runs its start hashrate throughout (no switching, investment
     * or retirement), for studies that isolate the agents; machines agents release still go to its
     * secondary market, and stay there.
     */
    responsive: z.boolean().default(true).describe('false: an exogenous background running its start hashrate throughout (no switching, investment or retirement).'),
    /**
     * 'history': the fleet at the start is inferred from the real network's realized hashrate of the
     * 4 years before (each quarter's net additions at that quarter's frontier efficiency; the frontier
     * at the start from the vendor table), as `hashsim calibrate` does with fleetAtStart: history;
     * `vintages` and `frontier.efficiencyJPerTH` are then not used. 'vintages': as given below.
     */
    fleet: z.enum(['vintages', 'history']).default('vintages').describe("The fleet at the start: 'vintages' as given, or 'history' inferred from the real network's hashrate of the 4 years before."),
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
      ]).describe('Installed capacity by efficiency class at the start (shares sum to 1).'),
    /** Power price ($/MWh) across the fringe's sites: lognormal, cut into equal-probability bins. */
    powerPrice: z
      .object({
        medianUsdPerMWh: z.number().positive().default(40).describe("Median power price of the fringe's sites (USD/MWh)."),
        sigmaLog: z.number().positive().max(3).default(0.4).describe('Dispersion of the power price across sites (standard deviation of its log).'),
        bins: z.number().int().min(2).max(64).default(12).describe('Number of equal-probability power-price bins the fringe is cut into.'),
      })
      .strict()
      .default({ medianUsdPerMWh: 40, sigmaLog: 0.4, bins: 12 }).describe("Power price (USD/MWh) across the fringe's sites: lognormal, cut into equal-probability bins."),
    /** Variable non-power cost (hosting markup, maintenance, pool fee) as a share of power cost. */
    overheadShare: z.number().min(0).max(5).default(0.05).describe('Variable non-power cost (hosting markup, maintenance, pool fee) as a fraction of power cost (0.05 means 5%; at most 5).'),
    switching: z
      .object({
        /** Running machines switch off when revenue < cost x (1 - offMarginShare). */
        offMarginShare: z.number().min(0).lt(1).default(0.1).describe('Running machines switch off when revenue < cost x (1 - offMarginShare), a fraction (0.1 means 10%).'),
        /** Idle machines restart when revenue > cost x (1 + restartMarginShare) (restart costs). */
        restartMarginShare: z.number().min(0).max(5).default(0.1).describe('Idle machines restart when revenue > cost x (1 + restartMarginShare), a fraction (restart costs).'),
        /** Largest change of a cell's running share per day (share of its installed capacity). */
        rampSharePerDay: z.number().positive().max(1).default(0.02).describe("Largest change of a cell's running share per day, a fraction of its installed capacity (0.02 means 2%)."),
      })
      .strict()
      .default({ offMarginShare: 0.1, restartMarginShare: 0.1, rampSharePerDay: 0.02 }).describe('When the fringe switches machines off and on (margins over power + overhead cost).'),
    retirement: z
      .object({
        /** Mean days an idle machine waits before it is sold to the secondary market (hazard 1/mean). */
        idleDaysMean: z.number().positive().default(180).describe('Mean days an idle machine waits before it is sold to the secondary market (hazard 1/mean).'),
      })
      .strict()
      .default({ idleDaysMean: 180 }).describe('Retirement of idle machines to the secondary market.'),
    secondary: z
      .object({
        /** Power price of the buyers of used machines ($/MWh; hydro and flare sites). */
        buyerPowerPriceUsdPerMWh: nonneg().default(35).describe('Power price of the buyers of used machines (USD/MWh; hydro and flare sites).'),
        /**
         * A used machine finds a buyer only while hashprice > the buyer's power cost x (1 + this): the
         * margin that pays for the machine, its transport and hosting (cheap-power sites are scarce).
         */
        resaleMarginShare: z.number().min(0).max(10).default(0.5).describe("A used machine finds a buyer only while hashprice > the buyer's power cost x (1 + this), a fraction."),
        /** Mean days a used machine that a buyer would take waits for one (hazard 1 / mean). */
        resaleDaysMean: z.number().positive().default(90).describe('Mean days a used machine that a buyer would take waits for one (hazard 1/mean).'),
        /** Mean days a used machine that cannot cover even the buyer's power waits before it is scrapped. */
        scrapDaysMean: z.number().positive().default(365).describe("Mean days a used machine that cannot cover even the buyer's power waits before it is scrapped."),
      })
      .strict()
      .default({ buyerPowerPriceUsdPerMWh: 35, resaleMarginShare: 0.5, resaleDaysMean: 90, scrapDaysMean: 365 }).describe('The secondary market of used machines: buyers, resale and scrapping.'),
    investment: z
      .object({
        enabled: z.boolean().default(true).describe('Whether the fringe orders new machines.'),
        /** New machines are ordered when their payback (days, halvings included) is below this. */
        paybackThresholdDays: z.number().positive().default(600).describe('New machines are ordered when their payback (days, halvings included) is below this.'),
        /** Orders per year as a share of installed capacity when payback -> 0 (the intensity's ceiling). */
        maxOrdersShareAnnual: z.number().min(0).max(10).default(3).describe("Orders per year as a fraction of installed capacity when payback -> 0 (the intensity's ceiling; 3 means 300% a year)."),
        /** Days from order to hashing. */
        deliveryLagDays: z.number().int().positive().max(3650).default(120).describe('Days from order to hashing.'),
        /** Time constant (days) of the hashprice average investors look at. */
        expectationDays: z.number().positive().default(30).describe('Time constant (days) of the hashprice average investors look at.'),
        /** Width (days) of the vintage classes deliveries are grouped in. */
        vintageDays: z.number().int().positive().default(90).describe('Width (days) of the vintage classes deliveries are grouped in.'),
      })
      .strict()
      .default({ enabled: true, paybackThresholdDays: 600, maxOrdersShareAnnual: 3, deliveryLagDays: 120, expectationDays: 30, vintageDays: 90 }).describe('Investment in new machines by payback.'),
    asicPrice: z
      .object({
        /** Price of a frontier machine (USD/TH) when the averaged hashprice is the reference. */
        usdPerTHAtRef: z.number().positive().default(15).describe('Price of a frontier machine (USD per TH/s) when the averaged hashprice is the reference.'),
        refHashpriceUsdPerPhDay: z.number().positive().default(45).describe('The reference hashprice (USD per PH/s per day).'),
        /** Elasticity of the ASIC price to hashprice: price = ref x (hashprice / refHashprice)^elasticity. */
        hashpriceElasticity: z.number().min(0).max(3).default(0.5).describe('Elasticity of the ASIC price to hashprice: price = ref x (hashprice / refHashprice)^elasticity.'),
      })
      .strict()
      .default({ usdPerTHAtRef: 15, refHashpriceUsdPerPhDay: 45, hashpriceElasticity: 0.5 }).describe('Price of new machines (USD/TH), following hashprice.'),
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
            day: z.number().int().nonnegative().optional().describe('Day of the run the shock begins (or give date).'),
            date: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
              .optional()
              .meta({ description: 'Date the shock begins, YYYY-MM-DD (or give day); days before the start are skipped.', examples: ['2021-05-15'] }),
            share: z.number().gt(0).max(1).describe('Fraction of the capacity installed then that is taken out (0.45 means 45%).'),
            overDays: z.number().int().positive().default(1).describe('Days over which it is taken out, evenly.'),
          })
          .strict()
          .refine((k) => (k.day === undefined) !== (k.date === undefined), { error: 'expected either day or date' })
          .meta({ id: 'CapacityShock', description: 'A known capacity event: a fraction of the capacity goes to the secondary market over some days.', examples: [{ date: '2021-05-15', share: 0.45, overDays: 60 }] }),
      )
      .default([]).describe('Known capacity events (e.g. the 2021 China mining ban): capacity sent to the secondary market.'),
    /**
     * What the supply model misses (weather, relocations, unmodelled events) as noise on the fringe's
     * running hashrate: x exp(e), e ~ N(0, sdLog^2) drawn afresh every periodDays (seeded per run). A
     * calibration set's model error (likelihood.modelErrorLog) is applied here, so bands carry it.
     */
    noise: z
      .object({
        sdLog: z.number().min(0).max(2).default(0).describe("Standard deviation of the log noise on the fringe's running hashrate (0: none)."),
        periodDays: z.number().int().positive().default(14).describe('Days between fresh draws of the noise.'),
      })
      .strict()
      .default({ sdLog: 0, periodDays: 14 }).describe("What the supply model misses, as lognormal noise on the fringe's running hashrate."),
    frontier: z
      .object({
        /** Efficiency of the best machines shipping at the start (J/TH). */
        efficiencyJPerTH: z.number().positive().default(13.5).describe('Efficiency of the best machines shipping at the start (J/TH).'),
        /** Continuous annual rate at which the frontier J/TH falls. */
        declineAnnual: z.number().min(0).max(1).default(0.15).describe('Continuous annual rate at which the frontier J/TH falls, a fraction (0.15 means 15% a year).'),
      })
      .strict()
      .default({ efficiencyJPerTH: 13.5, declineAnnual: 0.15 }).describe('The efficiency frontier of new machines and its progress.'),
  })
  .strict()
  .superRefine((f, ctx) => {
    const total = f.vintages.reduce((a, v) => a + v.share, 0);
    if (Math.abs(total - 1) > 1e-6) {
      ctx.addIssue({ code: 'custom', path: ['vintages'], message: `expected vintage shares summing to 1, got ${total}` });
    }
  })
  .meta({
    id: 'Fringe',
    description: 'The network outside the agents: capacity (EH/s) by efficiency vintage and power-price bin, switching, investment, retirement and a secondary market.',
    examples: [{ hashrateEHs: 900 }, { hashrateEHs: 'realized', fleet: 'history' }],
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
    attackHours: z.number().positive().max(8760).default(24).describe('Length of the attack the attack cost prices (hours).'),
    /** Power price the attacker pays (USD/MWh). */
    attackerPowerUsdPerMWh: z.number().min(0).max(1000).default(50).describe('Power price the attacker pays (USD/MWh).'),
    /** Lowest price of a used machine as a share of a new one's (scrap and resale floor). */
    usedPriceFloorShare: frac().default(0.05).describe("Lowest price of a used machine as a fraction of a new one's (0.05 means 5%; scrap and resale floor)."),
    /** Without a fringe supply (no ASIC market in the scenario): new machines' price and efficiency. */
    asicUsdPerTH: z.number().positive().max(1000).default(15).describe('Without a fringe: price of new machines (USD per TH/s).'),
    frontierJPerTH: z.number().positive().max(1000).default(13.5).describe('Without a fringe: efficiency of new machines (J/TH).'),
    /** Pools and their shares of the network's hashrate at the start (shares sum to at most 1). */
    pools: z
      .array(
        z
          .object({
            name: z.string().min(1).describe('Name of the pool (named miners refer to it in `pool`).'),
            share: z.number().min(0).max(1).describe("The pool's fraction of the network's hashrate at the start (0.3 means 30%)."),
          })
          .strict()
          .meta({ id: 'Pool', description: 'A mining pool and its start share of the network hashrate.', examples: [{ name: 'Foundry USA', share: 0.3 }] }),
      )
      .default([...DEFAULT_POOLS]).describe("Pools and their fractions of the network's hashrate at the start (summing to at most 1)."),
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
  })
  .meta({ id: 'Security', description: 'Security metrics: attack length (hours) and pricing (attacker power USD/MWh, used-machine price floor), pools and their start shares (fractions).' });
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

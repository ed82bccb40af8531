import { HashsimError } from '../errors.ts';
import type { RandomStream } from '../random/index.ts';
import { DAYS_PER_YEAR, dailyCostUsd, interestUsd, powerCostUsdPerPhDay } from './economics.ts';
import { aiDealNpvPerMw } from './ai-deal.ts';
import { resolvePolicies } from './strategies.ts';
import { costShareBelow, runningMeanCost } from './utilisation.ts';
import {
  LoanSchema,
  type Dist,
  type LoanConfig,
  type MinerConfig,
  type PoliciesInput,
  type PopulationConfig,
  type ResolvedPolicies,
} from './schema.ts';

/** Miner status codes (the `status` array). */
export const STATUS_ACTIVE = 0;
export const STATUS_CURTAILING = 1;
export const STATUS_PIVOTING = 2;
export const STATUS_EXITED = 3;
export const STATUS_NAMES = ['active', 'curtailing', 'pivoting', 'exited'] as const;

export const TREASURY_HODL = 0;
export const TREASURY_SELL_ALL = 1;
export const TREASURY_SELL_FRACTION = 2;
export const TREASURY_KEEP_CASH = 3;
const TREASURY_CODES = { hodl: TREASURY_HODL, 'sell-all': TREASURY_SELL_ALL, 'sell-fraction': TREASURY_SELL_FRACTION, 'keep-cash': TREASURY_KEEP_CASH } as const;

/**
 * Per-miner record layout: the Float64 fields the per-step passes touch live interleaved in one
 * array, `rec[i * REC + R_X]`, so a miner-step touches a few cache lines of one array instead of
 * ~30 separate arrays (and V8 keeps one array's base and length in registers). The decision pass's
 * fields for a miner without AI, expansion or a module are slots 0-6 (one cache line, see the
 * alignment note in the constructor); settlement's common fields fill slots 8-23 (and reads the
 * running EH/s, pool fee and AI MW converting of the first line), so such a miner touches one line in
 * the decision pass and three in settlement; fields read only with debt, AI or expansion come last.
 */
export const REC = 32;
export const R_ACTIVE_EHS = 0;
export const R_POOL_FEE = 1;
export const R_AI_MW_CONVERTING = 2;
export const R_PENDING_EHS = 3;
export const R_OP_OFF_THR = 4; // operate() short-cut bound (see AgentState.rec notes below)
export const R_MINING_MW = 5; // MW drawn by the running cohorts
export const R_NEXT_EVENT_DAY = 6; // earliest day a build, note or loan of the miner has an event (financeEvents), NO_EVENT_DAY if none
export const R_EMA_ALPHA = 7; // R_HASHPRICE_EMA's weight per step, 1 - exp(-stepDays / lookbackDays) (set by the engine)
export const R_WON_BTC = 8; // BTC won solo in the current step
export const R_TREASURY_BTC = 9;
export const R_MINED_BTC = 10;
export const R_DEBT_USD = 11;
export const R_HASHPRICE_EMA = 12; // exponential average of the miner's revenue per PH/day (the AI rule's view of mining; K_AI miners only)
export const R_AI_MW_OPERATING = 13;
export const R_POWER_USD_PER_DAY = 14;
export const R_OPEX_USD_PER_DAY = 15;
export const R_COST_USD_PER_DAY = 16; // power + opex + interest per day at the last step (keep-cash's yardstick, the capex reserve)
export const R_CASH_USD = 17;
export const R_SOLD_BTC = 18;
export const R_COLLATERAL_BTC = 19;
export const R_LOAN_TRIGGER_LTV = 20; // min(marginCallLtv, deleverageAtLtv when on): the LTV at which the loan checks can act
export const R_COUPON_USD_PER_YEAR = 21; // coupons of the miner's outstanding notes per year
export const R_MIN_CASH_USD = 22;
export const R_SELL_FRACTION = 23;
export const R_CASH_DAYS = 24;
export const R_ORIGINATION_LTV = 25;
export const R_MAX_PRINCIPAL_USD = 26;
export const R_RATE_ANNUAL = 27; // read only with debt (settlement)
export const R_MARGIN_CALL_LTV = 28;
export const R_AI_REVIEW_DAY = 29; // next day the miner reviews the AI option
export const R_LAST_ORDER_DAY = 30;
export const R_EXPAND_COOLDOWN_DAYS = 31;

/**
 * Per-miner constant flags in one byte (`AgentState.kind`), so the per-step passes test one byte
 * instead of four arrays: payout, AI rule (on and a positive AI value; without one it never acts),
 * expansion, user module, and the treasury mode in bits 4-5.
 */
export const KIND_SOLO = 1;
export const KIND_AI = 2;
export const KIND_EXPAND = 4;
export const KIND_MODULE = 8;
export const KIND_MODE_SHIFT = 4;

/** "No credit limit" without putting Infinity into state (every state value must be finite). */
export const NO_LIMIT_USD = 1e18;

/** "Never" as a day (finite, so state stays finite). */
export const NO_EVENT_DAY = 1e18;

/** Notes a miner can have outstanding at once (one per AI deal; a deal finding no free slot raises none). */
export const NOTE_SLOTS = 4;

/** Economics at the start, used to turn "days of production/cost" defaults into BTC and USD. */
export interface StartEconomics {
  readonly priceUsd: number;
  /** Expected BTC per PH/s per day at the start's difficulty, subsidy and fee. */
  readonly btcPerPhDay: number;
}

/** One miner before it is packed into arrays (built once, at setup; never used in the hot loop). */
/**
 * `xs.map(f)` with a stable elements kind. Array.prototype.map returns a PACKED array from its builtin
 * but a HOLEY one once TurboFan inlines it, so arrays it builds (AgentState.names, the spec's sites and
 * cohorts) changed map between runs as the callers tiered up, deoptimizing every optimized reader
 * ("wrong map" in simulate, AgentState, namedSpec) and re-optimizing each Monte Carlo worker
 * repeatedly. push() into a literal always gives PACKED_ELEMENTS.
 */
export function packedMap<T, U>(xs: readonly T[], f: (x: T) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i]!));
  return out;
}

/** A loan's terms as drawn for one run (every distribution resolved to a number). */
export interface LoanTerms {
  readonly principalUsd: number;
  readonly originationLtv: number;
  readonly startLtv: number;
  readonly rateAnnual: number;
  readonly marginCallLtv: number;
  readonly cureDays: number;
  readonly liquidationLtv: number;
  readonly penaltyShare: number;
  readonly maxPrincipalUsd: number | null;
  readonly termDays: number | null;
  readonly ageDays: number;
  readonly atMaturity: 'refinance' | 'repay';
}

/**
 * Draw one loan's terms. Draws are in a fixed order and always made (whatever the values), so two
 * scenarios with the same loans draw the same terms per run index (common random numbers).
 */
export function drawLoanTerms(l: LoanConfig, principalUsd: number, rng: RandomStream, where: string): LoanTerms {
  const d = (x: Dist, field: string, lo: number, hi: number) => {
    const v = drawDist(x, rng);
    if (!(v >= lo && v <= hi)) throw new HashsimError(`${where}.loan.${field}: drew ${v}; expected ${lo} .. ${hi} (check the distribution)`);
    return v;
  };
  const originationLtv = d(l.originationLtv, 'originationLtv', 1e-9, 1);
  const startLtv = l.startLtv === undefined ? originationLtv : d(l.startLtv, 'startLtv', 1e-9, 1);
  const marginCallLtv = d(l.marginCallLtv, 'marginCallLtv', 1e-9, 10);
  const liquidationLtv = d(l.liquidationLtv, 'liquidationLtv', 1e-9, 10);
  const cureDays = Math.round(d(l.cureDays, 'cureDays', 0, 1e9));
  const ageDays = Math.round(d(l.ageDays, 'ageDays', 0, 36_500));
  if (!(originationLtv < marginCallLtv && startLtv < marginCallLtv && marginCallLtv < liquidationLtv)) {
    throw new HashsimError(
      `${where}.loan: drew originationLtv ${originationLtv}, startLtv ${startLtv}, marginCallLtv ${marginCallLtv}, liquidationLtv ${liquidationLtv}; expected origination and start < margin call < liquidation`,
    );
  }
  return {
    principalUsd,
    originationLtv,
    startLtv,
    rateAnnual: l.rateAnnual,
    marginCallLtv,
    cureDays,
    liquidationLtv,
    penaltyShare: l.penaltyShare,
    maxPrincipalUsd: l.maxPrincipalUsd,
    termDays: l.termDays,
    ageDays,
    atMaturity: l.atMaturity,
  };
}

/**
 * Whether a miner's AI rule can ever pass: the deal's NPV with no mining to give up (the best case
 * for it) beats the hurdle. Without that the rule never acts and the engine need not review it.
 */
function aiCanEverPass(ai: ResolvedPolicies['aiPivot'], belief: number): boolean {
  const npv = aiDealNpvPerMw(
    { ...ai, revenueUsdPerMwYear: ai.revenueUsdPerMwYear * belief },
    { revenueUsdPerPhDay: 0, driftAnnual: 0, daysToHalving: Infinity, halvingRatio: 1, jPerTH: 1, powerUsdPerMWh: 0 },
  );
  return npv > ai.hurdleShareOfCapex * ai.capexUsdPerMw;
}

interface MinerSpec {
  name: string;
  named: boolean;
  sites: { mw: number; price: number; aiShare: number }[];
  cohorts: { ehs: number; jth: number; age: number; site: number }[];
  treasuryBtc: number;
  cashUsd: number | undefined;
  cashDays: number;
  opexUsdPerDay: number | undefined;
  opexUsdPerPhDay: number;
  loan: LoanConfig | undefined;
  /** Generated miners: the opening loan's principal as a share of the treasury's value (its LTV target). */
  loanShareOfTreasury: number | undefined;
  /** Drawn per run (drawFinance): the loan's terms, the AI revenue view's z and the review phase. */
  loanTerms: LoanTerms;
  beliefZ: number;
  reviewPhase: number;
  solo: boolean;
  poolFee: number;
  policies: ResolvedPolicies;
  module: string | undefined;
}

/**
 * Struct-of-arrays state of all agent miners. Miner i owns cohorts [cohortStart[i], cohortEnd[i])
 * and sites [siteStart[i], siteEnd[i]); the last `nSites(i)` cohorts of a miner are its expansion
 * slots (one per site, empty until machines are delivered). Every Float64 field must stay finite.
 */
export class AgentState {
  readonly n: number;
  readonly names: readonly string[];
  /** Number of named miners: they are miners 0 .. namedCount-1. */
  readonly namedCount: number;
  /** Index into `moduleKeys` of the miner's user strategy module, or -1. */
  readonly moduleIndex: Int32Array;
  readonly moduleKeys: readonly string[];

  /**
   * Per-miner record, `n x REC` (layout above). Fields not listed there are separate arrays.
   * Slot R_OP_OFF_THR is the operate() short-cut: after an operate() that left every installed cohort
   * running it holds the revenue below which one would switch off (the highest cost x offRatio of
   * its cohorts; -Infinity when it never curtails), and while revenue stays at or above it a new
   * operate() would change nothing, so the engine skips it. +Infinity (the start, and after anything
   * that changes the cohorts: deliveries, AI shedding, exit, user modules) means "run operate()".
   */
  readonly rec: Float64Array;
  /** Constant per-miner flags (KIND_*), derived from solo, aiOn, expandOn, moduleIndex, treasuryMode. */
  readonly kind: Uint8Array;

  // --- per miner: status, payout
  readonly status: Uint8Array;
  readonly solo: Uint8Array;
  readonly cohortStart: Int32Array;
  readonly cohortEnd: Int32Array;
  readonly siteStart: Int32Array;
  readonly siteEnd: Int32Array;

  // --- per miner: balances

  // --- per miner: loan terms and state
  readonly cureDays: Float64Array;
  readonly liquidationLtv: Float64Array;
  readonly penaltyShare: Float64Array;
  /** Day the open margin call started, or -1. */
  readonly marginCallDay: Int32Array;

  // --- per miner: policy parameters
  readonly curtail: Uint8Array;
  readonly offRatio: Float64Array;
  readonly onRatio: Float64Array;
  /** Relative spread of power costs within each of the miner's cohorts (utilisation.ts). */
  readonly costSpread: Float64Array;
  /** Largest change of a cohort's running share per day. */
  readonly rampPerDay: Float64Array;
  readonly retireDays: Float64Array;
  /**
   * operate()'s idle short-cut (policies.ts, restIdle): after an operate() that left every installed
   * cohort fully off, the revenue below which none of them restarts (with a relative margin that
   * covers the rounding of revenue / onRatio); -Infinity otherwise. Reset with R_OP_OFF_THR by
   * operateStale() whenever the cohorts change.
   */
  readonly opIdleBelow: Float64Array;
  readonly treasuryMode: Uint8Array;
  /** LTV that triggers strategic de-leveraging; 0 = off. */
  readonly deleverageAtLtv: Float64Array;
  readonly deleverageToLtv: Float64Array;
  readonly borrowFirst: Uint8Array;
  readonly canBorrow: Uint8Array;
  readonly marginRepay: Uint8Array;
  readonly expandOn: Uint8Array;
  readonly paybackDays: Float64Array;
  readonly machineUsdPerTH: Float64Array;
  readonly expandJPerTH: Float64Array;
  readonly deliveryLagDays: Float64Array;
  readonly maxOrderShare: Float64Array;
  readonly expandFinance: Uint8Array;
  readonly aiOn: Uint8Array;
  /** The miner's AI-pivot policy (deal terms, financing), read when it reviews the option or signs. */
  readonly aiPolicy: readonly ResolvedPolicies['aiPivot'][];
  /** The miner's view of AI revenue relative to the contracted one (drawn per run; ai-deal.ts). */
  readonly aiBelief: Float64Array;
  readonly aiRevenueUsdPerMwYear: Float64Array;
  readonly aiMarginShare: Float64Array;
  readonly aiLookbackDays: Float64Array;
  /**
   * Dirty flag of derived per-miner caches (kept for user modules and shedding; set after any change
   * of the miner's cohorts or AI MW).
   */
  readonly aiGateDirty: Uint8Array;
  /** Tenant prepayments recouped from AI rent per year (USD/year), summed over operating deals. */
  readonly aiPrepayCreditUsdPerYear: Float64Array;
  /** Capex drawn per day by the miner's builds in progress (USD/day). */
  readonly buildDrawUsdPerDay: Float64Array;

  // --- per miner: notes (NOTE_SLOTS each): principal (USD), annual coupon rate, maturity day, term
  readonly notePrincipalUsd: Float64Array;
  readonly noteCouponAnnual: Float64Array;
  readonly noteMaturityDay: Float64Array;
  readonly noteTermDays: Float64Array;
  readonly noteRefinance: Uint8Array;
  /** Notes issued and repaid over the run (USD), for the conservation of cash. */
  readonly notesIssuedUsd: Float64Array;
  readonly notesRepaidUsd: Float64Array;
  readonly prepaymentsUsd: Float64Array;
  readonly capexDrawnUsd: Float64Array;

  // --- per miner: opening loan's maturity
  readonly loanMaturityDay: Float64Array;
  readonly loanTermDays: Float64Array;
  readonly loanRefinance: Uint8Array;
  readonly loanRefinancings: Int32Array;

  /** The outlook of the current step the AI decision reads (set by the engine each step). */
  daysToHalving = Infinity;
  halvingRatio = 1;
  /** Lowest power price of the miner's sites (the expansion rule's payback is best there). */
  readonly minSitePriceUsdPerMWh: Float64Array;

  // --- per miner: dynamic state
  readonly pendingDay: Float64Array;
  readonly pendingCohort: Int32Array;
  readonly installedEhs: Float64Array;

  // --- per miner: outcome counters
  /** BTC held at the start (treasury + collateral). */
  readonly initialBtc: Float64Array;
  readonly liquidatedBtc: Float64Array;
  readonly marginCalls: Int32Array;
  readonly liquidations: Int32Array;
  readonly blocksWon: Int32Array;
  /** Day of the event, or -1 if it never happened. */
  readonly firstMarginCallDay: Float64Array;
  readonly firstLiquidationDay: Float64Array;
  readonly exitDay: Float64Array;
  readonly firstPivotDay: Float64Array;
  readonly mwPivoted: Float64Array;

  // --- per cohort
  readonly nCohorts: number;
  readonly cohortMiner: Int32Array;
  readonly cohortSite: Int32Array;
  readonly cohortEhs: Float64Array;
  readonly cohortJPerTH: Float64Array;
  /** Day the cohort was installed (negative: before the start); age = day - birthDay. */
  readonly cohortBirthDay: Float64Array;
  /** Power cost of the cohort per PH/s per day (USD): J/TH x 24 x site $/MWh / 1000, fixed. */
  readonly cohortCostPerPhDay: Float64Array;
  /** Running share of the cohort's machines (cheapest first; utilisation.ts), 0..1. */
  readonly cohortShare: Float64Array;
  /**
   * Bumped by every write that changes a cohort's EH/s or running share (touchCohorts), so readers
   * that aggregate idle machines over all cohorts (engine/security.ts) redo it only when it moved.
   */
  cohortEpoch = 0;
  /** Days in a row the cohort has had idle machines (its idle part retires at retireDays). */
  readonly cohortOffDays: Float64Array;
  /**
   * Machines leaving agents (retired idle parts, AI conversions, exits) for the secondary market, EH/s
   * by the network supply's class (the engine binds the classes and drains this every step).
   */
  releaseClassJPerTH: Float64Array = new Float64Array([1]);
  releasedByClass: Float64Array = new Float64Array(1);

  // --- per site
  readonly nSites: number;
  readonly siteMw: Float64Array;
  readonly sitePriceUsdPerMWh: Float64Array;
  readonly siteAiShare: Float64Array;
  /** MW of the site converted or converting to AI. */
  readonly siteAiMw: Float64Array;
  /** Cohort index of the site's expansion slot. */
  readonly siteSlot: Int32Array;
  /** The site's AI build in progress (one at a time): MW, signing, shut-down and ready days, capex left. */
  readonly siteBuildMw: Float64Array;
  readonly siteBuildReadyDay: Float64Array;
  readonly siteBuildShutDay: Float64Array;
  readonly siteBuildCapexLeftUsd: Float64Array;
  readonly siteBuildDrawUsdPerDay: Float64Array;
  /** Tenant prepayment of the build (USD), recouped over the contract once it runs. */
  readonly siteBuildPrepayUsd: Float64Array;
  readonly siteBuildContractYears: Float64Array;

  constructor(specs: readonly MinerSpec[], start: StartEconomics) {
    const n = specs.length;
    this.n = n;
    this.names = packedMap(specs, (s) => s.name);
    this.namedCount = specs.filter((s) => s.named).length;
    const moduleKeys: string[] = [];
    this.moduleIndex = new Int32Array(n).fill(-1);
    const f = () => new Float64Array(n);
    const u = () => new Uint8Array(n);
    const i32 = () => new Int32Array(n);
    // Cache-line alignment of the records (speed only, results do not depend on it): glibc serves
    // large allocations from mmap with a 16-byte header, so the buffer starts 16 bytes past a 64-byte
    // boundary; starting 6 slots (48 bytes) in puts every record's slots 0-7, the decision pass's
    // common fields, in one cache line (measured ~2% on the bench scenario).
    this.rec = new Float64Array(n * REC + 8).subarray(6, 6 + n * REC);
    this.kind = u();
    this.status = u();
    this.solo = u();
    this.cohortStart = i32();
    this.cohortEnd = i32();
    this.siteStart = i32();
    this.siteEnd = i32();
    this.cureDays = f();
    this.liquidationLtv = f();
    this.penaltyShare = f();
    this.marginCallDay = i32().fill(-1);
    this.curtail = u();
    this.offRatio = f();
    this.onRatio = f();
    this.costSpread = f();
    this.rampPerDay = f();
    this.retireDays = f();
    this.opIdleBelow = f().fill(-Infinity);
    this.treasuryMode = u();
    this.deleverageAtLtv = f();
    this.deleverageToLtv = f();
    this.borrowFirst = u();
    this.canBorrow = u();
    this.marginRepay = u();
    this.expandOn = u();
    this.paybackDays = f();
    this.machineUsdPerTH = f();
    this.expandJPerTH = f();
    this.deliveryLagDays = f();
    this.maxOrderShare = f();
    this.expandFinance = u();
    this.aiOn = u();
    this.aiPolicy = packedMap(specs, (x) => x.policies.aiPivot);
    this.aiBelief = f().fill(1);
    this.aiRevenueUsdPerMwYear = f();
    this.aiMarginShare = f();
    this.aiLookbackDays = f();
    this.aiGateDirty = u().fill(1);
    this.aiPrepayCreditUsdPerYear = f();
    this.buildDrawUsdPerDay = f();
    this.notePrincipalUsd = new Float64Array(n * NOTE_SLOTS);
    this.noteCouponAnnual = new Float64Array(n * NOTE_SLOTS);
    this.noteMaturityDay = new Float64Array(n * NOTE_SLOTS).fill(NO_EVENT_DAY);
    this.noteTermDays = new Float64Array(n * NOTE_SLOTS);
    this.noteRefinance = new Uint8Array(n * NOTE_SLOTS);
    this.notesIssuedUsd = f();
    this.notesRepaidUsd = f();
    this.prepaymentsUsd = f();
    this.capexDrawnUsd = f();
    this.loanMaturityDay = f().fill(NO_EVENT_DAY);
    this.loanTermDays = f();
    this.loanRefinance = u();
    this.loanRefinancings = i32();
    this.minSitePriceUsdPerMWh = f();
    this.pendingDay = f();
    this.pendingCohort = i32().fill(-1);
    this.installedEhs = f();
    this.initialBtc = f();
    this.liquidatedBtc = f();
    this.marginCalls = i32();
    this.liquidations = i32();
    this.blocksWon = i32();
    this.firstMarginCallDay = f().fill(-1);
    this.firstLiquidationDay = f().fill(-1);
    this.exitDay = f().fill(-1);
    this.firstPivotDay = f().fill(-1);
    this.mwPivoted = f();

    let nc = 0;
    let ns = 0;
    for (const s of specs) {
      nc += s.cohorts.length + s.sites.length;
      ns += s.sites.length;
    }
    this.nCohorts = nc;
    this.nSites = ns;
    this.cohortMiner = new Int32Array(nc);
    this.cohortSite = new Int32Array(nc);
    this.cohortEhs = new Float64Array(nc);
    this.cohortJPerTH = new Float64Array(nc);
    this.cohortBirthDay = new Float64Array(nc);
    this.cohortCostPerPhDay = new Float64Array(nc);
    this.cohortShare = new Float64Array(nc);
    this.cohortOffDays = new Float64Array(nc);
    this.siteMw = new Float64Array(ns);
    this.sitePriceUsdPerMWh = new Float64Array(ns);
    this.siteAiShare = new Float64Array(ns);
    this.siteAiMw = new Float64Array(ns);
    this.siteSlot = new Int32Array(ns);
    this.siteBuildMw = new Float64Array(ns);
    this.siteBuildReadyDay = new Float64Array(ns).fill(NO_EVENT_DAY);
    this.siteBuildShutDay = new Float64Array(ns).fill(NO_EVENT_DAY);
    this.siteBuildCapexLeftUsd = new Float64Array(ns);
    this.siteBuildDrawUsdPerDay = new Float64Array(ns);
    this.siteBuildPrepayUsd = new Float64Array(ns);
    this.siteBuildContractYears = new Float64Array(ns);

    for (let i = 0; i < n; i++) this.initMiner(i, specs[i]!, start, moduleKeys);
    this.moduleKeys = moduleKeys;
    for (let i = 0; i < n; i++) {
      this.kind[i] =
        (this.solo[i] === 1 ? KIND_SOLO : 0) |
        // The AI rule can pass only if the deal beats doing nothing with the MW (no mining to give up).
        (this.aiOn[i] === 1 && aiCanEverPass(specs[i]!.policies.aiPivot, this.aiBelief[i]!) ? KIND_AI : 0) |
        (this.expandOn[i] === 1 ? KIND_EXPAND : 0) |
        (this.moduleIndex[i]! >= 0 ? KIND_MODULE : 0) |
        (this.treasuryMode[i]! << KIND_MODE_SHIFT);
    }
  }

  /**
   * Miner i's sites, cohorts, record and policy fields from its spec (its sites and cohorts follow
   * miner i - 1's). A method of its own: the constructor stays small, and V8 optimizes this loop
   * body once instead of compiling the whole constructor on entry and again on stack replacement
   * (~0.2 s of TurboFan per compilation, in every batch worker).
   */
  private initMiner(i: number, s: MinerSpec, start: StartEconomics, moduleKeys: string[]): void {
    let c = i > 0 ? this.cohortEnd[i - 1]! : 0;
    let st = i > 0 ? this.siteEnd[i - 1]! : 0;
    if (s.module !== undefined) {
      let k = moduleKeys.indexOf(s.module);
      if (k < 0) k = moduleKeys.push(s.module) - 1;
      this.moduleIndex[i] = k;
    }
    this.siteStart[i] = st;
    let minPrice = Infinity;
    for (const site of s.sites) {
      if (site.price < minPrice) minPrice = site.price;
      this.siteMw[st] = site.mw;
      this.sitePriceUsdPerMWh[st] = site.price;
      this.siteAiShare[st] = site.aiShare;
      st++;
    }
    this.siteEnd[i] = st;
    this.minSitePriceUsdPerMWh[i] = minPrice;
    this.cohortStart[i] = c;
    let ehs = 0;
    let powerPerDay = 0;
    const p = s.policies;
    // Cohorts start in their band's middle at the start's revenue: the machines whose cost it
    // covers run (all of them for a miner that does not curtail).
    const rev0 = start.btcPerPhDay * start.priceUsd * (1 - (s.solo ? 0 : s.poolFee));
    const on0 = 1 + p.operate.minMarginShare;
    for (const co of s.cohorts) {
      this.cohortMiner[c] = i;
      this.cohortSite[c] = this.siteStart[i]! + co.site;
      this.cohortEhs[c] = co.ehs;
      this.cohortJPerTH[c] = co.jth;
      this.cohortBirthDay[c] = -co.age;
      const cost = powerCostUsdPerPhDay(co.jth, s.sites[co.site]!.price);
      this.cohortCostPerPhDay[c] = cost;
      const u = p.operate.curtail ? costShareBelow(rev0 / on0, cost, p.operate.costSpreadShare) : 1;
      this.cohortShare[c] = u;
      ehs += co.ehs;
      powerPerDay += co.ehs * u * 1000 * runningMeanCost(u, cost, p.operate.costSpreadShare);
      c++;
    }
    for (let k = 0; k < s.sites.length; k++) {
      this.cohortMiner[c] = i;
      this.cohortSite[c] = this.siteStart[i]! + k;
      this.cohortJPerTH[c] = p.expand.efficiencyJPerTH;
      this.cohortCostPerPhDay[c] = powerCostUsdPerPhDay(p.expand.efficiencyJPerTH, s.sites[k]!.price);
      this.cohortShare[c] = 1;
      this.siteSlot[this.siteStart[i]! + k] = c;
      c++;
    }
    this.cohortEnd[i] = c;
    this.installedEhs[i] = ehs;

    this.solo[i] = s.solo ? 1 : 0;
    this.rec[i * REC + R_POOL_FEE] = s.solo ? 0 : s.poolFee;
    this.rec[i * REC + R_LAST_ORDER_DAY] = -1e9;
    operateStale(this, i);
    const opex = s.opexUsdPerDay ?? s.opexUsdPerPhDay * ehs * 1000;
    this.rec[i * REC + R_OPEX_USD_PER_DAY] = opex;
    this.rec[i * REC + R_TREASURY_BTC] = s.treasuryBtc;
    this.rec[i * REC + R_CASH_USD] = s.cashUsd ?? s.cashDays * (powerPerDay + opex);
    const loan = s.loanTerms;
    this.rec[i * REC + R_ORIGINATION_LTV] = loan.originationLtv;
    this.rec[i * REC + R_RATE_ANNUAL] = loan.rateAnnual;
    this.rec[i * REC + R_MARGIN_CALL_LTV] = loan.marginCallLtv;
    this.cureDays[i] = loan.cureDays;
    this.liquidationLtv[i] = loan.liquidationLtv;
    this.penaltyShare[i] = loan.penaltyShare;
    this.rec[i * REC + R_MAX_PRINCIPAL_USD] = loan.maxPrincipalUsd ?? NO_LIMIT_USD;
    this.rec[i * REC + R_NEXT_EVENT_DAY] = NO_EVENT_DAY;
    this.rec[i * REC + R_AI_REVIEW_DAY] = NO_EVENT_DAY;
    this.loanTermDays[i] = loan.termDays ?? 0;
    this.loanRefinance[i] = loan.atMaturity === 'refinance' ? 1 : 0;
    if (loan.principalUsd > 0) {
      // The opening loan stands at its start LTV (originated earlier, at another price), out of the treasury.
      const need = loan.principalUsd / (loan.startLtv * start.priceUsd);
      if (need > this.rec[i * REC + R_TREASURY_BTC]! * (1 + 1e-12)) {
        throw new HashsimError(
          `miner "${s.name}": loan.principalUsd ${loan.principalUsd} needs ${need.toFixed(2)} BTC of collateral at its start LTV ${loan.startLtv} and the start price, but treasuryBtc is ${s.treasuryBtc}`,
        );
      }
      if (loan.termDays !== null) {
        // Matures termDays after origination (at least one day into the run).
        this.loanMaturityDay[i] = Math.max(1, loan.termDays - loan.ageDays);
        this.rec[i * REC + R_NEXT_EVENT_DAY] = this.loanMaturityDay[i]!;
      }
      const coll = Math.min(need, this.rec[i * REC + R_TREASURY_BTC]!);
      this.rec[i * REC + R_DEBT_USD] = loan.principalUsd;
      this.rec[i * REC + R_COLLATERAL_BTC] = coll;
      this.rec[i * REC + R_TREASURY_BTC] = this.rec[i * REC + R_TREASURY_BTC]! - coll;
    }

    // Set now, not at the first settlement: step 0's decisions (AI pivot and expansion capex from
    // cash above cashDays x this) must already see the reserve. The start's running shares apply.
    this.rec[i * REC + R_POWER_USD_PER_DAY] = powerPerDay;
    this.rec[i * REC + R_COST_USD_PER_DAY] = dailyCostUsd(powerPerDay, opex, interestUsd(this.rec[i * REC + R_DEBT_USD]!, loan.rateAnnual, 1 / DAYS_PER_YEAR), 1);
    // A keep-cash miner has been following its policy before the start: opening cash below its
    // target is topped up from the free treasury at the start price here, before the run, rather
    // than as one day-0 sale that no miner in that steady state would make (it would show up as a
    // spike in sold_btc and, through price impact, in the price). Wealth at the start price is
    // unchanged; initial_btc is the BTC held after this (docs/MODEL.md, "Treasury").
    let openingSale = 0;
    if (p.treasury.mode === 'keep-cash' && s.module === undefined) {
      const gap = p.treasury.cashDays * this.rec[i * REC + R_COST_USD_PER_DAY]! - this.rec[i * REC + R_CASH_USD]!;
      const free = this.rec[i * REC + R_TREASURY_BTC]!;
      if (gap > 0 && free > 0) {
        openingSale = Math.min(gap / start.priceUsd, free);
        this.rec[i * REC + R_TREASURY_BTC] = free - openingSale;
        this.rec[i * REC + R_CASH_USD] = this.rec[i * REC + R_CASH_USD]! + openingSale * start.priceUsd;
      }
    }
    this.initialBtc[i] = s.treasuryBtc - openingSale;

    this.curtail[i] = p.operate.curtail ? 1 : 0;
    this.offRatio[i] = 1 + p.operate.minMarginShare - p.operate.hysteresisShare;
    this.onRatio[i] = 1 + p.operate.minMarginShare + p.operate.hysteresisShare;
    this.costSpread[i] = p.operate.costSpreadShare;
    this.rampPerDay[i] = p.operate.rampSharePerDay;
    this.retireDays[i] = p.operate.retireAfterCurtailedDays;
    this.treasuryMode[i] = TREASURY_CODES[p.treasury.mode];
    this.rec[i * REC + R_SELL_FRACTION] = p.treasury.sellFraction;
    this.rec[i * REC + R_CASH_DAYS] = p.treasury.cashDays;
    const delevAt = p.treasury.deleverageAtLtv ?? 0;
    this.deleverageAtLtv[i] = delevAt;
    // The lowest LTV at which de-leveraging or the lender acts (the engine's one test per step).
    const callLtv = this.rec[i * REC + R_MARGIN_CALL_LTV]!;
    this.rec[i * REC + R_LOAN_TRIGGER_LTV] = delevAt > 0 ? Math.min(callLtv, delevAt) : callLtv;
    this.deleverageToLtv[i] = p.treasury.deleverageToLtv;
    this.borrowFirst[i] = p.financing.order === 'borrow-first' ? 1 : 0;
    this.canBorrow[i] = p.financing.borrow ? 1 : 0;
    this.marginRepay[i] = p.financing.marginCallResponse === 'repay' ? 1 : 0;
    this.expandOn[i] = p.expand.enabled ? 1 : 0;
    this.paybackDays[i] = p.expand.paybackDays;
    this.machineUsdPerTH[i] = p.expand.machineUsdPerTH;
    this.expandJPerTH[i] = p.expand.efficiencyJPerTH;
    this.deliveryLagDays[i] = p.expand.deliveryLagDays;
    this.maxOrderShare[i] = p.expand.maxOrderShareOfFleet;
    this.expandFinance[i] = p.expand.financeCapex ? 1 : 0;
    this.rec[i * REC + R_EXPAND_COOLDOWN_DAYS] = p.expand.cooldownDays;
    this.aiOn[i] = p.aiPivot.enabled ? 1 : 0;
    const ai = p.aiPivot;
    // The miner's view of AI revenue: mean-one log-normal around the contracted revenue.
    this.aiBelief[i] = Math.exp(ai.beliefSdLog * s.beliefZ - (ai.beliefSdLog * ai.beliefSdLog) / 2);
    this.aiRevenueUsdPerMwYear[i] = ai.revenueUsdPerMwYear;
    this.aiMarginShare[i] = ai.marginShare;
    this.aiLookbackDays[i] = ai.lookbackDays;
    // First review at the miner's own phase within reviewDays, so reviews do not fall on one day.
    if (ai.enabled) this.rec[i * REC + R_AI_REVIEW_DAY] = Math.floor(s.reviewPhase * ai.reviewDays);
    this.rec[i * REC + R_MIN_CASH_USD] = p.exit.minCashUsd;
  }
}

const DEFAULT_LOAN: LoanConfig = LoanSchema.parse({});
/** Placeholder until drawFinance sets a spec's loan terms. */
const UNDRAWN_LOAN: LoanTerms = {
  principalUsd: 0, originationLtv: 0.5, startLtv: 0.5, rateAnnual: 0, marginCallLtv: 0.7, cureDays: 0, liquidationLtv: 0.88,
  penaltyShare: 0, maxPrincipalUsd: null, termDays: null, ageDays: 0, atMaturity: 'refinance',
};
const DEFAULT_OPEX_USD_PER_PH_DAY = 3;
const DEFAULT_CASH_DAYS = 30;
/** Free site MW beyond the fleet's draw when a named miner gives no site MW. */
export const DEFAULT_SITE_HEADROOM_SHARE = 0.1;

function namedSpec(m: MinerConfig, custom: Readonly<Record<string, PoliciesInput>>, where: string): MinerSpec {
  let sites: MinerSpec['sites'];
  let cohorts: MinerSpec['cohorts'];
  if (m.cohorts !== undefined) {
    sites = packedMap(m.sites!, (s) => ({ mw: s.mw, price: s.powerPriceUsdPerMWh, aiShare: s.aiConvertibleShare }));
    cohorts = packedMap(m.cohorts, (c) => ({
      ehs: c.hashrateEHs ?? (c.units! * c.thPerUnit!) / 1e6,
      jth: c.efficiencyJPerTH,
      age: c.ageDays,
      site: c.site,
    }));
  } else {
    const ehs = m.hashrateEHs!;
    const jth = m.efficiencyJPerTH!;
    sites = [
      {
        mw: m.siteMw ?? ehs * jth * (1 + DEFAULT_SITE_HEADROOM_SHARE),
        price: m.powerPriceUsdPerMWh!,
        aiShare: m.aiConvertibleShare ?? 0.5,
      },
    ];
    cohorts = [{ ehs, jth, age: 0, site: 0 }];
  }
  sites.forEach((s, k) => {
    const drawn = cohorts.filter((c) => c.site === k).reduce((a, c) => a + c.ehs * c.jth, 0);
    if (drawn > s.mw * (1 + 1e-9)) {
      throw new HashsimError(`${where}: site ${k} hosts cohorts drawing ${drawn.toFixed(3)} MW but has only ${s.mw} MW`);
    }
  });
  return {
    name: m.name,
    named: true,
    sites,
    cohorts,
    treasuryBtc: m.treasuryBtc,
    cashUsd: m.cashUsd,
    cashDays: DEFAULT_CASH_DAYS,
    opexUsdPerDay: m.opexUsdPerDay,
    opexUsdPerPhDay: DEFAULT_OPEX_USD_PER_PH_DAY,
    loan: m.loan,
    loanShareOfTreasury: undefined,
    loanTerms: UNDRAWN_LOAN,
    beliefZ: 0,
    reviewPhase: 0,
    solo: m.payout.scheme === 'solo',
    poolFee: m.payout.scheme === 'fpps' ? m.payout.feeShare : 0,
    policies: resolvePolicies(m.strategy, m.policies, custom, where),
    module: m.strategyModule,
  };
}

/** Draw one value of a distribution (a plain number is fixed). */
export function drawDist(d: Dist, rng: RandomStream): number {
  if (typeof d === 'number') return d;
  let x: number;
  let lo = -Infinity;
  let hi = Infinity;
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return rng.uniformRange(d.min, d.max);
    case 'lognormal':
      x = d.median * Math.exp(d.sigma * rng.normal());
      lo = d.min ?? lo;
      hi = d.max ?? hi;
      break;
    case 'normal':
      x = rng.normal(d.mean, d.sd);
      lo = d.min ?? lo;
      hi = d.max ?? hi;
      break;
    case 'triangular':
      return rng.triangular(d.min, d.mode, d.max);
    case 'beta':
      return d.scale * rng.beta(d.a, d.b);
  }
  return Math.min(hi, Math.max(lo, x));
}

/** A population's strategy weights, resolved once (not per miner). */
interface StrategyPicker {
  readonly entries: readonly (readonly [string, number])[];
  readonly total: number;
}

function strategyPicker(s: Exclude<PopulationConfig['strategy'], string>): StrategyPicker {
  const entries = Object.entries(s);
  return { entries, total: entries.reduce((a, [, w]) => a + w, 0) };
}

function pickStrategy(s: PopulationConfig['strategy'], picker: StrategyPicker | null, rng: RandomStream): string {
  if (typeof s === 'string' || picker === null) return s as string;
  const { entries, total } = picker;
  let u = rng.uniform() * total;
  for (const [name, w] of entries) {
    if (u < w) return name;
    u -= w;
  }
  return entries[entries.length - 1]![0];
}

function populationSpecs(
  p: PopulationConfig,
  rng: RandomStream,
  start: StartEconomics,
  custom: Readonly<Record<string, PoliciesInput>>,
  where: string,
): MinerSpec[] {
  if (typeof p.strategy !== 'string' && Object.values(p.strategy).reduce((a, w) => a + w, 0) <= 0) {
    throw new HashsimError(`${where}.strategy: expected weights with a positive sum`);
  }
  const policyCache = new Map<string, ResolvedPolicies>();
  const picker = typeof p.strategy === 'string' ? null : strategyPicker(p.strategy);
  const loan = p.loan ?? DEFAULT_LOAN;
  const out: MinerSpec[] = [];
  const pos = (v: number, field: string, min = 0) => {
    if (!Number.isFinite(v) || v < min) {
      throw new HashsimError(`${where}.${field}: drew ${v}; expected a finite number >= ${min} (check the distribution)`);
    }
    return v;
  };
  for (let k = 0; k < p.count; k++) {
    const ehs = pos(drawDist(p.hashrateEHs, rng), 'hashrateEHs', 1e-12);
    const jth = pos(drawDist(p.efficiencyJPerTH, rng), 'efficiencyJPerTH', 1e-9);
    const price = pos(drawDist(p.powerPriceUsdPerMWh, rng), 'powerPriceUsdPerMWh');
    const headroom = pos(drawDist(p.siteHeadroomShare, rng), 'siteHeadroomShare');
    const aiShare = Math.min(1, pos(drawDist(p.aiConvertibleShare, rng), 'aiConvertibleShare'));
    const treasuryDays = pos(drawDist(p.treasuryDays, rng), 'treasuryDays');
    const cashDays = pos(drawDist(p.cashDays, rng), 'cashDays');
    const opex = pos(drawDist(p.opexUsdPerPhDay, rng), 'opexUsdPerPhDay');
    const ltv = pos(drawDist(p.loanLtv, rng), 'loanLtv');
    const poolFee = Math.min(1, pos(drawDist(p.poolFeeShare, rng), 'poolFeeShare'));
    const ai = rng.uniform() < p.aiPropensity;
    const solo = rng.uniform() >= p.fppsShare;
    const strategy = pickStrategy(p.strategy, picker, rng);
    const key = `${strategy}|${ai}`;
    let policies = policyCache.get(key);
    if (policies === undefined) {
      const base = resolvePolicies(strategy, p.policies, custom, where);
      policies = ai ? { ...base, aiPivot: { ...base.aiPivot, enabled: true } } : base;
      policyCache.set(key, policies);
    }
    const treasuryBtc = treasuryDays * ehs * 1000 * start.btcPerPhDay;
    out.push({
      name: `${p.name}#${k}`,
      named: false,
      sites: [{ mw: ehs * jth * (1 + headroom), price, aiShare }],
      cohorts: [{ ehs, jth, age: 0, site: 0 }],
      treasuryBtc,
      cashUsd: undefined,
      cashDays,
      opexUsdPerDay: undefined,
      opexUsdPerPhDay: opex,
      loan,
      // Leverage: an opening loan of loanLtv x the treasury's value (at most its start LTV: the
      // collateral cannot exceed the treasury), set when the loan's terms are drawn.
      loanShareOfTreasury: ltv,
      loanTerms: UNDRAWN_LOAN,
      beliefZ: 0,
      reviewPhase: 0,
      solo,
      poolFee,
      policies,
      module: p.strategyModule,
    });
  }
  return out;
}

/**
 * Build the agent state: named miners first (scenario order), then each population's generated
 * miners, drawn from `populationStream` in a fixed order.
 */
export function buildAgentState(
  miners: readonly MinerConfig[],
  populations: readonly PopulationConfig[],
  populationStream: RandomStream,
  start: StartEconomics,
  customStrategies: Readonly<Record<string, PoliciesInput>> = {},
  financeStream: RandomStream = populationStream,
): AgentState {
  const specs: MinerSpec[] = [];
  const seen = new Set<string>();
  miners.forEach((m, i) => {
    if (seen.has(m.name)) throw new HashsimError(`miners[${i}].name: duplicate miner name "${m.name}"`);
    seen.add(m.name);
    specs.push(namedSpec(m, customStrategies, `miners[${i}]`));
  });
  populations.forEach((p, i) => specs.push(...populationSpecs(p, populationStream, start, customStrategies, `populations[${i}]`)));
  drawFinance(specs, financeStream, start, miners.length);
  return new AgentState(specs, start);
}

/**
 * Per-run draws of every miner's finance, from the run's 'finance' stream in miner order, the same
 * number per miner whatever its policies (so a scenario pair differing in a policy switch keeps its
 * common random numbers): the AI revenue view's z, the review phase, then the loan's terms.
 */
function drawFinance(specs: MinerSpec[], rng: RandomStream, start: StartEconomics, nNamed: number): void {
  specs.forEach((s, k) => {
    s.beliefZ = rng.normal();
    s.reviewPhase = rng.uniform();
    const where = k < nNamed ? `miners[${k}]` : s.name;
    const cfg = s.loan ?? DEFAULT_LOAN;
    s.loanTerms = drawLoanTerms(cfg, cfg.principalUsd, rng, where);
    if (s.loanShareOfTreasury !== undefined) {
      const share = Math.min(s.loanShareOfTreasury, s.loanTerms.startLtv);
      s.loanTerms = { ...s.loanTerms, principalUsd: share * s.treasuryBtc * start.priceUsd };
    }
  });
}

/**
 * Marks the miner's operate() short-cuts stale (R_OP_OFF_THR, opIdleBelow): every change of its
 * cohorts (deliveries, shedding, retirement, exit, a module setting a share) calls this, so the next
 * step runs the full operate().
 */
export function operateStale(st: AgentState, i: number): void {
  st.rec[i * REC + R_OP_OFF_THR] = Infinity;
  st.opIdleBelow[i] = -Infinity;
}

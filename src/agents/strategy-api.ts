// The user strategy API: a TypeScript/JavaScript module named in a scenario (`strategyModule`) that
// replaces any of the built-in policies for the miners that name it. The shell (CLI/batch) imports
// the file and passes the loaded object to `simulate(..., { strategies: { [path]: module } })`; the
// engine never imports files. Hooks see a friendly per-miner view over the struct-of-arrays state.
//
// Example (my-strategy.ts):
//
//   import type { StrategyModule } from 'hashsim/strategy';
//   const strategy: StrategyModule = {
//     name: 'sell-above-80k',
//     sellBtc: (miner, ctx, minedBtc) => (ctx.priceUsd > 80_000 ? miner.treasuryBtc : 0),
//   };
//   export default strategy;
import {
  STATUS_NAMES,
  type AgentState,
  REC,
  R_ACTIVE_EHS,
  R_AI_MW_CONVERTING,
  R_AI_MW_OPERATING,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_COST_USD_PER_DAY,
  R_DEBT_USD,
  operateStale,
  R_TREASURY_BTC,
} from './state.ts';

/** What every hook sees about the world this step. */
export interface StrategyContext {
  /** Day offset from the scenario start of this step. */
  readonly day: number;
  readonly step: number;
  readonly stepDays: number;
  readonly priceUsd: number;
  /** Network hashprice (USD per PH/s per day), gross of pool fees. */
  readonly hashpriceUsdPerPhDay: number;
  /** This miner's revenue per PH/s per day (hashprice net of its pool fee). */
  readonly revenueUsdPerPhDay: number;
  readonly feeBtcPerBlock: number;
  readonly subsidyBtc: number;
  /** Network hashrate of the previous step (EH/s). */
  readonly networkHashrateEHs: number;
  readonly height: number;
  readonly bits: number;
}

/** A cohort of machines, read-only except for switching it on or off. */
export interface CohortView {
  readonly hashrateEHs: number;
  readonly efficiencyJPerTH: number;
  readonly powerPriceUsdPerMWh: number;
  /** Power cost of this cohort per PH/s per day (USD). */
  readonly powerCostUsdPerPhDay: number;
  readonly ageDays: number;
  /** Whether any of the cohort's machines run. */
  readonly on: boolean;
  /** Share of the cohort's machines running (cheapest first), 0..1. */
  readonly runningShare: number;
  /** Index of the cohort's site within the miner's sites. */
  readonly site: number;
}

/** One miner, as a strategy sees it (getters over the engine's arrays; valid during the hook call only). */
export interface MinerView {
  readonly index: number;
  readonly name: string;
  readonly status: 'active' | 'curtailing' | 'pivoting' | 'exited';
  readonly treasuryBtc: number;
  readonly collateralBtc: number;
  readonly cashUsd: number;
  readonly debtUsd: number;
  /** Debt / collateral value at this step's price (0 without debt). */
  readonly ltv: number;
  readonly marginCallOpen: boolean;
  readonly activeHashrateEHs: number;
  readonly installedHashrateEHs: number;
  readonly aiMwOperating: number;
  readonly aiMwConverting: number;
  /** MW of all sites, and MW that could still be converted to AI. */
  readonly siteMw: number;
  readonly aiConvertibleMw: number;
  /** Power + opex + interest per day at the last step (USD). */
  readonly costUsdPerDay: number;
  readonly cohortCount: number;
  cohort(k: number): CohortView;
  /** Switch all of cohort k on or off for this step (operate hook only). */
  setCohortOn(k: number, on: boolean): void;
  /** Run share `share` (0..1, cheapest machines first) of cohort k for this step (operate hook only). */
  setCohortShare(k: number, share: number): void;
}

/**
 * A user strategy: every hook is optional and replaces the built-in policy of the same role for the
 * miners that use this module. Hooks must be pure functions of their arguments (no randomness, no
 * I/O) so runs stay reproducible; a hook that throws fails the run with the miner named.
 */
export interface StrategyModule {
  readonly name?: string;
  /** Operate/curtail: switch cohorts with `miner.setCohortOn` (called after the built-in rule). */
  operate?(miner: MinerView, ctx: StrategyContext): void;
  /** Treasury: BTC to sell this step (after revenue and costs; capped at the free treasury). */
  sellBtc?(miner: MinerView, ctx: StrategyContext, minedBtc: number): number;
  /** AI pivot: MW to start converting now (capped at convertible MW; funded like the built-in rule). */
  aiPivotMw?(miner: MinerView, ctx: StrategyContext): number;
  /** Expansion: EH/s of new machines to order now (capped by free MW and funding). */
  expandEHs?(miner: MinerView, ctx: StrategyContext): number;
  /** Financing: how this step's cash shortfall and capex are funded. */
  financingOrder?(miner: MinerView, ctx: StrategyContext): 'sell-first' | 'borrow-first';
  /** Loans: how to answer a margin call this step. */
  marginCallResponse?(miner: MinerView, ctx: StrategyContext): 'post-collateral' | 'repay';
  /** Voluntary exit: true to leave the network now (insolvency exits happen regardless). */
  exit?(miner: MinerView, ctx: StrategyContext): boolean;
}

/** Mutable context object the engine refills for each hook call (one per run). */
export class MutableStrategyContext implements StrategyContext {
  day = 0;
  step = 0;
  stepDays = 1;
  priceUsd = 0;
  hashpriceUsdPerPhDay = 0;
  revenueUsdPerPhDay = 0;
  feeBtcPerBlock = 0;
  subsidyBtc = 0;
  networkHashrateEHs = 0;
  height = 0;
  bits = 0;
}

class CohortViewImpl implements CohortView {
  constructor(
    private readonly st: AgentState,
    private readonly c: number,
    private readonly day: number,
  ) {}
  get hashrateEHs(): number {
    return this.st.cohortEhs[this.c]!;
  }
  get efficiencyJPerTH(): number {
    return this.st.cohortJPerTH[this.c]!;
  }
  get powerPriceUsdPerMWh(): number {
    return this.st.sitePriceUsdPerMWh[this.st.cohortSite[this.c]!]!;
  }
  get powerCostUsdPerPhDay(): number {
    return this.st.cohortCostPerPhDay[this.c]!;
  }
  get ageDays(): number {
    return this.day - this.st.cohortBirthDay[this.c]!;
  }
  get on(): boolean {
    return this.st.cohortShare[this.c]! > 0;
  }
  get runningShare(): number {
    return this.st.cohortShare[this.c]!;
  }
  get site(): number {
    return this.st.cohortSite[this.c]! - this.st.siteStart[this.st.cohortMiner[this.c]!]!;
  }
}

/** The per-miner view: one object per run, re-pointed at a miner with `at(i)`. */
export class MinerViewImpl implements MinerView {
  index = 0;
  price = 0;
  day = 0;
  constructor(private readonly st: AgentState) {}
  at(i: number, price: number, day: number): this {
    this.index = i;
    this.price = price;
    this.day = day;
    return this;
  }
  get name(): string {
    return this.st.names[this.index]!;
  }
  get status(): MinerView['status'] {
    return STATUS_NAMES[this.st.status[this.index]!]!;
  }
  get treasuryBtc(): number {
    return this.st.rec[this.index * REC + R_TREASURY_BTC]!;
  }
  get collateralBtc(): number {
    return this.st.rec[this.index * REC + R_COLLATERAL_BTC]!;
  }
  get cashUsd(): number {
    return this.st.rec[this.index * REC + R_CASH_USD]!;
  }
  get debtUsd(): number {
    return this.st.rec[this.index * REC + R_DEBT_USD]!;
  }
  get ltv(): number {
    const d = this.debtUsd;
    return d > 0 ? d / (this.collateralBtc * this.price) : 0;
  }
  get marginCallOpen(): boolean {
    return this.st.marginCallDay[this.index]! >= 0;
  }
  get activeHashrateEHs(): number {
    return this.st.rec[this.index * REC + R_ACTIVE_EHS]!;
  }
  get installedHashrateEHs(): number {
    return this.st.installedEhs[this.index]!;
  }
  get aiMwOperating(): number {
    return this.st.rec[this.index * REC + R_AI_MW_OPERATING]!;
  }
  get aiMwConverting(): number {
    return this.st.rec[this.index * REC + R_AI_MW_CONVERTING]!;
  }
  get siteMw(): number {
    let mw = 0;
    for (let s = this.st.siteStart[this.index]!; s < this.st.siteEnd[this.index]!; s++) mw += this.st.siteMw[s]!;
    return mw;
  }
  get aiConvertibleMw(): number {
    let mw = 0;
    for (let s = this.st.siteStart[this.index]!; s < this.st.siteEnd[this.index]!; s++) {
      mw += Math.max(0, this.st.siteMw[s]! * this.st.siteAiShare[s]! - this.st.siteAiMw[s]!);
    }
    return mw;
  }
  get costUsdPerDay(): number {
    return this.st.rec[this.index * REC + R_COST_USD_PER_DAY]!;
  }
  get cohortCount(): number {
    return this.st.cohortEnd[this.index]! - this.st.cohortStart[this.index]!;
  }
  cohort(k: number): CohortView {
    this.checkCohort(k);
    return new CohortViewImpl(this.st, this.st.cohortStart[this.index]! + k, this.day);
  }
  setCohortOn(k: number, on: boolean): void {
    this.checkCohort(k);
    this.st.cohortShare[this.st.cohortStart[this.index]! + k] = on ? 1 : 0;
    this.st.cohortEpoch++;
    operateStale(this.st, this.index);
  }
  setCohortShare(k: number, share: number): void {
    this.checkCohort(k);
    if (!(share >= 0 && share <= 1)) throw new RangeError(`cohort share ${share} is not in 0..1`);
    this.st.cohortShare[this.st.cohortStart[this.index]! + k] = share;
    this.st.cohortEpoch++;
    operateStale(this.st, this.index);
  }
  private checkCohort(k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.cohortCount) {
      throw new RangeError(`cohort index ${k} out of range 0..${this.cohortCount - 1}`);
    }
  }
}

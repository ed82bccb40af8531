// The data collected from a run's model (Agents.jl's "collected data"): the per-sample series
// (series.parquet), the named miners' series (agents.parquet), the security metrics, and the run's
// summary and miners' outcomes. `observe` reads the model after each step; nothing here changes it.
import { difficultyFromBits } from '../consensus/index.ts';
import {
  AgentState,
  STATUS_EXITED,
  STATUS_NAMES,
  NOTE_SLOTS,
  REC,
  R_ACTIVE_EHS,
  R_AI_MW_OPERATING,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_DEBT_USD,
  R_MINED_BTC,
  R_SOLD_BTC,
  R_TREASURY_BTC,
} from '../agents/state.ts';
import { NamedMinerSeries } from './agent-series.ts';
import { MINER_OUTCOME_FIELDS, SERIES_METRICS, type SeriesName } from './metrics.ts';
import { SECONDS_PER_DAY, type RunModel } from './model.ts';
import { SecurityTracker } from './security.ts';
import type { MinerOutcome, RunResult } from './types.ts';

type SeriesColumns = Record<SeriesName, Float64Array>;

/**
 * The series columns as one object literal (the type checks it names every series metric, and no
 * other): V8 keeps a literal's 44 properties fast, where 44 properties added one by one by name
 * (a loop over SERIES_METRICS) turn the object into a dictionary, and each of a row's 44 writes
 * into a hash lookup (~10% of a baseline-2026 run).
 */
function seriesColumns(n: number): SeriesColumns {
  const f = () => new Float64Array(n);
  return {
    price_usd: f(),
    hashrate_ehs: f(),
    agent_hashrate_ehs: f(),
    fringe_hashrate_ehs: f(),
    difficulty: f(),
    bits: f(),
    height: f(),
    blocks: f(),
    block_interval_s: f(),
    hashprice_usd_per_ph_day: f(),
    subsidy_btc: f(),
    fee_btc_per_block: f(),
    block_rewards_btc: f(),
    miners_active: f(),
    miners_curtailing: f(),
    miners_pivoting: f(),
    miners_exited: f(),
    miners_converting: f(),
    treasury_btc: f(),
    collateral_btc: f(),
    sold_btc: f(),
    liquidated_btc: f(),
    fringe_sold_btc: f(),
    sold_cum_btc: f(),
    debt_usd: f(),
    cash_usd: f(),
    margin_calls: f(),
    liquidations: f(),
    exits: f(),
    ai_mw: f(),
    ai_converting_mw: f(),
    mining_mw: f(),
    attack_cost_usd_per_hour: f(),
    attack_cost_usd: f(),
    attack_existing_share: f(),
    security_budget_usd_per_day: f(),
    pool_hhi: f(),
    largest_pool_share: f(),
    hhi: f(),
    pool_balance_btc: f(),
    fringe_installed_ehs: f(),
    fringe_in_transit_ehs: f(),
    secondary_market_ehs: f(),
    asic_usd_per_th: f(),
  };
}

/**
 * Sums of the model's flows over a span of steps: the steps since the last sample (a sample reports
 * the flows of the steps it covers), and the whole run.
 */
class FlowSums {
  blocks = 0;
  rewards = 0;
  sold = 0;
  liquidated = 0;
  fringeSold = 0;
  calls = 0;
  liquidations = 0;
  exits = 0;
  seconds = 0;
  /** Adds the step the model just took. */
  add(m: RunModel): void {
    const flows = m.flows;
    this.blocks += m.blocks;
    this.rewards += m.rewards;
    this.sold += flows.soldBtc;
    this.liquidated += flows.liquidatedBtc;
    this.fringeSold += m.fringeBtc;
    this.calls += flows.marginCalls;
    this.liquidations += flows.liquidations;
    this.exits += flows.exits;
    this.seconds += m.dtDays * SECONDS_PER_DAY;
  }
  clear(): void {
    this.blocks = 0;
    this.rewards = 0;
    this.sold = 0;
    this.liquidated = 0;
    this.fringeSold = 0;
    this.calls = 0;
    this.liquidations = 0;
    this.exits = 0;
    this.seconds = 0;
  }
}

/** Run totals, first days and extremes over every step (the summary's inputs). */
class RunStats {
  readonly total = new FlowSums();
  /** First day of a margin call, liquidation, exit and AI pivot (-1: none yet). */
  firstCall = -1;
  firstLiquidation = -1;
  firstExit = -1;
  firstPivot = -1;
  mwPivoted = 0;
  stepsNoBlocks = 0;
  minPrice = Infinity;
  maxPrice = -Infinity;
  minH = Infinity;
  maxH = -Infinity;
  peakH = 0;
  maxDrawdown = 0;
  minDiff = Infinity;
  maxDiff = -Infinity;
  minHp = Infinity;
  minAttack = Infinity;
  maxHhi = 0;
  minBudget = Infinity;
  lastBudget = 0;
  maxPoolHhi = 0;
  maxLargestPool = 0;
  lastH = 0;
  lastHp = 0;
  lastAttack = 0;
  lastHhi = 0;
}

export class RunCollector {
  readonly sampleDays: Float64Array;
  private readonly cols: SeriesColumns;
  private readonly every: number;
  private sample = 0;
  private readonly agentSeries: NamedMinerSeries;
  private readonly security: SecurityTracker;
  private readonly since = new FlowSums();
  private readonly run = new RunStats();

  constructor(private readonly m: RunModel) {
    const scenario = m.scenario;
    const steps = m.steps;
    const every = scenario.output.sampleEverySteps;
    this.every = every;
    const nSamples = Math.floor((steps - 1) / every) + 1 + ((steps - 1) % every === 0 ? 0 : 1);
    this.sampleDays = new Float64Array(nSamples);
    this.cols = seriesColumns(nSamples);
    this.agentSeries = new NamedMinerSeries(m.st, nSamples); // agents.parquet (src/engine/agent-series.ts)
    const poolIndex = Int32Array.from(scenario.miners, (mi) => (mi.pool === undefined ? -1 : scenario.security.pools.findIndex((p) => p.name === mi.pool)));
    this.security = new SecurityTracker(scenario.security, m.st, m.fringe, poolIndex);
  }

  /** Read the model after step s: flows and extremes every step, a series row at sampled steps. */
  observe(s: number): void {
    const m = this.m;
    const flows = m.flows;
    const run = this.run;
    const since = this.since;
    const day = m.day;
    if (flows.pivotsStarted > 0 && run.firstPivot < 0) run.firstPivot = day;
    run.mwPivoted += flows.mwPivotStarted;
    run.total.add(m);
    since.add(m);
    if (flows.marginCalls > 0 && run.firstCall < 0) run.firstCall = day;
    if (flows.liquidations > 0 && run.firstLiquidation < 0) run.firstLiquidation = day;
    if (flows.exits > 0 && run.firstExit < 0) run.firstExit = day;
    if (m.blocks === 0) run.stepsNoBlocks++;

    const networkEhs = m.networkEhs;
    const hp = m.hp;
    const difficulty = difficultyFromBits(m.chain.bits);
    // Security (engine/security.ts): the budget and pools every step; the attack, which scans the
    // agents' cohorts for idle machines, at sampled steps (and the last).
    const security = this.security;
    const budget = networkEhs * 1000 * hp;
    security.updatePools(networkEhs);
    const sampled = s % this.every === 0 || s === m.steps - 1;
    if (sampled) security.updateAttack(networkEhs, hp, day);
    const attack = security.attackUsd / m.scenario.security.attackHours;
    run.minBudget = Math.min(run.minBudget, budget);
    run.lastBudget = budget;
    run.maxPoolHhi = Math.max(run.maxPoolHhi, security.poolHhi);
    run.maxLargestPool = Math.max(run.maxLargestPool, security.largestPoolShare);
    run.minPrice = Math.min(run.minPrice, m.priceUsd);
    run.maxPrice = Math.max(run.maxPrice, m.priceUsd);
    run.minH = Math.min(run.minH, networkEhs);
    run.maxH = Math.max(run.maxH, networkEhs);
    run.peakH = Math.max(run.peakH, networkEhs);
    if (run.peakH > 0) run.maxDrawdown = Math.max(run.maxDrawdown, 100 * (1 - networkEhs / run.peakH));
    run.minDiff = Math.min(run.minDiff, difficulty);
    run.maxDiff = Math.max(run.maxDiff, difficulty);
    run.minHp = Math.min(run.minHp, hp);
    if (sampled) run.minAttack = Math.min(run.minAttack, attack);
    run.maxHhi = Math.max(run.maxHhi, m.hhi);
    run.lastH = networkEhs;
    run.lastHp = hp;
    run.lastAttack = attack;
    run.lastHhi = m.hhi;
    if (sampled) this.row(difficulty, budget, attack);
  }

  /** One row of series.parquet (and of the named miners' series): the state now, flows since the last row. */
  private row(difficulty: number, budget: number, attack: number): void {
    const m = this.m;
    const c = this.cols;
    const chain = m.chain;
    const tot = m.tot;
    const fringe = m.fringe;
    const security = this.security;
    const since = this.since;
    const j = this.sample++;
    this.sampleDays[j] = m.day;
    this.agentSeries.sample(j, m.priceUsd);
    c.price_usd[j] = m.priceUsd;
    c.hashrate_ehs[j] = m.networkEhs;
    c.agent_hashrate_ehs[j] = m.networkEhs - m.fringeEhs;
    c.fringe_hashrate_ehs[j] = m.fringeEhs;
    c.difficulty[j] = difficulty;
    c.bits[j] = chain.bits;
    c.height[j] = chain.height;
    c.blocks[j] = since.blocks;
    c.block_interval_s[j] = since.blocks > 0 ? since.seconds / since.blocks : chain.time - chain.lastBlockTime;
    c.hashprice_usd_per_ph_day[j] = m.hp;
    c.subsidy_btc[j] = chain.subsidyBtc;
    c.fee_btc_per_block[j] = m.feeBtc;
    c.block_rewards_btc[j] = since.rewards;
    c.miners_active[j] = tot.nActive;
    c.miners_curtailing[j] = tot.nCurt;
    c.miners_pivoting[j] = tot.nPiv;
    c.miners_exited[j] = m.exited;
    c.miners_converting[j] = tot.nConv;
    c.treasury_btc[j] = tot.treasury;
    c.collateral_btc[j] = tot.collateral;
    c.sold_btc[j] = since.sold;
    c.liquidated_btc[j] = since.liquidated;
    c.fringe_sold_btc[j] = since.fringeSold;
    c.sold_cum_btc[j] = this.run.total.sold + this.run.total.liquidated;
    c.debt_usd[j] = tot.debt;
    c.cash_usd[j] = tot.cash;
    c.margin_calls[j] = since.calls;
    c.liquidations[j] = since.liquidations;
    c.exits[j] = since.exits;
    c.ai_mw[j] = tot.aiMw;
    c.ai_converting_mw[j] = tot.aiConv;
    c.mining_mw[j] = tot.mw;
    c.attack_cost_usd_per_hour[j] = attack;
    c.attack_cost_usd[j] = security.attackUsd;
    c.attack_existing_share[j] = security.existingShare;
    c.security_budget_usd_per_day[j] = budget;
    c.pool_hhi[j] = security.poolHhi;
    c.largest_pool_share[j] = security.largestPoolShare;
    c.hhi[j] = m.hhi;
    c.pool_balance_btc[j] = m.poolBalance;
    c.fringe_installed_ehs[j] = fringe === null ? 0 : fringe.installedEHs();
    c.fringe_in_transit_ehs[j] = fringe === null ? 0 : fringe.inTransitEHs();
    c.secondary_market_ehs[j] = fringe === null ? 0 : fringe.secondaryEHs();
    c.asic_usd_per_th[j] = fringe === null ? 0 : fringe.asicUsdPerTH;
    since.clear();
  }

  /** The series columns in the documented order (SERIES_METRICS), the order of the result files' columns. */
  private series(): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const def of SERIES_METRICS) out[def.name] = this.cols[def.name];
    return out;
  }

  /** The run's result: series, summary, named miners' outcomes and series. */
  result(): RunResult {
    const m = this.m;
    return {
      runIndex: m.runIndex,
      sampleDays: this.sampleDays,
      series: this.series(),
      summary: runSummary(m, this.run, this.security),
      miners: namedOutcomes(m.st),
      agents: this.agentSeries.result(this.sample),
    };
  }
}

const nul = (x: number): number | null => (x < 0 ? null : x);

/**
 * The run's summary (summary metrics of metrics.ts, in that order). A function of its own, not
 * inlined into the step loop's code, so that a field's representation settling (a day first null,
 * then a small integer, then a fraction, at a data-dependent run) deoptimizes only this function.
 */
function runSummary(m: RunModel, run: RunStats, security: SecurityTracker): Record<string, number | null> {
  const st = m.st;
  const chain = m.chain;
  const fringe = m.fringe;
  const attackHours = m.scenario.security.attackHours;
  let finalTreasury = 0;
  let finalCollateral = 0;
  let finalDebt = 0;
  let aiFinal = 0;
  let minedTotal = 0;
  let initialTotal = 0;
  for (let i = 0; i < st.n; i++) {
    minedTotal += st.rec[i * REC + R_MINED_BTC]!;
    initialTotal += st.initialBtc[i]!;
  }
  for (let k = 0; k < m.nAlive; k++) {
    const i = m.alive[k]!;
    finalTreasury += st.rec[i * REC + R_TREASURY_BTC]!;
    finalCollateral += st.rec[i * REC + R_COLLATERAL_BTC]!;
    finalDebt += st.rec[i * REC + R_DEBT_USD]!;
    aiFinal += st.rec[i * REC + R_AI_MW_OPERATING]!;
  }
  return {
    final_price_usd: m.priceUsd,
    min_price_usd: run.minPrice,
    max_price_usd: run.maxPrice,
    final_hashrate_ehs: run.lastH,
    min_hashrate_ehs: run.minH,
    max_hashrate_ehs: run.maxH,
    max_hashrate_drawdown_pct: run.maxDrawdown,
    final_difficulty: difficultyFromBits(chain.bits),
    min_difficulty: run.minDiff,
    max_difficulty: run.maxDiff,
    final_hashprice_usd_per_ph_day: run.lastHp,
    min_hashprice_usd_per_ph_day: run.minHp,
    final_height: chain.height,
    blocks: chain.blocks,
    retargets: chain.retargets,
    halvings: chain.halvings,
    mean_block_interval_s: chain.blocks > 0 ? chain.time / chain.blocks : null,
    max_block_interval_s: chain.maxGap,
    steps_without_blocks: run.stepsNoBlocks,
    block_rewards_total_btc: run.total.rewards,
    initial_btc: initialTotal,
    mined_total_btc: minedTotal,
    sold_total_btc: run.total.sold,
    liquidated_total_btc: run.total.liquidated,
    fringe_sold_total_btc: run.total.fringeSold,
    margin_calls_total: run.total.calls,
    liquidations_total: run.total.liquidations,
    miners_total: st.n,
    miners_exited: m.exited,
    mw_pivoted: run.mwPivoted,
    ai_mw_final: aiFinal,
    first_margin_call_day: nul(run.firstCall),
    first_liquidation_day: nul(run.firstLiquidation),
    first_exit_day: nul(run.firstExit),
    first_pivot_day: nul(run.firstPivot),
    final_treasury_btc: finalTreasury,
    final_collateral_btc: finalCollateral,
    final_debt_usd: finalDebt,
    final_attack_cost_usd_per_hour: run.lastAttack,
    min_attack_cost_usd_per_hour: run.minAttack,
    final_hhi: run.lastHhi,
    max_hhi: run.maxHhi,
    final_attack_cost_usd: run.lastAttack * attackHours,
    final_security_budget_usd_per_day: run.lastBudget,
    min_security_budget_usd_per_day: run.minBudget,
    final_pool_hhi: security.poolHhi,
    max_pool_hhi: run.maxPoolHhi,
    max_largest_pool_share: run.maxLargestPool,
    pool_balance_btc: m.poolBalance,
    fringe_ordered_total_ehs: fringe === null ? 0 : fringe.orderedEHs,
    scrapped_total_ehs: (fringe === null ? 0 : fringe.scrappedEHs) + m.scrappedNoMarket,
    calibration_draw: m.scenario.calibration?.drawIndex ?? null,
  };
}

/** Principal of a miner's notes outstanding (USD). */
function notesOutstanding(st: AgentState, i: number): number {
  let x = 0;
  for (let k = i * NOTE_SLOTS; k < (i + 1) * NOTE_SLOTS; k++) x += st.notePrincipalUsd[k]!;
  return x;
}

/**
 * The named miners' outcomes. A function of its own (too large to be inlined) so that the `values`
 * literal's fields settling their representation (a day is first null, then a small integer, then
 * maybe a fraction, at a data-dependent run) deoptimizes only this small function, not the step
 * loop's optimized code (~100 ms of TurboFan each time, on every Monte Carlo worker).
 */
function namedOutcomes(st: AgentState): MinerOutcome[] {
  const miners: MinerOutcome[] = [];
  for (let i = 0; i < st.namedCount; i++) {
    const values: Record<(typeof MINER_OUTCOME_FIELDS)[number]['name'], number | null> = {
      initial_btc: st.initialBtc[i]!,
      mined_btc: st.rec[i * REC + R_MINED_BTC]!,
      sold_btc: st.rec[i * REC + R_SOLD_BTC]!,
      liquidated_btc: st.liquidatedBtc[i]!,
      final_treasury_btc: st.rec[i * REC + R_TREASURY_BTC]!,
      final_collateral_btc: st.rec[i * REC + R_COLLATERAL_BTC]!,
      final_cash_usd: st.rec[i * REC + R_CASH_USD]!,
      final_debt_usd: st.rec[i * REC + R_DEBT_USD]!,
      final_hashrate_ehs: st.status[i] === STATUS_EXITED ? 0 : st.rec[i * REC + R_ACTIVE_EHS]!,
      installed_hashrate_ehs: st.status[i] === STATUS_EXITED ? 0 : st.installedEhs[i]!,
      margin_calls: st.marginCalls[i]!,
      liquidations: st.liquidations[i]!,
      first_margin_call_day: nul(st.firstMarginCallDay[i]!),
      first_liquidation_day: nul(st.firstLiquidationDay[i]!),
      exit_day: nul(st.exitDay[i]!),
      first_pivot_day: nul(st.firstPivotDay[i]!),
      mw_pivoted: st.mwPivoted[i]!,
      ai_mw: st.rec[i * REC + R_AI_MW_OPERATING]!,
      blocks_won: st.blocksWon[i]!,
      capex_usd: st.capexDrawnUsd[i]!,
      notes_issued_usd: st.notesIssuedUsd[i]!,
      final_notes_usd: notesOutstanding(st, i),
      prepayments_usd: st.prepaymentsUsd[i]!,
      loan_refinancings: st.loanRefinancings[i]!,
    };
    miners.push({ name: st.names[i]!, status: STATUS_NAMES[st.status[i]!]!, values });
  }
  return miners;
}

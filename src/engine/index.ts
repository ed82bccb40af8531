// One seeded run of a scenario: the step loop. Pure: no I/O, threads, clock or Math.random; the
// result is a function of (scenario, seed, runIndex, crnKey) only. See docs/MODEL.md.
import { createDifficultyAlgorithm, difficultyFromBits, MAINNET } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { createFeeProcess, createPriceProcess } from '../market/index.ts';
import { deriveStream, type RandomStream } from '../random/index.ts';
import type { Scenario } from '../scenario/schema.ts';
import { btcPerPhDay, hashpriceUsdPerPhDay, powerCostUsdPerPhDay } from '../agents/economics.ts';
import { NetworkSupply, type SupplyWorld } from '../agents/supply.ts';
import { fringeForWindow, realHistory } from '../calibrate/history.ts';
import { StepFlows } from '../agents/policies.ts';
import type { PoliciesInput } from '../agents/schema.ts';
import {
  AgentState,
  buildAgentState,
  STATUS_EXITED,
  STATUS_NAMES,
  NOTE_SLOTS,
  REC,
  R_ACTIVE_EHS,
  R_AI_MW_OPERATING,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_DEBT_USD,
  R_EMA_ALPHA,
  R_MINED_BTC,
  R_SOLD_BTC,
  R_TREASURY_BTC,
  R_WON_BTC,
} from '../agents/state.ts';
import { checkFinite, decideMiners, settleMiners, StepTotals } from './loop.ts';
import type { StrategyModule } from '../agents/strategy-api.ts';
import { CustomStrategies } from './custom.ts';
import { NamedMinerSeries } from './agent-series.ts';
import { BlockProcess, type BlockSink, type RetargetHook } from './blocks.ts';
import { MINER_OUTCOME_FIELDS, SERIES_METRICS, SUMMARY_METRICS } from './metrics.ts';
import { SecurityTracker } from './security.ts';
import { scenarioStart, type EngineStart } from './start.ts';
export { scenarioStart, type EngineStart } from './start.ts';
import type { MinerOutcome, RunResult } from './types.ts';

export { SERIES_METRICS, SUMMARY_METRICS, MINER_OUTCOME_FIELDS } from './metrics.ts';
export type { MetricDef, SummaryDef, SeriesName, SummaryName } from './metrics.ts';
export type { RunResult, MinerOutcome } from './types.ts';
export { BlockProcess, type BlockSink, type RetargetHook } from './blocks.ts';

export interface SimulateOptions {
  /** Master seed of the batch. */
  readonly seed: string | number;
  /** Monte Carlo run index, 0-based. */
  readonly runIndex: number;
  /**
   * Identity under which random streams are derived (default "hashsim", NOT the scenario name):
   * two scenarios run with the same seed and run index see the same price shocks, fee draws and
   * block-arrival uniforms (common random numbers). Pass a distinct key to decorrelate them.
   */
  readonly crnKey?: string;
  /** User strategy modules, keyed by the `strategyModule` path the scenario names. */
  readonly strategies?: Readonly<Record<string, StrategyModule>>;
  /** The chain tip to start from (default: the scenario's start, resolved by the scenario module). */
  readonly start?: EngineStart;
  /** Called at every retarget (diagnostics and tests). */
  readonly onRetarget?: RetargetHook;
}

const SECONDS_PER_DAY = 86_400;

/** Assigns each block's reward: fringe, FPPS pool, or a solo miner (binary search by hashrate). */
class RewardSink implements BlockSink {
  lottery = true;
  rng: RandomStream;
  total = 0;
  fringe = 0;
  pool = 0;
  soloCount = 0;
  readonly soloCum: Float64Array;
  readonly soloIdx: Int32Array;
  fringeBtc = 0;
  poolBtc = 0;
  constructor(
    private readonly st: AgentState,
    rng: RandomStream,
  ) {
    this.rng = rng;
    this.soloCum = new Float64Array(st.n);
    this.soloIdx = new Int32Array(st.n);
  }
  onBlock(reward: number): void {
    if (!this.lottery) return;
    let u = this.rng.uniform() * this.total;
    if (u < this.fringe) {
      this.fringeBtc += reward;
      return;
    }
    u -= this.fringe;
    if (u < this.pool || this.soloCount === 0) {
      this.poolBtc += reward;
      return;
    }
    u -= this.pool;
    const cum = this.soloCum;
    let lo = 0;
    let hi = this.soloCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    const i = this.soloIdx[lo]!;
    this.st.rec[i * REC + R_WON_BTC] = this.st.rec[i * REC + R_WON_BTC]! + reward;
    this.st.blocksWon[i] = this.st.blocksWon[i]! + 1;
  }
}

function resolveEngineStart(scenario: Scenario, given: EngineStart | undefined): EngineStart {
  return given ?? scenarioStart(scenario);
}

function nonFinite(runIndex: number, step: number, day: number, what: string, value: number): never {
  throw new HashsimError(`run ${runIndex}, step ${step} (day ${day}): ${what} is ${value} (NaN/Infinity in the model state)`, 3);
}

/** Days to the next halving (at 600 s per block) and the hashprice ratio across it (fees held). */
function setHalvingOutlook(world: SupplyWorld, height: number, subsidyBtc: number, feeBtc: number): void {
  // The first halving block after the next block (height + 1, whose subsidy is subsidyBtc).
  const interval = MAINNET.subsidyHalvingInterval;
  const next = (Math.floor((height + 1) / interval) + 1) * interval;
  world.daysToHalving = ((next - height) * 600) / SECONDS_PER_DAY;
  world.postHalvingRatio = subsidyBtc + feeBtc > 0 ? (subsidyBtc / 2 + feeBtc) / (subsidyBtc + feeBtc) : 1;
}

/**
 * The fringe's supply at the start. Its running hashrate is the scenario's number, or 'realized':
 * the real network's realized hashrate over the last epoch completed before the start, less the
 * agents' running hashrate at the start (their cohorts' start shares), so the network starts at the
 * real hashrate rather than at whatever the miner list adds up to.
 */
function startSupply(scenario: Scenario, st: AgentState, world: SupplyWorld, start: EngineStart): NetworkSupply {
  const given = scenario.fringe!;
  // The fleet inferred from the real network's history at the start (the calibration's convention).
  const cfg = given.fleet === 'history' ? fringeForWindow(given, realHistory('', []), start.time) : given;
  const supply = new NetworkSupply(cfg, { stepDays: scenario.stepDays, horizonDays: scenario.horizonDays, startTime: start.time });
  let running: number;
  if (cfg.hashrateEHs === 'realized') {
    if (start.realizedHashrateEHs === undefined) {
      throw new HashsimError(`fringe.hashrateEHs: 'realized' needs a start whose last completed retarget epoch is in the retarget data (start.date/start.height)`);
    }
    let agents = 0;
    for (let c = 0; c < st.nCohorts; c++) agents += st.cohortEhs[c]! * st.cohortShare[c]!;
    running = start.realizedHashrateEHs - agents;
    if (!(running >= 0)) {
      throw new HashsimError(
        `fringe.hashrateEHs: 'realized' gives ${running.toFixed(1)} EH/s: the agents run ${agents.toFixed(1)} EH/s at the start, more than the realized ${start.realizedHashrateEHs.toFixed(1)} EH/s of the network`,
      );
    }
  } else {
    running = cfg.hashrateEHs;
  }
  supply.start(running, world);
  return supply;
}

/**
 * Steps between two checks of the fringe's machine conservation. The check sums every pipeline and
 * installed bin (~12% of a baseline-2026 run when done every step); a broken balance stays broken
 * (nothing in the model restores it), so a check every 32 steps and at the last one catches every
 * violation, naming the window of steps it broke in.
 */
export const MACHINE_CHECK_EVERY_STEPS = 32;

/** Machines are conserved in the supply (initial + ordered + released = where they are now). */
function checkMachines(supply: NetworkSupply, runIndex: number, step: number, day: number): void {
  const r = supply.conservationResidual();
  const scale = supply.initialEHs + supply.orderedEHs + supply.releasedEHs;
  if (!(Math.abs(r) <= 1e-9 * (1 + scale))) {
    throw new HashsimError(
      `run ${runIndex}, step ${step} (day ${day}): machines not conserved in the fringe supply (residual ${r} EH/s; checked every ${MACHINE_CHECK_EVERY_STEPS} steps: it broke in steps ${Math.floor(step / MACHINE_CHECK_EVERY_STEPS) * MACHINE_CHECK_EVERY_STEPS}-${step})`,
      3,
    );
  }
}

/**
 * Simulate one seeded run of a validated scenario (ScenarioSchema output). Returns per-step series at
 * the scenario's sampling interval, a per-run summary and the named miners' outcomes.
 */
export function simulate(scenario: Scenario, options: SimulateOptions): RunResult {
  const { seed, runIndex } = options;
  const crn = options.crnKey ?? 'hashsim';
  const stream = (component: string) => deriveStream({ seed, scenario: crn, runIndex, component });
  const stepDays = scenario.stepDays;
  const steps = Math.ceil(scenario.horizonDays / stepDays);
  const start = resolveEngineStart(scenario, options.start);

  const price = createPriceProcess(scenario.price, stream('price'), { stepDays, horizonSteps: steps });
  const fees = createFeeProcess(scenario.fees, stream('fees'), { stepDays });
  const algo = createDifficultyAlgorithm(scenario.difficulty, {
    height: start.height,
    bits: start.bits,
    time: start.time,
    ...(start.epochFirstBlockTime !== undefined ? { epochFirstBlockTime: start.epochFirstBlockTime } : {}),
  });
  const chain = new BlockProcess(algo, start.height, start.time, stream('blocks'), options.onRetarget);

  let priceUsd = price.initialUsd;
  let feeBtc = fees.next(0);
  const startBtcPerPhDay = btcPerPhDay(chain.hashesPerBlock, chain.subsidyBtc + feeBtc);
  const customBundles: Readonly<Record<string, PoliciesInput>> = scenario.strategies;
  const st = buildAgentState(scenario.miners, scenario.populations, stream('population'), { priceUsd, btcPerPhDay: startBtcPerPhDay }, customBundles, stream('finance'));
  const custom = new CustomStrategies(st, options.strategies ?? {});
  const world: SupplyWorld = { hashpriceUsdPerPhDay: startBtcPerPhDay * priceUsd, daysToHalving: 0, postHalvingRatio: 1 };
  setHalvingOutlook(world, chain.height, chain.subsidyBtc, feeBtc);
  const fringe = scenario.fringe ? startSupply(scenario, st, world, start) : null;
  if (fringe !== null) {
    st.releaseClassJPerTH = fringe.classJPerTH.slice(0, fringe.nInitialClasses);
    st.releasedByClass = new Float64Array(fringe.nInitialClasses);
  }
  // Machines released by agents with no fringe to sell them to are scrapped (EH/s).
  let scrappedNoMarket = 0;
  const noiseSd = scenario.fringe?.noise.sdLog ?? 0;
  const noiseRng = noiseSd > 0 ? stream('fringe-noise') : null;
  let noiseFactor = 1;
  let noiseUntil = -Infinity;
  const poolIndex = Int32Array.from(scenario.miners, (m) => (m.pool === undefined ? -1 : scenario.security.pools.findIndex((p) => p.name === m.pool)));
  const security = new SecurityTracker(scenario.security, st, fringe, poolIndex);
  const sink = new RewardSink(st, stream('winners'));
  sink.lottery = scenario.rewards === 'lottery';
  const flows = new StepFlows();
  const tot = new StepTotals();

  // Live (not exited) miners, compacted when miners exit: work is proportional to live miners.
  const alive = new Int32Array(st.n);
  let nAlive = st.n;
  for (let i = 0; i < st.n; i++) alive[i] = i;
  // EMA weights of the AI decision's hashprice average, per miner (constant for the run).
  for (let i = 0; i < st.n; i++) st.rec[i * REC + R_EMA_ALPHA] = -Math.expm1(-stepDays / st.aiLookbackDays[i]!);

  // --- outputs
  const every = scenario.output.sampleEverySteps;
  const nSamples = Math.floor((steps - 1) / every) + 1 + ((steps - 1) % every === 0 ? 0 : 1);
  const sampleDays = new Float64Array(nSamples);
  const cols: Record<string, Float64Array> = {};
  for (const m of SERIES_METRICS) cols[m.name] = new Float64Array(nSamples);
  const c = cols as Record<(typeof SERIES_METRICS)[number]['name'], Float64Array>;
  let sample = 0;
  const agentSeries = new NamedMinerSeries(st, nSamples); // agents.parquet (src/engine/agent-series.ts)

  // --- accumulators since the last sample
  let accBlocks = 0;
  let accRewards = 0;
  let accSold = 0;
  let accLiquidated = 0;
  let accFringeSold = 0;
  let accCalls = 0;
  let accLiqs = 0;
  let accExits = 0;
  let accSeconds = 0;
  // --- run totals
  let totRewards = 0;
  let totSold = 0;
  let totLiquidated = 0;
  let totFringeSold = 0;
  let totCalls = 0;
  let totLiqs = 0;
  let exited = 0;
  let poolBalance = 0;
  let netSoldPrev = 0;
  let issuedPrev = 0;
  let firstCall = -1;
  let firstLiq = -1;
  let firstExit = -1;
  let firstPivot = -1;
  let mwPivoted = 0;
  let stepsNoBlocks = 0;
  let minPrice = Infinity;
  let maxPrice = -Infinity;
  let minH = Infinity;
  let maxH = -Infinity;
  let peakH = 0;
  let maxDrawdown = 0;
  let minDiff = Infinity;
  let maxDiff = -Infinity;
  let minHp = Infinity;
  let minAttack = Infinity;
  let maxHhi = 0;
  let minBudget = Infinity;
  let lastBudget = 0;
  let maxPoolHhi = 0;
  let maxLargestPool = 0;
  let lastH = 0;
  let lastHp = 0;
  let lastAttack = 0;
  let lastHhi = 0;
  let prevNetworkEhs = 0;

  for (let s = 0; s < steps; s++) {
    const day = s * stepDays;
    const dtDays = Math.min(stepDays, scenario.horizonDays - day);
    if (s > 0) {
      priceUsd = price.next(s, netSoldPrev, issuedPrev);
      feeBtc = fees.next(s);
    }
    if (!(priceUsd > 0) || !Number.isFinite(priceUsd)) nonFinite(runIndex, s, day, 'price_usd', priceUsd);
    if (!(feeBtc >= 0) || !Number.isFinite(feeBtc)) nonFinite(runIndex, s, day, 'fee_btc_per_block', feeBtc);
    const hp = hashpriceUsdPerPhDay(chain.hashesPerBlock, chain.subsidyBtc + feeBtc, priceUsd);
    custom.setWorld(s, day, stepDays, priceUsd, hp, feeBtc, chain.subsidyBtc, prevNetworkEhs, chain.height, chain.bits);
    // The AI decision's view of the next halving (days and the hashprice ratio across it).
    setHalvingOutlook(world, chain.height, chain.subsidyBtc, feeBtc);
    st.daysToHalving = world.daysToHalving;
    st.halvingRatio = world.postHalvingRatio;
    flows.reset();

    // ---- decisions: deliveries, AI pivots, expansion, operate/curtail; build the reward tables
    decideMiners(st, alive, nAlive, s, day, dtDays, hp, priceUsd, custom, flows, sink, tot);
    const agentEhs = tot.agentEhs;
    const poolEhs = tot.poolEhs;
    const soloN = tot.soloN;
    const mw = tot.mw;
    if (flows.pivotsStarted > 0 && firstPivot < 0) firstPivot = day;
    mwPivoted += flows.mwPivotStarted;
    // Machines agents released since the last step enter the secondary market.
    const released = st.releasedByClass;
    for (let v = 0; v < released.length; v++) {
      if (fringe !== null) fringe.release(v, released[v]!);
      else scrappedNoMarket += released[v]!;
      released[v] = 0;
    }
    let fringeEhs = 0;
    if (fringe !== null) {
      world.hashpriceUsdPerPhDay = hp;
      fringeEhs = fringe.update(world, day);
      if (s % MACHINE_CHECK_EVERY_STEPS === MACHINE_CHECK_EVERY_STEPS - 1 || s === steps - 1) checkMachines(fringe, runIndex, s, day);
      // Model discrepancy (fringe.noise): a fresh log-normal factor on the running hashrate every
      // periodDays; machines are untouched (uptime, weather and relocations the model misses).
      if (noiseSd > 0) {
        if (day >= noiseUntil) {
          noiseFactor = Math.exp(noiseRng!.normal(0, noiseSd));
          noiseUntil = day + scenario.fringe!.noise.periodDays;
        }
        fringeEhs *= noiseFactor;
      }
    }
    const networkEhs = agentEhs + fringeEhs;
    if (!Number.isFinite(networkEhs)) {
      if (!Number.isFinite(fringeEhs)) nonFinite(runIndex, s, day, 'fringe hashrate', fringeEhs);
      checkFinite(st, runIndex, s, day);
      nonFinite(runIndex, s, day, 'network hashrate', networkEhs);
    }
    sink.total = networkEhs;
    sink.fringe = fringeEhs;
    sink.pool = poolEhs;
    sink.soloCount = soloN;
    sink.fringeBtc = 0;
    sink.poolBtc = 0;

    // ---- blocks during the step
    const heightBefore = chain.height;
    chain.advance(networkEhs, (day + dtDays) * SECONDS_PER_DAY, feeBtc, sink, `run ${runIndex}, step ${s} (day ${day})`);
    const rewards = chain.rewardsBtc;
    const perEhs = chain.rewardPerEhs;
    let fringeBtc = sink.fringeBtc;
    let poolIn = sink.poolBtc;
    const expectedShare = networkEhs > 0 ? rewards / networkEhs : 0;
    if (!sink.lottery) {
      fringeBtc = fringeEhs * expectedShare;
      poolIn = poolEhs * expectedShare;
    }
    poolBalance += poolIn;
    totFringeSold += fringeBtc;
    accFringeSold += fringeBtc;

    // ---- settlement: revenue, costs, treasury, loans, financing, exit
    const k2 = settleMiners(st, alive, nAlive, day, dtDays, hp, priceUsd, perEhs, expectedShare, sink.lottery, custom, flows, tot);
    poolBalance -= tot.poolPaid;
    const { treasury, collateral, cash, debt, aiMw, aiConv, nActive, nCurt, nPiv, nConv } = tot;
    // Shares of the network's hashrate; the fringe is atomistic (many small miners: share^2 -> 0),
    // so HHI is 0 when only the fringe mines (docs/MODEL.md).
    const hhi = networkEhs > 0 ? tot.agentSq / (networkEhs * networkEhs) : 0;
    exited += nAlive - k2;
    nAlive = k2;
    const agg = treasury + collateral + cash + debt + aiMw + aiConv;
    if (!Number.isFinite(agg)) {
      checkFinite(st, runIndex, s, day);
      nonFinite(runIndex, s, day, 'the sum of agent balances', agg);
    }
    if (!Number.isFinite(poolBalance)) nonFinite(runIndex, s, day, 'pool balance', poolBalance);

    // ---- run-level bookkeeping
    netSoldPrev = flows.soldBtc + flows.liquidatedBtc + fringeBtc;
    issuedPrev = rewards;
    totRewards += rewards;
    totSold += flows.soldBtc;
    totLiquidated += flows.liquidatedBtc;
    totCalls += flows.marginCalls;
    totLiqs += flows.liquidations;
    if (flows.marginCalls > 0 && firstCall < 0) firstCall = day;
    if (flows.liquidations > 0 && firstLiq < 0) firstLiq = day;
    if (flows.exits > 0 && firstExit < 0) firstExit = day;
    const blocks = chain.height - heightBefore;
    if (blocks === 0) stepsNoBlocks++;
    accBlocks += blocks;
    accRewards += rewards;
    accSold += flows.soldBtc;
    accLiquidated += flows.liquidatedBtc;
    accCalls += flows.marginCalls;
    accLiqs += flows.liquidations;
    accExits += flows.exits;
    accSeconds += dtDays * SECONDS_PER_DAY;
    const difficulty = difficultyFromBits(chain.bits);
    // Security (engine/security.ts): the budget and pools every step; the attack, which scans the
    // agents' cohorts for idle machines, at sampled steps (and the last).
    const budget = networkEhs * 1000 * hp;
    security.updatePools(networkEhs);
    const sampled = s % every === 0 || s === steps - 1;
    if (sampled) security.updateAttack(networkEhs, hp, day);
    const attack = security.attackUsd / scenario.security.attackHours;
    minBudget = Math.min(minBudget, budget);
    lastBudget = budget;
    maxPoolHhi = Math.max(maxPoolHhi, security.poolHhi);
    maxLargestPool = Math.max(maxLargestPool, security.largestPoolShare);
    minPrice = Math.min(minPrice, priceUsd);
    maxPrice = Math.max(maxPrice, priceUsd);
    minH = Math.min(minH, networkEhs);
    maxH = Math.max(maxH, networkEhs);
    peakH = Math.max(peakH, networkEhs);
    if (peakH > 0) maxDrawdown = Math.max(maxDrawdown, 100 * (1 - networkEhs / peakH));
    minDiff = Math.min(minDiff, difficulty);
    maxDiff = Math.max(maxDiff, difficulty);
    minHp = Math.min(minHp, hp);
    if (sampled) minAttack = Math.min(minAttack, attack);
    maxHhi = Math.max(maxHhi, hhi);
    lastH = networkEhs;
    lastHp = hp;
    lastAttack = attack;
    lastHhi = hhi;
    prevNetworkEhs = networkEhs;

    if (sampled) {
      const j = sample++;
      sampleDays[j] = day;
      agentSeries.sample(j, priceUsd);
      c.price_usd[j] = priceUsd;
      c.hashrate_ehs[j] = networkEhs;
      c.agent_hashrate_ehs[j] = networkEhs - fringeEhs;
      c.fringe_hashrate_ehs[j] = fringeEhs;
      c.difficulty[j] = difficulty;
      c.bits[j] = chain.bits;
      c.height[j] = chain.height;
      c.blocks[j] = accBlocks;
      c.block_interval_s[j] = accBlocks > 0 ? accSeconds / accBlocks : chain.time - chain.lastBlockTime;
      c.hashprice_usd_per_ph_day[j] = hp;
      c.subsidy_btc[j] = chain.subsidyBtc;
      c.fee_btc_per_block[j] = feeBtc;
      c.block_rewards_btc[j] = accRewards;
      c.miners_active[j] = nActive;
      c.miners_curtailing[j] = nCurt;
      c.miners_pivoting[j] = nPiv;
      c.miners_exited[j] = exited;
      c.miners_converting[j] = nConv;
      c.treasury_btc[j] = treasury;
      c.collateral_btc[j] = collateral;
      c.sold_btc[j] = accSold;
      c.liquidated_btc[j] = accLiquidated;
      c.fringe_sold_btc[j] = accFringeSold;
      c.sold_cum_btc[j] = totSold + totLiquidated;
      c.debt_usd[j] = debt;
      c.cash_usd[j] = cash;
      c.margin_calls[j] = accCalls;
      c.liquidations[j] = accLiqs;
      c.exits[j] = accExits;
      c.ai_mw[j] = aiMw;
      c.ai_converting_mw[j] = aiConv;
      c.mining_mw[j] = mw;
      c.attack_cost_usd_per_hour[j] = attack;
      c.attack_cost_usd[j] = security.attackUsd;
      c.attack_existing_share[j] = security.existingShare;
      c.security_budget_usd_per_day[j] = budget;
      c.pool_hhi[j] = security.poolHhi;
      c.largest_pool_share[j] = security.largestPoolShare;
      c.hhi[j] = hhi;
      c.pool_balance_btc[j] = poolBalance;
      c.fringe_installed_ehs[j] = fringe === null ? 0 : fringe.installedEHs();
      c.fringe_in_transit_ehs[j] = fringe === null ? 0 : fringe.inTransitEHs();
      c.secondary_market_ehs[j] = fringe === null ? 0 : fringe.secondaryEHs();
      c.asic_usd_per_th[j] = fringe === null ? 0 : fringe.asicUsdPerTH;
      accBlocks = 0;
      accRewards = 0;
      accSold = 0;
      accLiquidated = 0;
      accFringeSold = 0;
      accCalls = 0;
      accLiqs = 0;
      accExits = 0;
      accSeconds = 0;
    }
  }

  // ---- summary
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
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    finalTreasury += st.rec[i * REC + R_TREASURY_BTC]!;
    finalCollateral += st.rec[i * REC + R_COLLATERAL_BTC]!;
    finalDebt += st.rec[i * REC + R_DEBT_USD]!;
    aiFinal += st.rec[i * REC + R_AI_MW_OPERATING]!;
  }
  const nul = (x: number) => (x < 0 ? null : x);
  const summary: Record<string, number | null> = {
    final_price_usd: priceUsd,
    min_price_usd: minPrice,
    max_price_usd: maxPrice,
    final_hashrate_ehs: lastH,
    min_hashrate_ehs: minH,
    max_hashrate_ehs: maxH,
    max_hashrate_drawdown_pct: maxDrawdown,
    final_difficulty: difficultyFromBits(chain.bits),
    min_difficulty: minDiff,
    max_difficulty: maxDiff,
    final_hashprice_usd_per_ph_day: lastHp,
    min_hashprice_usd_per_ph_day: minHp,
    final_height: chain.height,
    blocks: chain.blocks,
    retargets: chain.retargets,
    halvings: chain.halvings,
    mean_block_interval_s: chain.blocks > 0 ? chain.time / chain.blocks : null,
    max_block_interval_s: chain.maxGap,
    steps_without_blocks: stepsNoBlocks,
    block_rewards_total_btc: totRewards,
    initial_btc: initialTotal,
    mined_total_btc: minedTotal,
    sold_total_btc: totSold,
    liquidated_total_btc: totLiquidated,
    fringe_sold_total_btc: totFringeSold,
    margin_calls_total: totCalls,
    liquidations_total: totLiqs,
    miners_total: st.n,
    miners_exited: exited,
    mw_pivoted: mwPivoted,
    ai_mw_final: aiFinal,
    first_margin_call_day: nul(firstCall),
    first_liquidation_day: nul(firstLiq),
    first_exit_day: nul(firstExit),
    first_pivot_day: nul(firstPivot),
    final_treasury_btc: finalTreasury,
    final_collateral_btc: finalCollateral,
    final_debt_usd: finalDebt,
    final_attack_cost_usd_per_hour: lastAttack,
    min_attack_cost_usd_per_hour: minAttack,
    final_hhi: lastHhi,
    max_hhi: maxHhi,
    final_attack_cost_usd: lastAttack * scenario.security.attackHours,
    final_security_budget_usd_per_day: lastBudget,
    min_security_budget_usd_per_day: minBudget,
    final_pool_hhi: security.poolHhi,
    max_pool_hhi: maxPoolHhi,
    max_largest_pool_share: maxLargestPool,
    pool_balance_btc: poolBalance,
    fringe_ordered_total_ehs: fringe === null ? 0 : fringe.orderedEHs,
    scrapped_total_ehs: (fringe === null ? 0 : fringe.scrappedEHs) + scrappedNoMarket,
    calibration_draw: scenario.calibration?.drawIndex ?? null,
  };

  const miners = namedOutcomes(st);
  return { runIndex, sampleDays, series: cols, summary, miners, agents: agentSeries.result(sample) };
}

/**
 * The named miners' outcomes. A function of its own (too large to be inlined) so that the `values`
 * literal's fields settling their representation (a day is first null, then a small integer, then
 * maybe a fraction, at a data-dependent run) deoptimizes only this small function, not simulate's
 * optimized and OSR code (~100 ms of TurboFan each time, on every Monte Carlo worker).
 */
/** Principal of a miner's notes outstanding (USD). */
function notesOutstanding(st: AgentState, i: number): number {
  let x = 0;
  for (let k = i * NOTE_SLOTS; k < (i + 1) * NOTE_SLOTS; k++) x += st.notePrincipalUsd[k]!;
  return x;
}

function namedOutcomes(st: AgentState): MinerOutcome[] {
  const nul = (x: number) => (x < 0 ? null : x);
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

// The model of one run (Agents.jl's shape: the model, its step, and the data collected from it in
// collect.ts): the world (price, fees, the chain), the agents and the fringe. `step(s)` advances it
// by one step; what the collector reads (the step's prices, hashrates, rewards, totals) is left in
// the model's fields. Pure: no I/O, threads, clock or Math.random.
import { createDifficultyAlgorithm, MAINNET } from '../consensus/index.ts';
import { HashsimError } from '../errors.ts';
import { createFeeProcess, createPriceProcess, type FeeProcess, type PriceProcess } from '../market/index.ts';
import { deriveStream, type RandomStream } from '../random/index.ts';
import type { Scenario } from '../scenario/schema.ts';
import { btcPerPhDay, hashpriceUsdPerPhDay } from '../agents/economics.ts';
import { NetworkSupply, type SupplyWorld } from '../agents/supply.ts';
import { fringeForWindow, realHistory } from '../calibrate/history.ts';
import { StepFlows } from '../agents/policies.ts';
import type { PoliciesInput } from '../agents/schema.ts';
import { AgentState, buildAgentState, REC, R_EMA_ALPHA, R_WON_BTC } from '../agents/state.ts';
import type { StrategyModule } from '../agents/strategy-api.ts';
import { checkFinite, decideMiners, settleMiners, StepTotals } from './loop.ts';
import { CustomStrategies } from './custom.ts';
import { BlockProcess, type BlockSink, type RetargetHook } from './blocks.ts';
import { scenarioStart, type EngineStart } from './start.ts';

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

export const SECONDS_PER_DAY = 86_400;

/**
 * Steps between two checks of the fringe's machine conservation. The check sums every pipeline and
 * installed bin (~12% of a baseline-2026 run when done every step); a broken balance stays broken
 * (nothing in the model restores it), so a check every 32 steps and at the last one catches every
 * violation, naming the window of steps it broke in.
 */
export const MACHINE_CHECK_EVERY_STEPS = 32;

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

export function nonFinite(runIndex: number, step: number, day: number, what: string, value: number): never {
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

/** One run's model: its components, and after each `step(s)` that step's outcome in the fields below. */
export class RunModel {
  readonly runIndex: number;
  readonly scenario: Scenario;
  readonly steps: number;
  readonly stepDays: number;
  readonly price: PriceProcess;
  readonly fees: FeeProcess;
  readonly chain: BlockProcess;
  readonly st: AgentState;
  readonly custom: CustomStrategies;
  /** The fringe (the network's other miners), or null when the scenario has none. */
  readonly fringe: NetworkSupply | null;
  readonly flows = new StepFlows();
  readonly tot = new StepTotals();
  /** Live (not exited) miners, compacted when miners exit: work is proportional to live miners. */
  readonly alive: Int32Array;
  nAlive: number;
  /** The AI decision's and the fringe's view of the world (hashprice, halving outlook). */
  private readonly world: SupplyWorld;
  private readonly sink: RewardSink;
  private readonly noiseSd: number;
  private readonly noiseRng: RandomStream | null;
  private noiseFactor = 1;
  private noiseUntil = -Infinity;
  /** The price process's feedback: BTC sold and issued in the previous step. */
  private netSoldPrev = 0;
  private issuedPrev = 0;

  // ---- the state the step leaves (read by the collector)
  day = 0;
  dtDays = 0;
  priceUsd: number;
  feeBtc: number;
  /** Hashprice at the step's start-of-step difficulty (USD per PH/s-day). */
  hp = 0;
  networkEhs = 0;
  fringeEhs = 0;
  /** Block rewards of the step (BTC) and blocks found. */
  rewards = 0;
  blocks = 0;
  /** BTC the fringe earned in the step (it sells it all). */
  fringeBtc = 0;
  /** Herfindahl index of the step's hashrate shares (agents; the fringe is atomistic). */
  hhi = 0;
  /** The FPPS pool's balance: paid in by its blocks, paid out to its miners (BTC). */
  poolBalance = 0;
  exited = 0;
  /** Machines released by agents with no fringe to sell them to are scrapped (EH/s). */
  scrappedNoMarket = 0;

  constructor(scenario: Scenario, options: SimulateOptions) {
    const { seed, runIndex } = options;
    const crn = options.crnKey ?? 'hashsim';
    const stream = (component: string) => deriveStream({ seed, scenario: crn, runIndex, component });
    this.runIndex = runIndex;
    this.scenario = scenario;
    const stepDays = scenario.stepDays;
    this.stepDays = stepDays;
    this.steps = Math.ceil(scenario.horizonDays / stepDays);
    const start = options.start ?? scenarioStart(scenario);

    this.price = createPriceProcess(scenario.price, stream('price'), { stepDays, horizonSteps: this.steps });
    this.fees = createFeeProcess(scenario.fees, stream('fees'), { stepDays });
    const algo = createDifficultyAlgorithm(scenario.difficulty, {
      height: start.height,
      bits: start.bits,
      time: start.time,
      ...(start.epochFirstBlockTime !== undefined ? { epochFirstBlockTime: start.epochFirstBlockTime } : {}),
    });
    this.chain = new BlockProcess(algo, start.height, start.time, stream('blocks'), options.onRetarget);

    this.priceUsd = this.price.initialUsd;
    this.feeBtc = this.fees.next(0);
    const startBtcPerPhDay = btcPerPhDay(this.chain.hashesPerBlock, this.chain.subsidyBtc + this.feeBtc);
    const customBundles: Readonly<Record<string, PoliciesInput>> = scenario.strategies;
    const st = buildAgentState(scenario.miners, scenario.populations, stream('population'), { priceUsd: this.priceUsd, btcPerPhDay: startBtcPerPhDay }, customBundles, stream('finance'));
    this.st = st;
    this.custom = new CustomStrategies(st, options.strategies ?? {});
    this.world = { hashpriceUsdPerPhDay: startBtcPerPhDay * this.priceUsd, daysToHalving: 0, postHalvingRatio: 1 };
    setHalvingOutlook(this.world, this.chain.height, this.chain.subsidyBtc, this.feeBtc);
    this.fringe = scenario.fringe ? startSupply(scenario, st, this.world, start) : null;
    if (this.fringe !== null) {
      st.releaseClassJPerTH = this.fringe.classJPerTH.slice(0, this.fringe.nInitialClasses);
      st.releasedByClass = new Float64Array(this.fringe.nInitialClasses);
    }
    this.noiseSd = scenario.fringe?.noise.sdLog ?? 0;
    this.noiseRng = this.noiseSd > 0 ? stream('fringe-noise') : null;
    this.sink = new RewardSink(st, stream('winners'));
    this.sink.lottery = scenario.rewards === 'lottery';

    this.alive = new Int32Array(st.n);
    this.nAlive = st.n;
    for (let i = 0; i < st.n; i++) this.alive[i] = i;
    // EMA weights of the AI decision's hashprice average, per miner (constant for the run).
    for (let i = 0; i < st.n; i++) st.rec[i * REC + R_EMA_ALPHA] = -Math.expm1(-stepDays / st.aiLookbackDays[i]!);
  }

  /** Advance one step: market, decisions, supply, blocks, settlement. */
  step(s: number): void {
    const st = this.st;
    const chain = this.chain;
    const flows = this.flows;
    const tot = this.tot;
    const runIndex = this.runIndex;
    const stepDays = this.stepDays;
    const day = s * stepDays;
    const dtDays = Math.min(stepDays, this.scenario.horizonDays - day);
    this.day = day;
    this.dtDays = dtDays;
    if (s > 0) {
      this.priceUsd = this.price.next(s, this.netSoldPrev, this.issuedPrev);
      this.feeBtc = this.fees.next(s);
    }
    const priceUsd = this.priceUsd;
    const feeBtc = this.feeBtc;
    if (!(priceUsd > 0) || !Number.isFinite(priceUsd)) nonFinite(runIndex, s, day, 'price_usd', priceUsd);
    if (!(feeBtc >= 0) || !Number.isFinite(feeBtc)) nonFinite(runIndex, s, day, 'fee_btc_per_block', feeBtc);
    const hp = hashpriceUsdPerPhDay(chain.hashesPerBlock, chain.subsidyBtc + feeBtc, priceUsd);
    this.hp = hp;
    this.custom.setWorld(s, day, stepDays, priceUsd, hp, feeBtc, chain.subsidyBtc, this.networkEhs, chain.height, chain.bits);
    // The AI decision's view of the next halving (days and the hashprice ratio across it).
    setHalvingOutlook(this.world, chain.height, chain.subsidyBtc, feeBtc);
    st.daysToHalving = this.world.daysToHalving;
    st.halvingRatio = this.world.postHalvingRatio;
    flows.reset();

    // ---- decisions: deliveries, AI pivots, expansion, operate/curtail; build the reward tables
    const sink = this.sink;
    decideMiners(st, this.alive, this.nAlive, s, day, dtDays, hp, priceUsd, this.custom, flows, sink, tot);

    // ---- the fringe: machines agents released enter its secondary market; its running hashrate
    const fringeEhs = this.supplyStep(s, day, hp);
    const networkEhs = tot.agentEhs + fringeEhs;
    if (!Number.isFinite(networkEhs)) {
      if (!Number.isFinite(fringeEhs)) nonFinite(runIndex, s, day, 'fringe hashrate', fringeEhs);
      checkFinite(st, runIndex, s, day);
      nonFinite(runIndex, s, day, 'network hashrate', networkEhs);
    }
    this.fringeEhs = fringeEhs;
    this.networkEhs = networkEhs;

    // ---- blocks during the step
    sink.total = networkEhs;
    sink.fringe = fringeEhs;
    sink.pool = tot.poolEhs;
    sink.soloCount = tot.soloN;
    sink.fringeBtc = 0;
    sink.poolBtc = 0;
    const heightBefore = chain.height;
    chain.advance(networkEhs, (day + dtDays) * SECONDS_PER_DAY, feeBtc, sink, `run ${runIndex}, step ${s} (day ${day})`);
    const rewards = chain.rewardsBtc;
    this.rewards = rewards;
    this.blocks = chain.height - heightBefore;
    const expectedShare = networkEhs > 0 ? rewards / networkEhs : 0;
    let fringeBtc = sink.fringeBtc;
    let poolIn = sink.poolBtc;
    if (!sink.lottery) {
      fringeBtc = fringeEhs * expectedShare;
      poolIn = tot.poolEhs * expectedShare;
    }
    this.fringeBtc = fringeBtc;
    this.poolBalance += poolIn;

    // ---- settlement: revenue, costs, treasury, loans, financing, exit
    const k2 = settleMiners(st, this.alive, this.nAlive, day, dtDays, hp, priceUsd, chain.rewardPerEhs, expectedShare, sink.lottery, this.custom, flows, tot);
    this.poolBalance -= tot.poolPaid;
    // Shares of the network's hashrate; the fringe is atomistic (many small miners: share^2 -> 0),
    // so HHI is 0 when only the fringe mines (docs/MODEL.md).
    this.hhi = networkEhs > 0 ? tot.agentSq / (networkEhs * networkEhs) : 0;
    this.exited += this.nAlive - k2;
    this.nAlive = k2;
    const agg = tot.treasury + tot.collateral + tot.cash + tot.debt + tot.aiMw + tot.aiConv;
    if (!Number.isFinite(agg)) {
      checkFinite(st, runIndex, s, day);
      nonFinite(runIndex, s, day, 'the sum of agent balances', agg);
    }
    if (!Number.isFinite(this.poolBalance)) nonFinite(runIndex, s, day, 'pool balance', this.poolBalance);
    // The price process's feedback in the next step: what was sold, and what was issued.
    this.netSoldPrev = flows.soldBtc + flows.liquidatedBtc + fringeBtc;
    this.issuedPrev = rewards;
  }

  /** The fringe's step: released machines in, its running hashrate out (EH/s; 0 without a fringe). */
  private supplyStep(s: number, day: number, hp: number): number {
    const released = this.st.releasedByClass;
    const fringe = this.fringe;
    for (let v = 0; v < released.length; v++) {
      if (fringe !== null) fringe.release(v, released[v]!);
      else this.scrappedNoMarket += released[v]!;
      released[v] = 0;
    }
    if (fringe === null) return 0;
    this.world.hashpriceUsdPerPhDay = hp;
    let fringeEhs = fringe.update(this.world, day);
    if (s % MACHINE_CHECK_EVERY_STEPS === MACHINE_CHECK_EVERY_STEPS - 1 || s === this.steps - 1) checkMachines(fringe, this.runIndex, s, day);
    // Model discrepancy (fringe.noise): a fresh log-normal factor on the running hashrate every
    // periodDays; machines are untouched (uptime, weather and relocations the model misses).
    if (this.noiseSd > 0) {
      if (day >= this.noiseUntil) {
        this.noiseFactor = Math.exp(this.noiseRng!.normal(0, this.noiseSd));
        this.noiseUntil = day + this.scenario.fringe!.noise.periodDays;
      }
      fringeEhs *= this.noiseFactor;
    }
    return fringeEhs;
  }
}

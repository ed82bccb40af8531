// The per-miner passes of one step, over the packed per-miner record (agents/state.ts). Two
// functions so V8 optimises each loop on its own. Every rule is a function of agents/policies.ts
// (or economics.ts) called from here; the loops only skip a call when the function's own first test
// says it would not act (so results are the same as calling it every step).
import {
  aiPivot,
  drawBuilds,
  financeEvents,
  deleverage,
  deliver,
  exitMiner,
  expand,
  monitorLoan,
  operate,
  operateArgs,
  expandArgs,
  POLICY_ARGS,
  coverShortfall,
  treasuryPolicy,
  type StepFlows,
} from '../agents/policies.ts';
import {
  AgentState,
  KIND_AI,
  KIND_EXPAND,
  KIND_MODE_SHIFT,
  KIND_MODULE,
  KIND_SOLO,
  REC,
  R_ACTIVE_EHS,
  R_AI_MW_CONVERTING,
  R_AI_MW_OPERATING,
  R_AI_REVIEW_DAY,
  R_COUPON_USD_PER_YEAR,
  R_NEXT_EVENT_DAY,
  R_CASH_DAYS,
  R_CASH_USD,
  R_COLLATERAL_BTC,
  R_COST_USD_PER_DAY,
  R_DEBT_USD,
  R_LOAN_TRIGGER_LTV,
  R_EMA_ALPHA,
  R_EXPAND_COOLDOWN_DAYS,
  R_HASHPRICE_EMA,
  R_LAST_ORDER_DAY,
  R_MARGIN_CALL_LTV,
  R_MAX_PRINCIPAL_USD,
  R_MINED_BTC,
  R_MIN_CASH_USD,
  R_MINING_MW,
  R_OP_OFF_THR,
  R_OPEX_USD_PER_DAY,
  R_ORIGINATION_LTV,
  R_PENDING_EHS,
  R_POOL_FEE,
  R_POWER_USD_PER_DAY,
  R_RATE_ANNUAL,
  R_SELL_FRACTION,
  R_SOLD_BTC,
  R_TREASURY_BTC,
  R_WON_BTC,
  STATUS_ACTIVE,
  STATUS_CURTAILING,
  STATUS_EXITED,
  STATUS_PIVOTING,
  TREASURY_HODL,
  TREASURY_KEEP_CASH,
  TREASURY_SELL_ALL,
  TREASURY_SELL_FRACTION,
} from '../agents/state.ts';
import { dailyCostUsd, interestUsd, paybackDays } from '../agents/economics.ts';
import { HashsimError } from '../errors.ts';
import type { CustomStrategies } from './custom.ts';

/** Miner fields checked for NaN/Infinity, in the order they are reported (name, record slot or array). */
const MINER_FIELDS: readonly (readonly [string, number | ((st: AgentState) => Float64Array)])[] = [
  ['treasuryBtc', R_TREASURY_BTC],
  ['collateralBtc', R_COLLATERAL_BTC],
  ['cashUsd', R_CASH_USD],
  ['debtUsd', R_DEBT_USD],
  ['activeEhs', R_ACTIVE_EHS],
  ['installedEhs', (st) => st.installedEhs],
  ['powerUsdPerDay', R_POWER_USD_PER_DAY],
  ['costUsdPerDay', R_COST_USD_PER_DAY],
  ['aiMwOperating', R_AI_MW_OPERATING],
  ['aiMwConverting', R_AI_MW_CONVERTING],
  ['hashpriceEma', R_HASHPRICE_EMA],
  ['pendingEhs', R_PENDING_EHS],
];

/**
 * Throw a HashsimError naming run, step, day, miner and field for the first non-finite miner field
 * (the engine calls it only when a per-step aggregate came out non-finite, so the hot path pays one
 * isFinite per step).
 */
export function checkFinite(st: AgentState, runIndex: number, step: number, day: number): void {
  for (let i = 0; i < st.n; i++) {
    for (const [name, where] of MINER_FIELDS) {
      const v = typeof where === 'number' ? st.rec[i * REC + where]! : where(st)[i]!;
      if (!Number.isFinite(v)) {
        throw new HashsimError(`run ${runIndex}, step ${step} (day ${day}), miner "${st.names[i]}": ${name} is ${v} (NaN/Infinity in the model state)`, 3);
      }
    }
  }
}

/** Solo-miner reward table the block sink searches (cumulative active hashrate). */
export interface SoloTable {
  readonly soloCum: Float64Array;
  readonly soloIdx: Int32Array;
}

/** Totals of one step over live miners (one object per run, fixed shape). */
export class StepTotals {
  agentEhs = 0;
  poolEhs = 0;
  soloN = 0;
  mw = 0;
  poolPaid = 0;
  treasury = 0;
  collateral = 0;
  cash = 0;
  debt = 0;
  aiMw = 0;
  aiConv = 0;
  /** Sum over live agents of (running EH/s)^2, for the HHI (index.ts divides by network^2). */
  agentSq = 0;
  nActive = 0;
  nCurt = 0;
  nPiv = 0;
  /** Live miners with an AI conversion in progress (any status). */
  nConv = 0;
}

/**
 * Decisions of every live miner for the step; fills the solo reward table. The policy functions are
 * called only when they could act: each gate below is the policy's own first test (or a bound that
 * implies it), so results are byte-identical to calling them unconditionally.
 */
export function decideMiners(
  st: AgentState,
  alive: Int32Array,
  nAlive: number,
  step: number,
  day: number,
  dtDays: number,
  hp: number,
  priceUsd: number,
  custom: CustomStrategies,
  flows: StepFlows,
  table: SoloTable,
  tot: StepTotals,
): void {
  // Record slots and codes, read once per step into locals (agents/state.ts is the only layout).
  const ACTIVE = R_ACTIVE_EHS;
  const POOL_FEE = R_POOL_FEE;
  const CONVERTING = R_AI_MW_CONVERTING;
  const EMA = R_HASHPRICE_EMA;
  const PENDING = R_PENDING_EHS;
  const OFF_THR = R_OP_OFF_THR;
  const MINING_MW = R_MINING_MW;
  const LAST_ORDER = R_LAST_ORDER_DAY;
  const COOLDOWN = R_EXPAND_COOLDOWN_DAYS;
  const AI_REVIEW = R_AI_REVIEW_DAY;
  const NEXT_EVENT = R_NEXT_EVENT_DAY;
  const EMA_ALPHA = R_EMA_ALPHA;
  const AI_OP = R_AI_MW_OPERATING;
  const K_SOLO = KIND_SOLO;
  const K_AI = KIND_AI;
  const K_EXPAND = KIND_EXPAND;
  const K_MODULE = KIND_MODULE;
  const S_ACTIVE = STATUS_ACTIVE;
  const S_CURTAILING = STATUS_CURTAILING;
  const S_PIVOTING = STATUS_PIVOTING;
  const R = REC;
  const args = POLICY_ARGS;
  let agentEhs = 0;
  let poolEhs = 0;
  let soloN = 0;
  let soloCum = 0;
  let mw = 0;
  let agentSq = 0;
  let nConv = 0;
  const rec = st.rec;
  const installedEhs = st.installedEhs;
  const soloCumArr = table.soloCum;
  const soloIdx = table.soloIdx;
  const kinds = st.kind;
  const moduleIndex = st.moduleIndex;
  const pendingDay = st.pendingDay;
  const machineUsdPerTH = st.machineUsdPerTH;
  const expandJPerTH = st.expandJPerTH;
  const minSitePrice = st.minSitePriceUsdPerMWh;
  const paybackMax = st.paybackDays;
  const status = st.status;
  const first = step === 0;
  // Status counts of the step's live miners (settleMiners takes exits off).
  const counts = STATUS_COUNTS;
  counts[0] = 0;
  counts[1] = 0;
  counts[2] = 0;
  counts[3] = 0;
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    const b = i * R;
    const rev = hp * (1 - rec[b + POOL_FEE]!);
    const kind = kinds[i]!;
    const ai = (kind & K_AI) !== 0;
    // The revenue average is read only by the AI rule, which only K_AI miners run (K_AI is fixed at
    // setup): the others skip it, and their first cache line stays clean in a steady state.
    if (ai) rec[b + EMA] = first ? rev : rec[b + EMA]! + rec[b + EMA_ALPHA]! * (rev - rec[b + EMA]!);
    // deliver()'s own test: an order whose delivery day has come.
    if (rec[b + PENDING]! > 0 && !(day < pendingDay[i]!)) deliver(st, i, day);
    // financeEvents' own test: a build, note or loan event is due.
    if (!(day < rec[b + NEXT_EVENT]!)) financeEvents(st, i, day, flows, priceUsd);
    let conv = rec[b + CONVERTING]!;
    let curtailed: boolean;
    if ((kind & K_MODULE) !== 0) {
      curtailed = decideCustom(st, i, moduleIndex[i]!, rev, priceUsd, day, dtDays, custom, flows);
      conv = rec[b + CONVERTING]!;
    } else {
      // K_AI is set only when the deal can ever pass (state.ts); the miner reviews on its days.
      if (ai && !(day < rec[b + AI_REVIEW]!)) {
        aiPivot(st, i, priceUsd, day, flows);
        conv = rec[b + CONVERTING]!;
      }
      if ((kind & K_EXPAND) !== 0 && !(rec[b + PENDING]! > 0) && !(day - rec[b + LAST_ORDER]! < rec[b + COOLDOWN]!)) {
        // Payback is shortest at the miner's cheapest site: if it fails there, expand() would
        // find no site (payback is monotone in the power price), so it is not called.
        if (paybackDays(machineUsdPerTH[i]!, rev, expandJPerTH[i]!, minSitePrice[i]!) < paybackMax[i]!) {
          args[0] = rev;
          args[1] = priceUsd;
          expandArgs(st, i, day, flows);
        }
      }
      // operate() would switch nothing off (revenue covers its costliest running cohort) and,
      // with every installed cohort running, nothing on: the step changes nothing, skip it
      // (OFF_THR is +Infinity whenever that is not known, so the test fails; revenue is finite).
      if (!(rev < rec[b + OFF_THR]!)) curtailed = false;
      else {
        args[0] = rev;
        args[1] = dtDays;
        curtailed = operateArgs(st, i);
      }
    }
    // Status by what the miner's hashrate does (docs/MODEL.md, "Miner status"): a conversion
    // of one tranche while the rest of the fleet mines does not make a miner 'pivoting'.
    const a = rec[b + ACTIVE]!;
    if (conv > 0) nConv++;
    let stt = S_ACTIVE;
    if (!(a > 0) && !(installedEhs[i]! > 0) && (conv > 0 || rec[b + AI_OP]! > 0)) stt = S_PIVOTING;
    else if (curtailed || !(a > 0)) stt = S_CURTAILING;
    status[i] = stt;
    counts[stt]!++;
    agentEhs += a;
    // Every miner that ran this step, including one that exits at this step's settlement.
    agentSq += a * a;
    mw += rec[b + MINING_MW]!;
    if ((kind & K_SOLO) !== 0) {
      // (settlement zeroes the BTC won, R_WON_BTC, after booking it)
      if (a > 0) {
        soloCum += a;
        soloCumArr[soloN] = soloCum;
        soloIdx[soloN] = i;
        soloN++;
      }
    } else if (a > 0) {
      poolEhs += a;
    }
  }
  tot.agentEhs = agentEhs;
  tot.poolEhs = poolEhs;
  tot.soloN = soloN;
  tot.mw = mw;
  tot.agentSq = agentSq;
  tot.nConv = nConv;
}

/** Decisions of a miner with a user strategy module (the general path, hooks in the documented order). */
function decideCustom(
  st: AgentState,
  i: number,
  mod: number,
  rev: number,
  priceUsd: number,
  day: number,
  dtDays: number,
  custom: CustomStrategies,
  flows: StepFlows,
): boolean {
  custom.prepare(i, mod, rev, priceUsd);
  if (custom.hasPivot(mod)) custom.pivot(i, mod, rev, priceUsd, day, flows);
  else if ((st.kind[i]! & KIND_AI) !== 0 && !(day < st.rec[i * REC + R_AI_REVIEW_DAY]!)) aiPivot(st, i, priceUsd, day, flows);
  if (custom.hasExpand(mod)) custom.expand(i, mod, rev, priceUsd, day, flows);
  else if (st.expandOn[i] === 1) expand(st, i, rev, priceUsd, day, flows);
  let curtailed = operate(st, i, rev, dtDays);
  if (custom.hasOperate(mod)) curtailed = custom.operate(i, mod, rev);
  return curtailed;
}

/**
 * Settlement of every live miner: revenue, costs, treasury policy, loans, financing, exit.
 * Compacts `alive` (exited miners drop out) and returns the new live count. Each rule is the policy
 * function of agents/policies.ts (small functions V8 inlines); the loop only gates the rarer ones
 * by their own first test (de-leveraging and the lender's checks, the shortfall's financing, exit),
 * so results are byte-identical to calling every one every step.
 */
export function settleMiners(
  st: AgentState,
  alive: Int32Array,
  nAlive: number,
  day: number,
  dtDays: number,
  hp: number,
  priceUsd: number,
  perEhs: number,
  expectedShare: number,
  lottery: boolean,
  custom: CustomStrategies,
  flows: StepFlows,
  tot: StepTotals,
): number {
  // Record slots, read once per step into locals (agents/state.ts is the only layout).
  const ACTIVE = R_ACTIVE_EHS;
  const WON = R_WON_BTC;
  const POOL_FEE = R_POOL_FEE;
  const TREASURY = R_TREASURY_BTC;
  const MINED = R_MINED_BTC;
  const DEBT = R_DEBT_USD;
  const RATE = R_RATE_ANNUAL;
  const AI_OP = R_AI_MW_OPERATING;
  const POWER = R_POWER_USD_PER_DAY;
  const OPEX = R_OPEX_USD_PER_DAY;
  const COST = R_COST_USD_PER_DAY;
  const CASH = R_CASH_USD;
  const COLL = R_COLLATERAL_BTC;
  const LOAN_TRIGGER = R_LOAN_TRIGGER_LTV;
  const MIN_CASH = R_MIN_CASH_USD;
  const CONVERTING = R_AI_MW_CONVERTING;
  const COUPON = R_COUPON_USD_PER_YEAR;
  const rec = st.rec;
  const R = REC;
  let treasury = 0;
  let collateral = 0;
  let cash = 0;
  let debt = 0;
  let aiMw = 0;
  let aiConv = 0;
  let poolPaid = 0;
  let k2 = 0;
  // Status counts from decideMiners (the status does not change in between); exits are taken off.
  const counts = STATUS_COUNTS;
  const kinds = st.kind;
  const aiRev = st.aiRevenueUsdPerMwYear;
  const aiMargin = st.aiMarginShare;
  const aiCredit = st.aiPrepayCreditUsdPerYear;
  const buildDraw = st.buildDrawUsdPerDay;
  const moduleIndex = st.moduleIndex;
  const status = st.status;
  const callDay = st.marginCallDay;
  const yearFrac = dtDays / 365;
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    const b = i * R;
    const a = rec[b + ACTIVE]!;
    let mined: number;
    const kind = kinds[i]!;
    if ((kind & KIND_SOLO) !== 0) {
      if (lottery) {
        // Won in this step's blocks (onBlock adds to it); zeroed for the next step's blocks.
        mined = rec[b + WON]!;
        rec[b + WON] = 0;
      } else mined = a * expectedShare;
    } else {
      mined = a * perEhs * (1 - rec[b + POOL_FEE]!);
      poolPaid += mined;
    }
    // (most solo miners win nothing in a step: their treasury line is then only read)
    if (mined !== 0) {
      rec[b + TREASURY] = rec[b + TREASURY]! + mined;
      rec[b + MINED] = rec[b + MINED]! + mined;
    }
    const d = rec[b + DEBT]!;
    // The rate sits with the fields read only with debt (its own cache line); without debt the
    // interest is 0 either way (rates are finite).
    const interest = d !== 0 ? interestUsd(d, rec[b + RATE]!, yearFrac) : 0;
    // Rent net of the tenant's prepayment being recouped (aiCredit: from the first AI revenue on);
    // +0 without AI MW (revenue, margin >= 0 by the schema).
    const op = rec[b + AI_OP]!;
    const aiIncome = op === 0 ? 0 : (op * aiRev[i]! * aiMargin[i]! - aiCredit[i]!) * yearFrac;
    // Coupons of the miner's notes, and capex drawn by its builds in progress (policies.ts).
    const couponPerYear = rec[b + COUPON]!;
    const draws = buildDraw[i]! > 0 ? drawBuilds(st, i, day, dtDays) : 0;
    const pw = rec[b + POWER]!;
    const ox = rec[b + OPEX]!;
    rec[b + COST] = dailyCostUsd(pw, ox, interest, dtDays, couponPerYear);
    rec[b + CASH] = rec[b + CASH]! + aiIncome - (pw + ox) * dtDays - interest - couponPerYear * yearFrac - draws;

    const mod = (kind & KIND_MODULE) !== 0 ? moduleIndex[i]! : -1;
    if (mod >= 0 && custom.hasSell(mod)) custom.sell(i, mod, mined, hp, priceUsd, flows);
    else treasuryPolicy(st, i, mined, priceUsd, flows);
    if (rec[b + DEBT]! > 0) {
      // deleverage's and monitorLoan's own test: below every trigger with no call open neither acts
      // (LOAN_TRIGGER = min(marginCallLtv, deleverageAtLtv if on)).
      const ltv = rec[b + DEBT]! / (rec[b + COLL]! * priceUsd);
      if (callDay[i]! >= 0 || ltv >= rec[b + LOAN_TRIGGER]!) {
        deleverage(st, i, priceUsd, flows);
        monitorLoan(st, i, priceUsd, day, flows);
      }
    }
    const floor = rec[b + MIN_CASH]!;
    // Cash at or above the floor can neither need financing nor be below floor - tolerance.
    if (rec[b + CASH]! < floor) {
      coverShortfall(st, i, floor - rec[b + CASH]!, priceUsd, flows);
      if (rec[b + CASH]! < floor - 1e-6 * (1 + Math.abs(floor))) {
        counts[status[i]!]!--;
        exitMiner(st, i, priceUsd, day, flows);
        continue;
      }
    }
    if (mod >= 0 && custom.wantsExit(i, mod, hp, priceUsd)) {
      counts[status[i]!]!--;
      exitMiner(st, i, priceUsd, day, flows);
      continue;
    }
    alive[k2++] = i;
    treasury += rec[b + TREASURY]!;
    collateral += rec[b + COLL]!;
    cash += rec[b + CASH]!;
    debt += rec[b + DEBT]!;
    aiMw += op;
    aiConv += rec[b + CONVERTING]!;
  }
  tot.treasury = treasury;
  tot.collateral = collateral;
  tot.cash = cash;
  tot.debt = debt;
  tot.aiMw = aiMw;
  tot.aiConv = aiConv;
  tot.nActive = counts[STATUS_ACTIVE]!;
  tot.nCurt = counts[STATUS_CURTAILING]!;
  tot.nPiv = counts[STATUS_PIVOTING]!;
  tot.poolPaid = poolPaid;
  return k2;
}

/** Status counts of the step, shared by decideMiners and settleMiners (no allocation per step). */
const STATUS_COUNTS = new Int32Array(4);

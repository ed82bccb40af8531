// The per-miner passes of one step, over the packed per-miner record (agents/state.ts). Two
// functions so V8 optimises each loop on its own; the policies' common paths are written out here
// (same operations in the same order as agents/policies.ts, which handles the rarer paths).
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
  sellCollateralForCash,
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
  // Record slots as literals (V8 folds function-local constants; LAYOUT_CHECK below keeps them
  // equal to the layout in agents/state.ts).
  const ACTIVE = 0;
  const POOL_FEE = 1;
  const CONVERTING = 2;
  const EMA = 6;
  const PENDING = 3;
  const OFF_THR = 4;
  const MINING_MW = 5;
  const LAST_ORDER = 30;
  const COOLDOWN = 31;
  const AI_REVIEW = 29;
  const NEXT_EVENT = 27;
  const WON = 8;
  const EMA_ALPHA = 7;
  const AI_OP = 13;
  // Flag and status codes, also as function-local literals (checked in LAYOUT_CHECK).
  const K_SOLO = 1;
  const K_AI = 2;
  const K_EXPAND = 4;
  const K_MODULE = 8;
  const S_ACTIVE = 0;
  const S_CURTAILING = 1;
  const S_PIVOTING = 2;
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
    const b = i * 32; // REC
    const rev = hp * (1 - rec[b + POOL_FEE]!);
    const kind = kinds[i]!;
    const ai = (kind & K_AI) !== 0;
    // The revenue average (read only by the AI rule) is kept for every miner: skipping it behind the
    // AI flag, a branch random across miners, measured no faster (its slots share the first line).
    rec[b + EMA] = first ? rev : rec[b + EMA]! + rec[b + EMA_ALPHA]! * (rev - rec[b + EMA]!);
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
        // paybackDays() of economics.ts, written out (same operations) so no double is boxed.
        const marginPerThDay = (rev - (expandJPerTH[i]! * 24 * minSitePrice[i]!) / 1000) / 1000;
        if (marginPerThDay > 0 && machineUsdPerTH[i]! / marginPerThDay < paybackMax[i]!) {
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
      rec[b + WON] = 0;
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
 * Compacts `alive` (exited miners drop out) and returns the new live count. Revenue, costs, the
 * treasury policy and the shortfall's selling/borrowing are written out (same operations in the same
 * order as policies.ts); de-leveraging, the lender's checks, selling collateral and exit are called
 * only when their own first test would let them act.
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
  // Record slots as literals (see decideMiners and LAYOUT_CHECK).
  const ACTIVE = 0;
  const WON = 8;
  const POOL_FEE = 1;
  const TREASURY = 9;
  const MINED = 10;
  const DEBT = 11;
  const RATE = 12;
  const AI_OP = 13;
  const POWER = 14;
  const OPEX = 15;
  const COST = 16;
  const CASH = 17;
  const SELL_FRACTION = 23;
  const CASH_DAYS = 24;
  const SOLD = 18;
  const COLL = 19;
  const LOAN_TRIGGER = 20;
  const MIN_CASH = 22;
  const CONVERTING = 2;
  const COUPON = 28;
  const ORIG_LTV = 25;
  const MAX_PRINCIPAL = 26;
  const K_SOLO = 1;
  const K_MODULE = 8;
  const K_MODE_SHIFT = 4;
  const T_HODL = 0;
  const T_SELL_ALL = 1;
  const T_SELL_FRACTION = 2;
  const T_KEEP_CASH = 3;
  const args = ARGS;
  const rec = st.rec;
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
  // Running sum of the step's BTC sales, kept in a local (same additions in the same order) and
  // handed to `flows` around every policy call, which may add to it.
  let sold = flows.soldBtc;
  const kinds = st.kind;
  const aiRev = st.aiRevenueUsdPerMwYear;
  const aiMargin = st.aiMarginShare;
  const aiCredit = st.aiPrepayCreditUsdPerYear;
  const buildDraw = st.buildDrawUsdPerDay;
  const moduleIndex = st.moduleIndex;
  const borrowFirst = st.borrowFirst;
  const canBorrow = st.canBorrow;
  const status = st.status;
  const callDay = st.marginCallDay;
  const yearFrac = dtDays / 365;
  const daily = dtDays === 1;
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    const b = i * 32; // REC
    const a = rec[b + ACTIVE]!;
    let mined: number;
    const kind = kinds[i]!;
    if ((kind & K_SOLO) !== 0) {
      mined = lottery ? rec[b + WON]! : a * expectedShare;
    } else {
      mined = a * perEhs * (1 - rec[b + POOL_FEE]!);
      poolPaid += mined;
    }
    let t = rec[b + TREASURY]! + mined;
    rec[b + MINED] = rec[b + MINED]! + mined;
    // Balances live in locals (t, c, d, coll) for the miner's settlement; they are written back to
    // the record before any policy function is called (which reads the record) and re-read after.
    let d = rec[b + DEBT]!;
    const r = rec[b + RATE]!;
    const interest = d * r * yearFrac;
    // aiMw x revenue x margin x yearFrac is +0 without AI MW (revenue, margin >= 0 by the schema).
    const op = rec[b + AI_OP]!;
    // Rent net of the tenant's prepayment being recouped (aiCredit: from the first AI revenue on).
    const aiIncome = op === 0 ? 0 : (op * aiRev[i]! * aiMargin[i]! - aiCredit[i]!) * yearFrac;
    // Coupons of the miner's notes, and capex drawn by its builds in progress (policies.ts).
    const couponPerYear = rec[b + COUPON]!;
    const draws = buildDraw[i]! > 0 ? drawBuilds(st, i, day, dtDays) : 0;
    const pw = rec[b + POWER]!;
    const ox = rec[b + OPEX]!;
    const opCost = pw + ox;
    // dailyCostUsd(power, opex, debt, rate, dtDays): its interest term is `interest / dtDays`
    // (dividing by 1 is exact, so daily steps skip the division).
    const costPerDay = pw + ox + (daily ? interest : interest / dtDays) + couponPerYear / 365;
    rec[b + COST] = costPerDay;
    let c = rec[b + CASH]! + aiIncome - opCost * dtDays - interest - couponPerYear * yearFrac - draws;
    let coll = rec[b + COLL]!;

    const mod = (kind & K_MODULE) !== 0 ? moduleIndex[i]! : -1;
    if (mod >= 0 && custom.hasSell(mod)) {
      rec[b + TREASURY] = t;
      rec[b + CASH] = c;
      flows.soldBtc = sold;
      custom.sell(i, mod, mined, hp, priceUsd, flows);
      sold = flows.soldBtc;
      t = rec[b + TREASURY]!;
      c = rec[b + CASH]!;
      d = rec[b + DEBT]!;
      coll = rec[b + COLL]!;
    } else {
      // treasuryPolicy + sellBtc (policies.ts), inlined.
      const mode = kind >> K_MODE_SHIFT;
      let want = 0;
      if (mode === T_SELL_ALL) want = mined;
      else if (mode === T_SELL_FRACTION) want = mined * rec[b + SELL_FRACTION]!;
      else if (mode === T_KEEP_CASH) {
        const gap = rec[b + CASH_DAYS]! * costPerDay - c;
        if (gap > 0) want = gap / priceUsd;
      }
      if (mode !== T_HODL) {
        const x = want < t ? want : t;
        if (x > 0) {
          t = t - x;
          c = c + x * priceUsd;
          rec[b + SOLD] = rec[b + SOLD]! + x;
          sold += x;
        }
      }
    }
    if (d > 0) {
      // The same LTV expression as deleverage/monitorLoan: below every trigger with no call open,
      // neither would act (monitorLoan would only confirm marginCallDay = -1), so skip both calls.
      // LOAN_TRIGGER = min(marginCallLtv, deleverageAtLtv if on): ltv >= it iff either would act.
      const ltv = d / (coll * priceUsd);
      if (callDay[i]! >= 0 || ltv >= rec[b + LOAN_TRIGGER]!) {
        rec[b + TREASURY] = t;
        rec[b + CASH] = c;
        flows.soldBtc = sold;
        deleverage(st, i, priceUsd, flows);
        monitorLoan(st, i, priceUsd, day, flows);
        sold = flows.soldBtc;
        t = rec[b + TREASURY]!;
        c = rec[b + CASH]!;
        d = rec[b + DEBT]!;
        coll = rec[b + COLL]!;
      }
    }
    const floor = rec[b + MIN_CASH]!;
    // Cash at or above the floor can neither need financing nor be below floor - tolerance.
    if (c < floor) {
      const usd = floor - c;
      if (mod >= 0) {
        rec[b + TREASURY] = t;
        rec[b + CASH] = c;
        flows.soldBtc = sold;
        coverShortfall(st, i, usd, priceUsd, flows);
        sold = flows.soldBtc;
        t = rec[b + TREASURY]!;
        c = rec[b + CASH]!;
        d = rec[b + DEBT]!;
        coll = rec[b + COLL]!;
      } else {
        // coverShortfall -> raiseCash -> borrow / sellBtc (policies.ts), inlined with the same
        // operations in the same order; selling collateral's equity stays a call (rare).
        const bf = borrowFirst[i] === 1;
        let raised = 0;
        for (let phase = 0; phase < 2; phase++) {
          if (phase === 1 && !(raised < usd)) break;
          const amt = usd - raised;
          if ((phase === 0) === bf) {
            // borrow(st, i, amt, price)
            if (canBorrow[i] === 0 || callDay[i]! >= 0 || !(amt > 0)) continue;
            const ltv = rec[b + ORIG_LTV]!;
            let cap = (coll + t) * priceUsd * ltv - d;
            const limit = rec[b + MAX_PRINCIPAL]! - d;
            if (limit < cap) cap = limit;
            const x = amt < cap ? amt : cap;
            if (!(x > 0)) continue;
            const newDebt = d + x;
            d = newDebt;
            c = c + x;
            const need = newDebt / (ltv * priceUsd) - coll;
            if (need > 0) {
              const post = need < t ? need : t;
              t = t - post;
              coll = coll + post;
            }
            raised += x;
          } else {
            // sellBtc(st, i, amt / price, price)
            const want = amt / priceUsd;
            const x = want < t ? want : t;
            if (!(x > 0)) continue;
            t = t - x;
            c = c + x * priceUsd;
            rec[b + SOLD] = rec[b + SOLD]! + x;
            sold += x;
            raised += x * priceUsd;
          }
        }
        if (raised < usd && coll > 0) {
          rec[b + TREASURY] = t;
          rec[b + CASH] = c;
          rec[b + DEBT] = d;
          rec[b + COLL] = coll;
          args[0] = usd - raised;
          flows.soldBtc = sold;
          sellCollateralFromArgs(st, i, priceUsd, flows);
          sold = flows.soldBtc;
          t = rec[b + TREASURY]!;
          c = rec[b + CASH]!;
          d = rec[b + DEBT]!;
          coll = rec[b + COLL]!;
        }
      }
      if (c < floor - 1e-6 * (1 + Math.abs(floor))) {
        rec[b + TREASURY] = t;
        rec[b + CASH] = c;
        rec[b + DEBT] = d;
        rec[b + COLL] = coll;
        counts[status[i]!]!--;
        flows.soldBtc = sold;
        exitMiner(st, i, priceUsd, day, flows);
        sold = flows.soldBtc;
        continue;
      }
    }
    rec[b + TREASURY] = t;
    rec[b + CASH] = c;
    rec[b + DEBT] = d;
    rec[b + COLL] = coll;
    if (mod >= 0 && custom.wantsExit(i, mod, hp, priceUsd)) {
      counts[status[i]!]!--;
      flows.soldBtc = sold;
      exitMiner(st, i, priceUsd, day, flows);
      sold = flows.soldBtc;
      continue;
    }
    alive[k2++] = i;
    treasury += t;
    collateral += coll;
    cash += c;
    debt += d;
    aiMw += op;
    aiConv += rec[b + CONVERTING]!;
  }
  flows.soldBtc = sold;
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

/**
 * Doubles passed to a call V8 does not inline are boxed (a heap allocation per call): the rare
 * rarer policy calls get the doubles computed in the loop through this scratch array instead.
 */
const ARGS = new Float64Array(2);
function sellCollateralFromArgs(st: AgentState, i: number, priceUsd: number, flows: StepFlows): void {
  sellCollateralForCash(st, i, ARGS[0]!, priceUsd, flows);
}

/**
 * decideMiners/settleMiners write record slots and flag codes as function-local literals (V8 folds
 * those; an imported constant is a load at every use, and through a CommonJS loader a getter call).
 * This table repeats those literals and fails at load if agents/state.ts no longer matches them;
 * test/engine-layout.test.ts checks the literals in the functions themselves.
 */
const LAYOUT_CHECK: readonly (readonly [number, number])[] = [
  [REC, 32], [R_ACTIVE_EHS, 0], [R_POOL_FEE, 1], [R_AI_MW_CONVERTING, 2], [R_PENDING_EHS, 3], [R_OP_OFF_THR, 4],
  [R_MINING_MW, 5], [R_HASHPRICE_EMA, 6], [R_EMA_ALPHA, 7], [R_WON_BTC, 8], [R_TREASURY_BTC, 9], [R_MINED_BTC, 10],
  [R_DEBT_USD, 11], [R_RATE_ANNUAL, 12], [R_AI_MW_OPERATING, 13], [R_POWER_USD_PER_DAY, 14],
  [R_OPEX_USD_PER_DAY, 15], [R_COST_USD_PER_DAY, 16], [R_CASH_USD, 17], [R_SOLD_BTC, 18], [R_COLLATERAL_BTC, 19],
  [R_LOAN_TRIGGER_LTV, 20], [R_MARGIN_CALL_LTV, 21], [R_MIN_CASH_USD, 22], [R_SELL_FRACTION, 23], [R_CASH_DAYS, 24],
  [R_ORIGINATION_LTV, 25], [R_MAX_PRINCIPAL_USD, 26], [R_NEXT_EVENT_DAY, 27], [R_COUPON_USD_PER_YEAR, 28], [R_AI_REVIEW_DAY, 29],
  [R_LAST_ORDER_DAY, 30], [R_EXPAND_COOLDOWN_DAYS, 31],
  [KIND_SOLO, 1], [KIND_AI, 2], [KIND_EXPAND, 4], [KIND_MODULE, 8], [KIND_MODE_SHIFT, 4],
  [STATUS_ACTIVE, 0], [STATUS_CURTAILING, 1], [STATUS_PIVOTING, 2], [STATUS_EXITED, 3],
  [TREASURY_HODL, 0], [TREASURY_SELL_ALL, 1], [TREASURY_SELL_FRACTION, 2], [TREASURY_KEEP_CASH, 3],
];
for (const [declared, literal] of LAYOUT_CHECK) {
  if (declared !== literal) throw new Error(`engine/loop.ts: record slot ${literal} does not match agents/state.ts (${declared})`);
}

// The built-in policies, as plain functions over the struct-of-arrays state (no per-miner objects,
// no closures): the engine calls them once per miner per step. Rules, parameters and defaults are
// documented in docs/MODEL.md; the comments here say why, not what.
import {
  AgentState,
  STATUS_EXITED,
  TREASURY_KEEP_CASH,
  TREASURY_SELL_ALL,
  TREASURY_SELL_FRACTION,
  REC,
  R_ACTIVE_EHS,
  NO_EVENT_DAY,
  NOTE_SLOTS,
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
  R_EXPAND_COOLDOWN_DAYS,
  R_HASHPRICE_EMA,
  R_LAST_ORDER_DAY,
  R_MARGIN_CALL_LTV,
  R_MAX_PRINCIPAL_USD,
  R_MINING_MW,
  R_OP_OFF_THR,
  R_OPEX_USD_PER_DAY,
  R_ORIGINATION_LTV,
  R_PENDING_EHS,
  R_POWER_USD_PER_DAY,
  R_SELL_FRACTION,
  R_SOLD_BTC,
  R_TREASURY_BTC,
  operateStale,
} from './state.ts';
import { paybackDays } from './economics.ts';
import { aiDealNpvPerMw, aiDealPasses, type AiDealTerms, type MiningOutlook } from './ai-deal.ts';
import { bandShare, fullRunThreshold, restartThreshold, runningMeanCost } from './utilisation.ts';

/** Flows of the current step, summed over miners (one mutable object, fixed shape). */
export class StepFlows {
  soldBtc = 0;
  liquidatedBtc = 0;
  marginCalls = 0;
  liquidations = 0;
  exits = 0;
  pivotsStarted = 0;
  mwPivotStarted = 0;
  capexUsd = 0;
  reset(): void {
    this.soldBtc = 0;
    this.liquidatedBtc = 0;
    this.marginCalls = 0;
    this.liquidations = 0;
    this.exits = 0;
    this.pivotsStarted = 0;
    this.mwPivotStarted = 0;
    this.capexUsd = 0;
  }
}

/**
 * Machines (EH/s at `jPerTH`) leave miner ownership for the secondary market: into the network
 * supply class nearest in efficiency (log scale); the engine hands them to the supply each step.
 */
export function releaseMachines(st: AgentState, ehs: number, jPerTH: number): void {
  if (!(ehs > 0)) return;
  const cls = st.releaseClassJPerTH;
  let best = 0;
  let bestD = Infinity;
  for (let v = 0; v < cls.length; v++) {
    const d = Math.abs(Math.log(jPerTH / cls[v]!));
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  st.releasedByClass[best] = st.releasedByClass[best]! + ehs;
}

/** Debt below this (USD) counts as repaid: floating-point residue of repaying in pieces. */
const DUST_USD = 1e-4;

/** Relative slack for comparisons of money amounts that went through floating-point arithmetic. */
const EPS = 1e-9;

/** Sell up to `btc` from the free treasury at `price`; returns BTC sold. */
export function sellBtc(st: AgentState, i: number, btc: number, price: number, flows: StepFlows): number {
  const t = st.rec[i * REC + R_TREASURY_BTC]!;
  const x = btc < t ? btc : t;
  if (!(x > 0)) return 0;
  st.rec[i * REC + R_TREASURY_BTC] = t - x;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + x * price;
  st.rec[i * REC + R_SOLD_BTC] = st.rec[i * REC + R_SOLD_BTC]! + x;
  flows.soldBtc += x;
  return x;
}

/**
 * Borrow up to `usd` against BTC at the origination LTV (collateral moves from the treasury to the
 * lender); limited by the treasury, the credit limit, and only while no margin call is open.
 * Returns USD borrowed.
 */
export function borrow(st: AgentState, i: number, usd: number, price: number): number {
  if (st.canBorrow[i] === 0 || st.marginCallDay[i]! >= 0 || !(usd > 0)) return 0;
  const ltv = st.rec[i * REC + R_ORIGINATION_LTV]!;
  const debt = st.rec[i * REC + R_DEBT_USD]!;
  const coll = st.rec[i * REC + R_COLLATERAL_BTC]!;
  let cap = (coll + st.rec[i * REC + R_TREASURY_BTC]!) * price * ltv - debt;
  const limit = st.rec[i * REC + R_MAX_PRINCIPAL_USD]! - debt;
  if (limit < cap) cap = limit;
  const x = usd < cap ? usd : cap;
  if (!(x > 0)) return 0;
  const newDebt = debt + x;
  st.rec[i * REC + R_DEBT_USD] = newDebt;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + x;
  const need = newDebt / (ltv * price) - coll;
  if (need > 0) {
    const post = need < st.rec[i * REC + R_TREASURY_BTC]! ? need : st.rec[i * REC + R_TREASURY_BTC]!;
    st.rec[i * REC + R_TREASURY_BTC] = st.rec[i * REC + R_TREASURY_BTC]! - post;
    st.rec[i * REC + R_COLLATERAL_BTC] = coll + post;
  }
  return x;
}

/** USD the miner could still raise by selling its free treasury and borrowing against it. */
export function financingCapacity(st: AgentState, i: number, price: number): number {
  const free = st.rec[i * REC + R_TREASURY_BTC]! * price;
  if (st.canBorrow[i] === 0 || st.marginCallDay[i]! >= 0) return free;
  const ltv = st.rec[i * REC + R_ORIGINATION_LTV]!;
  let headroom = st.rec[i * REC + R_COLLATERAL_BTC]! * price * ltv - st.rec[i * REC + R_DEBT_USD]!;
  if (headroom < 0) headroom = 0;
  const limit = st.rec[i * REC + R_MAX_PRINCIPAL_USD]! - st.rec[i * REC + R_DEBT_USD]!;
  // Borrowing first locks the treasury as collateral (raising ltv x its value); selling first
  // raises its whole value, then borrows only against collateral already posted.
  let viaBorrow = st.borrowFirst[i] === 1 ? headroom + free * ltv : headroom;
  if (viaBorrow > limit) viaBorrow = limit > 0 ? limit : 0;
  return st.borrowFirst[i] === 1 ? viaBorrow : free + viaBorrow;
}

/** Raise `usd` of cash in the miner's financing order; returns USD raised. */
export function raiseCash(st: AgentState, i: number, usd: number, price: number, flows: StepFlows): number {
  if (!(usd > 0)) return 0;
  let raised = 0;
  if (st.borrowFirst[i] === 1) {
    raised += borrow(st, i, usd, price);
    if (raised < usd) raised += sellBtc(st, i, (usd - raised) / price, price, flows) * price;
  } else {
    raised += sellBtc(st, i, usd / price, price, flows) * price;
    if (raised < usd) raised += borrow(st, i, usd - raised, price);
  }
  return raised;
}

/**
 * Cover a cash shortfall of `usd` (cash below the exit floor): the financing order first (free
 * treasury, new borrowing), then the equity in pledged BTC: the miner sells collateral, the proceeds
 * repay debt and the lender releases collateral down to the origination LTV, which the miner sells
 * for cash (closing the loan if that is what it takes). Only when all of that falls short is the
 * miner insolvent. Returns USD raised.
 */
export function coverShortfall(st: AgentState, i: number, usd: number, price: number, flows: StepFlows): number {
  let raised = raiseCash(st, i, usd, price, flows);
  if (raised < usd && st.rec[i * REC + R_COLLATERAL_BTC]! > 0) raised += sellCollateralForCash(st, i, usd - raised, price, flows);
  return raised;
}

/**
 * Raise `usd` of cash out of pledged BTC, keeping the loan at most at the origination LTV L: sell c
 * BTC of collateral to repay c x p of debt, and x = usd / p more BTC released by the lender, where
 * C - c - x = (D - c p) / (L p), so c = (x - C + D / (L p)) / (1 / L - 1) (c = 0 when collateral
 * above L already covers x). If the equity C p - D does not cover `usd`, the loan is closed and the
 * miner gets all the equity. Every BTC sold counts as a voluntary sale. Returns USD raised.
 */
export function sellCollateralForCash(st: AgentState, i: number, usd: number, price: number, flows: StepFlows): number {
  const coll = st.rec[i * REC + R_COLLATERAL_BTC]!;
  const debt = st.rec[i * REC + R_DEBT_USD]!;
  if (!(usd > 0) || !(coll > 0)) return 0;
  const equity = coll * price - debt;
  if (!(equity > 0)) return 0;
  const ltv = st.rec[i * REC + R_ORIGINATION_LTV]!;
  let soldBtc: number;
  let cashIn: number;
  if (usd >= equity * (1 - EPS) || !(ltv < 1) || debt <= 0) {
    // Close the loan: all collateral is sold, the debt repaid, the rest is cash.
    soldBtc = coll;
    cashIn = equity;
    st.rec[i * REC + R_DEBT_USD] = 0;
    st.rec[i * REC + R_COLLATERAL_BTC] = 0;
    st.marginCallDay[i] = -1;
  } else {
    const x = usd / price;
    let c = (x - coll + debt / (ltv * price)) / (1 / ltv - 1);
    if (c < 0) c = 0;
    soldBtc = c + x;
    cashIn = usd;
    st.rec[i * REC + R_DEBT_USD] = debt - c * price;
    st.rec[i * REC + R_COLLATERAL_BTC] = coll - soldBtc;
    if (st.rec[i * REC + R_DEBT_USD]! < st.rec[i * REC + R_MARGIN_CALL_LTV]! * st.rec[i * REC + R_COLLATERAL_BTC]! * price) st.marginCallDay[i] = -1;
  }
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + cashIn;
  st.rec[i * REC + R_SOLD_BTC] = st.rec[i * REC + R_SOLD_BTC]! + soldBtc;
  flows.soldBtc += soldBtc;
  return cashIn;
}

/** Voluntary sales of the treasury policy (sell-all, sell-fraction, keep-cash). */
export function treasuryPolicy(st: AgentState, i: number, minedBtc: number, price: number, flows: StepFlows): void {
  const mode = st.treasuryMode[i]!;
  // Selling a share of nothing sells nothing (a solo miner's usual step): only keep-cash acts then.
  if (!(minedBtc > 0) && mode !== TREASURY_KEEP_CASH) return;
  if (mode === TREASURY_SELL_ALL) {
    sellBtc(st, i, minedBtc, price, flows);
  } else if (mode === TREASURY_SELL_FRACTION) {
    sellBtc(st, i, minedBtc * st.rec[i * REC + R_SELL_FRACTION]!, price, flows);
  } else if (mode === TREASURY_KEEP_CASH) {
    const target = st.rec[i * REC + R_CASH_DAYS]! * st.rec[i * REC + R_COST_USD_PER_DAY]!;
    const gap = target - st.rec[i * REC + R_CASH_USD]!;
    if (gap > 0) sellBtc(st, i, gap / price, price, flows);
  }
}

/** Repay debt with cash (never below zero debt). */
function repay(st: AgentState, i: number, usd: number): void {
  const d = st.rec[i * REC + R_DEBT_USD]!;
  const x = usd < d ? usd : d;
  if (!(x > 0)) return;
  st.rec[i * REC + R_DEBT_USD] = d - x;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - x;
  if (st.rec[i * REC + R_DEBT_USD]! <= d * EPS || st.rec[i * REC + R_DEBT_USD]! < DUST_USD) {
    // Debt repaid: the lender releases the collateral.
    st.rec[i * REC + R_DEBT_USD] = 0;
    st.rec[i * REC + R_TREASURY_BTC] = st.rec[i * REC + R_TREASURY_BTC]! + st.rec[i * REC + R_COLLATERAL_BTC]!;
    st.rec[i * REC + R_COLLATERAL_BTC] = 0;
  }
}

/**
 * Sell BTC and repay debt with the proceeds, to bring LTV down to `targetLtv`: free treasury first;
 * then pledged collateral, which the lender releases against repayment (selling c BTC of
 * collateral at price p moves LTV to (D - c p) / ((C - c) p), so c = (D - L C p) / (p (1 - L))).
 */
function sellToRepay(st: AgentState, i: number, targetLtv: number, price: number, flows: StepFlows): void {
  const excess = st.rec[i * REC + R_DEBT_USD]! - targetLtv * st.rec[i * REC + R_COLLATERAL_BTC]! * price;
  if (!(excess > 0)) return;
  const sold = sellBtc(st, i, excess / price, price, flows);
  repay(st, i, sold * price);
  const debt = st.rec[i * REC + R_DEBT_USD]!;
  const coll = st.rec[i * REC + R_COLLATERAL_BTC]!;
  const rest = debt - targetLtv * coll * price;
  if (!(rest > debt * EPS) || !(targetLtv < 1)) return;
  let c = rest / (price * (1 - targetLtv));
  if (c > coll) c = coll;
  st.rec[i * REC + R_COLLATERAL_BTC] = coll - c;
  st.rec[i * REC + R_SOLD_BTC] = st.rec[i * REC + R_SOLD_BTC]! + c;
  flows.soldBtc += c;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + c * price;
  repay(st, i, c * price);
}

/** Strategic de-leveraging: once LTV >= the trigger, sell treasury BTC to repay down to the target LTV. */
export function deleverage(st: AgentState, i: number, price: number, flows: StepFlows): void {
  const at = st.deleverageAtLtv[i]!;
  if (at <= 0 || st.rec[i * REC + R_DEBT_USD]! <= 0) return;
  const ltv = st.rec[i * REC + R_DEBT_USD]! / (st.rec[i * REC + R_COLLATERAL_BTC]! * price);
  if (ltv >= at) sellToRepay(st, i, st.deleverageToLtv[i]!, price, flows);
}

/**
 * The lender's side of a BTC-backed loan: at LTV >= liquidationLtv, or with a margin call open for
 * cureDays or more, the lender sells collateral worth debt x (1 + penalty); at LTV >= marginCallLtv
 * a call opens and the miner responds (post treasury BTC as collateral, or sell it to repay, back to
 * the origination LTV; then spare cash repays). A call is cured once LTV < marginCallLtv.
 * Returns USD the miner still owes after a liquidation that the collateral did not cover.
 */
export function monitorLoan(st: AgentState, i: number, price: number, day: number, flows: StepFlows): void {
  const debt = st.rec[i * REC + R_DEBT_USD]!;
  if (debt <= 0) {
    st.marginCallDay[i] = -1;
    return;
  }
  let ltv = debt / (st.rec[i * REC + R_COLLATERAL_BTC]! * price);
  if (ltv >= st.liquidationLtv[i]!) {
    liquidate(st, i, price, day, flows);
    return;
  }
  if (ltv < st.rec[i * REC + R_MARGIN_CALL_LTV]!) {
    st.marginCallDay[i] = -1;
    return;
  }
  if (st.marginCallDay[i]! < 0) {
    st.marginCallDay[i] = day;
    st.marginCalls[i] = st.marginCalls[i]! + 1;
    flows.marginCalls++;
    if (st.firstMarginCallDay[i]! < 0) st.firstMarginCallDay[i] = day;
  }
  respondToMarginCall(st, i, price, flows);
  ltv = st.rec[i * REC + R_DEBT_USD]! > 0 ? st.rec[i * REC + R_DEBT_USD]! / (st.rec[i * REC + R_COLLATERAL_BTC]! * price) : 0;
  if (ltv < st.rec[i * REC + R_MARGIN_CALL_LTV]!) {
    st.marginCallDay[i] = -1;
  } else if (day - st.marginCallDay[i]! >= st.cureDays[i]!) {
    liquidate(st, i, price, day, flows);
  }
}

function respondToMarginCall(st: AgentState, i: number, price: number, flows: StepFlows): void {
  const target = st.rec[i * REC + R_ORIGINATION_LTV]!;
  if (st.marginRepay[i] === 1) {
    sellToRepay(st, i, target, price, flows);
  } else {
    const need = st.rec[i * REC + R_DEBT_USD]! / (target * price) - st.rec[i * REC + R_COLLATERAL_BTC]!;
    if (need > 0) {
      const post = need < st.rec[i * REC + R_TREASURY_BTC]! ? need : st.rec[i * REC + R_TREASURY_BTC]!;
      st.rec[i * REC + R_TREASURY_BTC] = st.rec[i * REC + R_TREASURY_BTC]! - post;
      st.rec[i * REC + R_COLLATERAL_BTC] = st.rec[i * REC + R_COLLATERAL_BTC]! + post;
    }
  }
  const still = st.rec[i * REC + R_DEBT_USD]! - st.rec[i * REC + R_MARGIN_CALL_LTV]! * st.rec[i * REC + R_COLLATERAL_BTC]! * price;
  if (still >= 0) {
    // Spare cash repays what BTC could not, enough to get back to the origination LTV. Only cash
    // above the operating reserve: cash the miner needs for power and opex must not go to the
    // lender, or an uncured call turns into an exit instead of a liquidation.
    const spare = spareCash(st, i);
    if (spare > 0) {
      const want = st.rec[i * REC + R_DEBT_USD]! - target * st.rec[i * REC + R_COLLATERAL_BTC]! * price;
      repay(st, i, want < spare ? want : spare);
    }
  }
}

/** The lender sells collateral for debt x (1 + penalty); leftover collateral returns to the treasury. */
export function liquidate(st: AgentState, i: number, price: number, day: number, flows: StepFlows): void {
  const claim = st.rec[i * REC + R_DEBT_USD]! * (1 + st.penaltyShare[i]!);
  const coll = st.rec[i * REC + R_COLLATERAL_BTC]!;
  const needBtc = claim / price;
  const sold = needBtc < coll ? needBtc : coll;
  st.rec[i * REC + R_COLLATERAL_BTC] = 0;
  st.rec[i * REC + R_TREASURY_BTC] = st.rec[i * REC + R_TREASURY_BTC]! + (coll - sold);
  st.liquidatedBtc[i] = st.liquidatedBtc[i]! + sold;
  flows.liquidatedBtc += sold;
  const unpaid = claim - sold * price;
  st.rec[i * REC + R_DEBT_USD] = 0;
  // A claim the collateral did not cover is due at once, in cash (the shortfall financing or exit follows).
  if (unpaid > claim * EPS) st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - unpaid;
  st.marginCallDay[i] = -1;
  st.liquidations[i] = st.liquidations[i]! + 1;
  flows.liquidations++;
  if (st.firstLiquidationDay[i]! < 0) st.firstLiquidationDay[i] = day;
}

/**
 * Exit: the miner's hashrate leaves the network and its estate is liquidated: collateral and treasury
 * are sold (counted as liquidated BTC), debt is settled from the proceeds as far as they go.
 */
export function exitMiner(st: AgentState, i: number, price: number, day: number, flows: StepFlows): void {
  st.status[i] = STATUS_EXITED;
  st.exitDay[i] = day;
  flows.exits++;
  const btc = st.rec[i * REC + R_TREASURY_BTC]! + st.rec[i * REC + R_COLLATERAL_BTC]!;
  st.liquidatedBtc[i] = st.liquidatedBtc[i]! + btc;
  flows.liquidatedBtc += btc;
  st.rec[i * REC + R_TREASURY_BTC] = 0;
  st.rec[i * REC + R_COLLATERAL_BTC] = 0;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + btc * price - st.rec[i * REC + R_DEBT_USD]!;
  st.rec[i * REC + R_DEBT_USD] = 0;
  st.marginCallDay[i] = -1;
  // The fleet (and machines on order, paid for) is sold on the secondary market with the estate.
  for (let c = st.cohortStart[i]!, e = st.cohortEnd[i]!; c < e; c++) {
    releaseMachines(st, st.cohortEhs[c]!, st.cohortJPerTH[c]!);
    st.cohortEhs[c] = 0;
    st.cohortShare[c] = 0;
  }
  st.cohortEpoch++;
  const pending = st.rec[i * REC + R_PENDING_EHS]!;
  if (pending > 0) releaseMachines(st, pending, st.cohortJPerTH[st.pendingCohort[i]!]!);
  st.installedEhs[i] = 0;
  st.rec[i * REC + R_ACTIVE_EHS] = 0;
  st.rec[i * REC + R_POWER_USD_PER_DAY] = 0;
  st.rec[i * REC + R_MINING_MW] = 0;
  st.rec[i * REC + R_AI_MW_CONVERTING] = 0;
  st.rec[i * REC + R_AI_MW_OPERATING] = 0;
  st.rec[i * REC + R_PENDING_EHS] = 0;
  operateStale(st, i);
  // Builds stop; the notes are claims on the estate like the loan (paid as far as cash goes).
  for (let s = st.siteStart[i]!, e = st.siteEnd[i]!; s < e; s++) {
    st.siteBuildMw[s] = 0;
    st.siteBuildCapexLeftUsd[s] = 0;
    st.siteBuildDrawUsdPerDay[s] = 0;
    st.siteBuildReadyDay[s] = NO_EVENT_DAY;
    st.siteBuildShutDay[s] = NO_EVENT_DAY;
  }
  for (let k = i * NOTE_SLOTS, e = k + NOTE_SLOTS; k < e; k++) {
    const principal = st.notePrincipalUsd[k]!;
    if (!(principal > 0)) continue;
    st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - principal;
    st.notesRepaidUsd[i] = st.notesRepaidUsd[i]! + principal;
    st.notePrincipalUsd[k] = 0;
    st.noteMaturityDay[k] = NO_EVENT_DAY;
  }
  st.buildDrawUsdPerDay[i] = 0;
  st.rec[i * REC + R_COUPON_USD_PER_YEAR] = 0;
  st.rec[i * REC + R_NEXT_EVENT_DAY] = NO_EVENT_DAY;
}

/**
 * Operate/curtail each cohort: its running share moves inside the band of inaction at the miner's
 * revenue (utilisation.ts, the rule the network supply uses too): costs spread within the cohort,
 * switch-off below cost x offRatio, restart above cost x onRatio, at most rampPerDay of the cohort
 * per day. A cohort with idle machines retireDays in a row sells its idle part to the secondary
 * market. Sets activeEhs, installedEhs, powerUsdPerDay and mining MW; returns whether any cohort has
 * idle machines.
 */
export function operate(st: AgentState, i: number, revenueUsdPerPhDay: number, stepDays: number): boolean {
  POLICY_ARGS[0] = revenueUsdPerPhDay;
  POLICY_ARGS[1] = stepDays;
  return operateArgs(st, i);
}

/**
 * Scratch for the doubles of the engine's calls to operateArgs/expandArgs: a double passed to a
 * function V8 does not inline is boxed (a heap allocation per call); read from here it is not.
 */
export const POLICY_ARGS = new Float64Array(2);

/** operate() with revenue and step length in POLICY_ARGS[0], [1] (the engine's hot-path entry). */
export function operateArgs(st: AgentState, i: number): boolean {
  const revenueUsdPerPhDay = POLICY_ARGS[0]!;
  const stepDays = POLICY_ARGS[1]!;
  if (revenueUsdPerPhDay < st.opIdleBelow[i]! && restIdle(st, i, stepDays)) return true;
  const curtail = st.curtail[i] === 1;
  const off = st.offRatio[i]!;
  const on = st.onRatio[i]!;
  const spread = st.costSpread[i]!;
  const ramp = st.rampPerDay[i]! * stepDays;
  const retire = st.retireDays[i]!;
  const cohortEhs = st.cohortEhs;
  const shares = st.cohortShare;
  const offDays = st.cohortOffDays;
  const costs = st.cohortCostPerPhDay;
  let active = 0;
  let installed = 0;
  let power = 0;
  let mw = 0;
  let curtailed = false;
  // For the engine's steady-state short-cut (R_OP_OFF_THR): whether every installed cohort ends the
  // step fully running, and the revenue below which one of them would start to switch off.
  let allOn = true;
  let offThr = -Infinity;
  // For the idle short-cut (restIdle): whether every installed cohort ends the step fully off, and
  // the revenue below which none of them would restart.
  let allOff = true;
  let idleBelow = Infinity;
  for (let c = st.cohortStart[i]!, e = st.cohortEnd[i]!; c < e; c++) {
    let ehs = cohortEhs[c]!;
    if (ehs === 0) continue;
    // USD per PH/day: J/TH x 24 h x $/MWh / 1000 (economics.ts), precomputed per cohort.
    const cost = costs[c]!;
    let u = shares[c]!;
    if (curtail) {
      const was = u;
      u = bandShare(u, revenueUsdPerPhDay, cost, spread, off, on, ramp);
      if (u !== was) {
        shares[c] = u;
        st.cohortEpoch++;
      }
    }
    if (u < 1) {
      const idle = offDays[c]! + stepDays;
      if (idle >= retire) {
        releaseMachines(st, ehs * (1 - u), st.cohortJPerTH[c]!);
        ehs = ehs * u;
        cohortEhs[c] = ehs;
        u = 1;
        shares[c] = 1;
        st.cohortEpoch++;
        offDays[c] = 0;
        st.aiGateDirty[i] = 1;
        if (ehs === 0) continue;
      } else {
        offDays[c] = idle;
        curtailed = true;
        allOn = false;
      }
    } else {
      offDays[c] = 0;
      const thr = fullRunThreshold(cost, spread, off);
      if (thr > offThr) offThr = thr;
    }
    if (u === 0) {
      const thr = restartThreshold(cost, spread, on);
      if (thr < idleBelow) idleBelow = thr;
    } else allOff = false;
    const run = ehs * u;
    active += run;
    installed += ehs;
    power += run * 1000 * runningMeanCost(u, cost, spread);
    mw += run * st.cohortJPerTH[c]!;
  }
  st.rec[i * REC + R_ACTIVE_EHS] = active;
  st.installedEhs[i] = installed;
  st.rec[i * REC + R_POWER_USD_PER_DAY] = power;
  st.rec[i * REC + R_MINING_MW] = mw;
  st.rec[i * REC + R_OP_OFF_THR] = !allOn ? Infinity : curtail ? offThr : -Infinity;
  st.opIdleBelow[i] = curtail && allOff && installed > 0 ? idleBelow : -Infinity;
  return curtailed;
}

/**
 * operate() of a miner whose installed cohorts are all fully off and stay off at this step's revenue
 * (the caller checked revenue < opIdleBelow): bandShare keeps every share at 0, so the step only
 * counts idle days, and active hashrate, power, MW and the short-cut bounds stay what the last full
 * operate() left (0, 0, 0, +Infinity; any change of the cohorts resets opIdleBelow). Returns false,
 * changing nothing, when a cohort would reach retireDays at this step: the full operate() retires it.
 */
function restIdle(st: AgentState, i: number, stepDays: number): boolean {
  const cohortEhs = st.cohortEhs;
  const offDays = st.cohortOffDays;
  const retire = st.retireDays[i]!;
  const c0 = st.cohortStart[i]!;
  const e = st.cohortEnd[i]!;
  for (let c = c0; c < e; c++) if (cohortEhs[c] !== 0 && offDays[c]! + stepDays >= retire) return false;
  for (let c = c0; c < e; c++) if (cohortEhs[c] !== 0) offDays[c] = offDays[c]! + stepDays;
  return true;
}

/** Spare cash for capex: cash above the treasury policy's reserve of cashDays days of costs. */
export function spareCash(st: AgentState, i: number): number {
  const x = st.rec[i * REC + R_CASH_USD]! - st.rec[i * REC + R_CASH_DAYS]! * st.rec[i * REC + R_COST_USD_PER_DAY]!;
  return x > 0 ? x : 0;
}

/** Pay `usd` of capex from spare cash and, when allowed, by raising cash; false if it cannot be funded. */
function fundCapex(st: AgentState, i: number, usd: number, finance: boolean, price: number, flows: StepFlows): boolean {
  const spare = spareCash(st, i);
  if (usd > spare) {
    if (!finance) return false;
    const raised = raiseCash(st, i, usd - spare, price, flows);
    if (raised < (usd - spare) * (1 - EPS)) return false;
  }
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - usd;
  flows.capexUsd += usd;
  return true;
}

/** MW drawn by the installed cohorts of one site (running or curtailed). */
export function siteDrawMw(st: AgentState, i: number, site: number): number {
  let mw = 0;
  for (let c = st.cohortStart[i]!, e = st.cohortEnd[i]!; c < e; c++) {
    if (st.cohortSite[c] === site) mw += st.cohortEhs[c]! * st.cohortJPerTH[c]!;
  }
  return mw;
}

/** Hashrate-weighted J/TH of the site's installed cohorts (0 when it hosts none). */
function siteEfficiency(st: AgentState, i: number, site: number): number {
  let ehs = 0;
  let mw = 0;
  for (let c = st.cohortStart[i]!, e = st.cohortEnd[i]!; c < e; c++) {
    if (st.cohortSite[c] === site) {
      ehs += st.cohortEhs[c]!;
      mw += st.cohortEhs[c]! * st.cohortJPerTH[c]!;
    }
  }
  return ehs > 0 ? mw / ehs : 0;
}

/** Retire hashrate at a site, least efficient cohorts first, until it draws at most `maxMw`. */
export function shedSite(st: AgentState, i: number, site: number, maxMw: number): void {
  st.aiGateDirty[i] = 1;
  operateStale(st, i);
  st.cohortEpoch++;
  let excess = siteDrawMw(st, i, site) - maxMw;
  while (excess > maxMw * EPS + 1e-12) {
    let worst = -1;
    for (let c = st.cohortStart[i]!, e = st.cohortEnd[i]!; c < e; c++) {
      if (st.cohortSite[c] === site && st.cohortEhs[c]! > 0 && (worst < 0 || st.cohortJPerTH[c]! > st.cohortJPerTH[worst]!)) worst = c;
    }
    if (worst < 0) return;
    const mw = st.cohortEhs[worst]! * st.cohortJPerTH[worst]!;
    // The machines taken off the site go to the secondary market.
    if (mw <= excess) {
      releaseMachines(st, st.cohortEhs[worst]!, st.cohortJPerTH[worst]!);
      st.cohortEhs[worst] = 0;
      excess -= mw;
    } else {
      const gone = excess / st.cohortJPerTH[worst]!;
      releaseMachines(st, gone, st.cohortJPerTH[worst]!);
      st.cohortEhs[worst] = st.cohortEhs[worst]! - gone;
      excess = 0;
    }
  }
}

/**
 * AI pivot (docs/MODEL.md, "AI pivot"): on its review days the miner values, for each site with
 * AI-convertible MW left and no build in progress, a deal converting a tranche of trancheShare x the
 * convertible MW: NPV per MW at its cost of capital (ai-deal.ts), from its averaged hashprice, its
 * expected drift and the scheduled halving, at its own view of AI revenue. It signs the first deal
 * whose NPV beats the hurdle and whose own share of capex it can fund, scaled down to what it can
 * fund. Returns MW signed.
 */
export function aiPivot(st: AgentState, i: number, price: number, day: number, flows: StepFlows): number {
  const ai = st.aiPolicy[i]!;
  st.rec[i * REC + R_AI_REVIEW_DAY] = day + ai.reviewDays;
  const view = AI_VIEW;
  const outlook = OUTLOOK;
  view.revenueUsdPerMwYear = ai.revenueUsdPerMwYear * st.aiBelief[i]!;
  copyTerms(view, ai);
  outlook.revenueUsdPerPhDay = st.rec[i * REC + R_HASHPRICE_EMA]!;
  outlook.driftAnnual = ai.hashpriceDriftAnnual;
  outlook.daysToHalving = st.daysToHalving;
  outlook.halvingRatio = st.halvingRatio;
  for (let s = st.siteStart[i]!, e = st.siteEnd[i]!; s < e; s++) {
    if (st.siteBuildMw[s]! > 0) continue;
    const convertible = st.siteMw[s]! * st.siteAiShare[s]! - st.siteAiMw[s]!;
    if (convertible <= st.siteMw[s]! * EPS) continue;
    const jth = siteEfficiency(st, i, s);
    // A site with no machines gives up no mining.
    outlook.jPerTH = jth > 0 ? jth : 1;
    outlook.powerUsdPerMWh = st.sitePriceUsdPerMWh[s]!;
    if (!(jth > 0)) outlook.revenueUsdPerPhDay = 0;
    const npv = aiDealNpvPerMw(view, outlook);
    outlook.revenueUsdPerPhDay = st.rec[i * REC + R_HASHPRICE_EMA]!;
    if (!aiDealPasses(npv, ai.capexUsdPerMw, ai.hurdleShareOfCapex)) continue;
    let mw = Math.min(convertible, ai.trancheShare * st.siteMw[s]! * st.siteAiShare[s]!);
    mw = Math.min(mw, fundableDealMw(st, i, price));
    if (!(mw > st.siteMw[s]! * 1e-6)) continue;
    startDeal(st, i, s, mw, price, day, flows);
    return mw;
  }
  return 0;
}

/** The deal terms the AI rule values (one mutable object: no allocation per review). */
const AI_VIEW: { -readonly [K in keyof AiDealTerms]: AiDealTerms[K] } = {
  revenueUsdPerMwYear: 0, marginShare: 0, capexUsdPerMw: 0, upfrontCapexShare: 0, leadTimeDays: 0, miningUntilShare: 0,
  contractYears: 1, renewalProbability: 0, costOfCapitalAnnual: 0,
};
const OUTLOOK: { -readonly [K in keyof MiningOutlook]: MiningOutlook[K] } = {
  revenueUsdPerPhDay: 0, driftAnnual: 0, daysToHalving: Infinity, halvingRatio: 1, jPerTH: 1, powerUsdPerMWh: 0,
};
function copyTerms(view: typeof AI_VIEW, ai: AgentState['aiPolicy'][number]): void {
  view.marginShare = ai.marginShare;
  view.capexUsdPerMw = ai.capexUsdPerMw;
  view.upfrontCapexShare = ai.upfrontCapexShare;
  view.leadTimeDays = ai.leadTimeDays;
  view.miningUntilShare = ai.miningUntilShare;
  view.contractYears = ai.contractYears;
  view.renewalProbability = ai.renewalProbability;
  view.costOfCapitalAnnual = ai.costOfCapitalAnnual;
}

/**
 * MW of a deal the miner can fund: its own share of capex (what prepayment and notes do not cover)
 * out of spare cash and, with financeCapex, by selling or borrowing against its BTC.
 */
export function fundableDealMw(st: AgentState, i: number, price: number): number {
  const ai = st.aiPolicy[i]!;
  const fin = ai.financing;
  // Per MW: the own share of capex and the notes' coupons until the AI revenue starts; and the fixed
  // opex of the lead time is set aside first (a miner does not sign what it cannot carry to revenue).
  const leadYears = ai.leadTimeDays / 365;
  const perMw = ai.capexUsdPerMw * (1 - fin.prepaymentShare - fin.notesShare + fin.notesShare * fin.notesCouponAnnual * leadYears);
  const funds = spareCash(st, i) + (ai.financeCapex ? financingCapacity(st, i, price) : 0) - st.rec[i * REC + R_OPEX_USD_PER_DAY]! * ai.leadTimeDays;
  if (!(funds > 0)) return 0;
  if (!(perMw > 0)) return Infinity;
  return (funds / perMw) * (1 - 1e-9);
}

/**
 * Sign an AI deal for `mw` of site `s` (docs/MODEL.md, "Financing an AI build"): the tenant's
 * prepayment and the notes' proceeds come in as cash, the upfront share of capex is paid, the rest is
 * drawn evenly until the lead time ends (settlement); the MW keep mining until the shut-down day.
 */
export function startDeal(st: AgentState, i: number, s: number, mw: number, price: number, day: number, flows: StepFlows): void {
  const ai = st.aiPolicy[i]!;
  const fin = ai.financing;
  const capex = mw * ai.capexUsdPerMw;
  const prepay = capex * fin.prepaymentShare;
  let notes = capex * fin.notesShare;
  if (notes > 0 && !issueNote(st, i, notes, fin.notesCouponAnnual, fin.notesTermDays, fin.notesAtMaturity === 'refinance', day)) notes = 0;
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! + prepay + notes;
  st.prepaymentsUsd[i] = st.prepaymentsUsd[i]! + prepay;
  const upfront = capex * ai.upfrontCapexShare;
  const lead = ai.leadTimeDays;
  const rest = lead > 0 ? capex - upfront : 0;
  payCapex(st, i, lead > 0 ? upfront : capex, price, flows);
  st.siteAiMw[s] = st.siteAiMw[s]! + mw;
  st.siteBuildMw[s] = mw;
  st.siteBuildReadyDay[s] = day + lead;
  st.siteBuildShutDay[s] = day + Math.floor(lead * ai.miningUntilShare);
  st.siteBuildCapexLeftUsd[s] = rest;
  st.siteBuildDrawUsdPerDay[s] = lead > 0 ? rest / lead : 0;
  st.siteBuildPrepayUsd[s] = prepay;
  st.siteBuildContractYears[s] = ai.contractYears;
  st.buildDrawUsdPerDay[i] = st.buildDrawUsdPerDay[i]! + st.siteBuildDrawUsdPerDay[s]!;
  st.aiGateDirty[i] = 1;
  st.rec[i * REC + R_AI_MW_CONVERTING] = st.rec[i * REC + R_AI_MW_CONVERTING]! + mw;
  st.mwPivoted[i] = st.mwPivoted[i]! + mw;
  if (st.firstPivotDay[i]! < 0) st.firstPivotDay[i] = day;
  flows.pivotsStarted++;
  flows.mwPivotStarted += mw;
  // Events of the build (shut-down, ready) at once if due today, else on their days.
  financeEvents(st, i, day, flows, price);
}

/** Pay capex from cash, raising what cash lacks in the financing order (committed: paid regardless). */
function payCapex(st: AgentState, i: number, usd: number, price: number, flows: StepFlows): void {
  if (!(usd > 0)) return;
  const gap = usd - st.rec[i * REC + R_CASH_USD]!;
  if (gap > 0) raiseCash(st, i, gap, price, flows);
  st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - usd;
  st.capexDrawnUsd[i] = st.capexDrawnUsd[i]! + usd;
  flows.capexUsd += usd;
}

/** Issue a note into a free slot; false when the miner has NOTE_SLOTS notes outstanding. */
function issueNote(st: AgentState, i: number, usd: number, coupon: number, termDays: number, refinance: boolean, day: number): boolean {
  for (let k = i * NOTE_SLOTS, e = k + NOTE_SLOTS; k < e; k++) {
    if (st.notePrincipalUsd[k]! > 0) continue;
    st.notePrincipalUsd[k] = usd;
    st.noteCouponAnnual[k] = coupon;
    st.noteMaturityDay[k] = day + termDays;
    st.noteTermDays[k] = termDays;
    st.noteRefinance[k] = refinance ? 1 : 0;
    st.notesIssuedUsd[i] = st.notesIssuedUsd[i]! + usd;
    st.rec[i * REC + R_COUPON_USD_PER_YEAR] = st.rec[i * REC + R_COUPON_USD_PER_YEAR]! + usd * coupon;
    return true;
  }
  return false;
}

/**
 * Capex drawn by the miner's builds over a step of `dtDays` from `day` (USD): each build draws its
 * rate per day until its ready day, the last draw taking what is left, so a build's draws sum to its
 * capex. Called by settlement while buildDrawUsdPerDay > 0.
 */
export function drawBuilds(st: AgentState, i: number, day: number, dtDays: number): number {
  let total = 0;
  for (let s = st.siteStart[i]!, e = st.siteEnd[i]!; s < e; s++) {
    const left = st.siteBuildCapexLeftUsd[s]!;
    if (!(left > 0)) continue;
    const last = day + dtDays >= st.siteBuildReadyDay[s]!;
    const x = last ? left : Math.min(left, st.siteBuildDrawUsdPerDay[s]! * dtDays);
    st.siteBuildCapexLeftUsd[s] = left - x;
    total += x;
  }
  st.capexDrawnUsd[i] = st.capexDrawnUsd[i]! + total;
  return total;
}

/**
 * The miner's dated events due on `day` (the engine calls this when day >= R_NEXT_EVENT_DAY): builds
 * reaching their shut-down day (the MW stop mining; machines go to the secondary market) or their
 * ready day (AI revenue starts), notes maturing (refinanced or repaid from cash), the opening loan
 * maturing (rolled at the origination LTV after paying down to it, or repaid). Sets the next event day.
 */
export function financeEvents(st: AgentState, i: number, day: number, flows: StepFlows, price: number): void {
  let next = NO_EVENT_DAY;
  let draw = 0;
  for (let s = st.siteStart[i]!, e = st.siteEnd[i]!; s < e; s++) {
    const mw = st.siteBuildMw[s]!;
    if (!(mw > 0)) continue;
    if (day >= st.siteBuildShutDay[s]!) {
      st.siteBuildShutDay[s] = NO_EVENT_DAY;
      shedSite(st, i, s, st.siteMw[s]! - st.siteAiMw[s]!);
    }
    if (day >= st.siteBuildReadyDay[s]!) {
      st.rec[i * REC + R_AI_MW_OPERATING] = st.rec[i * REC + R_AI_MW_OPERATING]! + mw;
      st.rec[i * REC + R_AI_MW_CONVERTING] = Math.max(0, st.rec[i * REC + R_AI_MW_CONVERTING]! - mw);
      st.aiPrepayCreditUsdPerYear[i] = st.aiPrepayCreditUsdPerYear[i]! + st.siteBuildPrepayUsd[s]! / st.siteBuildContractYears[s]!;
      st.siteBuildMw[s] = 0;
      st.siteBuildReadyDay[s] = NO_EVENT_DAY;
      st.siteBuildPrepayUsd[s] = 0;
      st.siteBuildDrawUsdPerDay[s] = 0;
      continue;
    }
    draw += st.siteBuildDrawUsdPerDay[s]!;
    if (st.siteBuildShutDay[s]! < next) next = st.siteBuildShutDay[s]!;
    if (st.siteBuildReadyDay[s]! < next) next = st.siteBuildReadyDay[s]!;
  }
  st.buildDrawUsdPerDay[i] = draw;
  let coupons = 0;
  for (let k = i * NOTE_SLOTS, e = k + NOTE_SLOTS; k < e; k++) {
    const principal = st.notePrincipalUsd[k]!;
    if (!(principal > 0)) continue;
    if (day >= st.noteMaturityDay[k]!) {
      if (st.noteRefinance[k] === 1) {
        st.noteMaturityDay[k] = day + st.noteTermDays[k]!;
      } else {
        // Repaid from cash; a shortfall goes through settlement's financing like any other cost.
        st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - principal;
        st.notesRepaidUsd[i] = st.notesRepaidUsd[i]! + principal;
        st.notePrincipalUsd[k] = 0;
        st.noteMaturityDay[k] = NO_EVENT_DAY;
        continue;
      }
    }
    coupons += principal * st.noteCouponAnnual[k]!;
    if (st.noteMaturityDay[k]! < next) next = st.noteMaturityDay[k]!;
  }
  st.rec[i * REC + R_COUPON_USD_PER_YEAR] = coupons;
  if (day >= st.loanMaturityDay[i]!) loanMaturity(st, i, day, price, flows);
  if (st.loanMaturityDay[i]! < next) next = st.loanMaturityDay[i]!;
  st.rec[i * REC + R_NEXT_EVENT_DAY] = next;
}

/**
 * The opening loan matures: refinance rolls it for another term once its LTV is back at the
 * origination LTV (the miner sells treasury BTC or pledged collateral to repay down to it, as on a
 * margin call with the repay response); repay sells BTC to repay it in full. Repaid debt releases
 * its collateral.
 */
function loanMaturity(st: AgentState, i: number, day: number, price: number, flows: StepFlows): void {
  if (!(st.rec[i * REC + R_DEBT_USD]! > 0)) {
    st.loanMaturityDay[i] = NO_EVENT_DAY;
    return;
  }
  if (st.loanRefinance[i] === 1) {
    sellToRepay(st, i, st.rec[i * REC + R_ORIGINATION_LTV]!, price, flows);
    st.loanMaturityDay[i] = st.rec[i * REC + R_DEBT_USD]! > 0 ? day + st.loanTermDays[i]! : NO_EVENT_DAY;
    st.loanRefinancings[i] = st.loanRefinancings[i]! + 1;
  } else {
    const spare = spareCash(st, i);
    if (spare > 0) repay(st, i, Math.min(spare, st.rec[i * REC + R_DEBT_USD]!));
    if (st.rec[i * REC + R_DEBT_USD]! > 0) sellToRepay(st, i, 0, price, flows);
    st.loanMaturityDay[i] = NO_EVENT_DAY;
  }
}

/**
 * Expansion: every cooldownDays, order machines (efficiency expandJPerTH) for the site with the
 * cheapest power that has free MW, when payback at the current revenue < paybackDays; the order is
 * capped by free MW, maxOrderShare of the fleet, and funding; it arrives after deliveryLagDays.
 */
export function expand(st: AgentState, i: number, revenueUsdPerPhDay: number, price: number, day: number, flows: StepFlows): void {
  POLICY_ARGS[0] = revenueUsdPerPhDay;
  POLICY_ARGS[1] = price;
  expandArgs(st, i, day, flows);
}

/** expand() with revenue and price in POLICY_ARGS[0], [1] (the engine's hot-path entry). */
export function expandArgs(st: AgentState, i: number, day: number, flows: StepFlows): void {
  const revenueUsdPerPhDay = POLICY_ARGS[0]!;
  const price = POLICY_ARGS[1]!;
  if (st.rec[i * REC + R_PENDING_EHS]! > 0 || day - st.rec[i * REC + R_LAST_ORDER_DAY]! < st.rec[i * REC + R_EXPAND_COOLDOWN_DAYS]!) return;
  const jth = st.expandJPerTH[i]!;
  let best = -1;
  let free = 0;
  for (let s = st.siteStart[i]!, e = st.siteEnd[i]!; s < e; s++) {
    const f = st.siteMw[s]! - st.siteAiMw[s]! - siteDrawMw(st, i, s);
    if (f > st.siteMw[s]! * 1e-6 && (best < 0 || st.sitePriceUsdPerMWh[s]! < st.sitePriceUsdPerMWh[best]!)) {
      best = s;
      free = f;
    }
  }
  if (best < 0) return;
  const usdPerTH = st.machineUsdPerTH[i]!;
  if (!(paybackDays(usdPerTH, revenueUsdPerPhDay, jth, st.sitePriceUsdPerMWh[best]!) < st.paybackDays[i]!)) return;
  st.rec[i * REC + R_LAST_ORDER_DAY] = day;
  let ehs = free / jth;
  const cap = st.maxOrderShare[i]! * st.installedEhs[i]!;
  if (cap > 0 && cap < ehs) ehs = cap;
  const usdPerEhs = usdPerTH * 1e6;
  const affordable = (spareCash(st, i) + (st.expandFinance[i] === 1 ? financingCapacity(st, i, price) : 0)) / usdPerEhs;
  if (affordable < ehs) ehs = affordable * (1 - 1e-9);
  if (!(ehs > 1e-9) || !fundCapex(st, i, ehs * usdPerEhs, st.expandFinance[i] === 1, price, flows)) return;
  st.rec[i * REC + R_PENDING_EHS] = ehs;
  st.pendingDay[i] = day + st.deliveryLagDays[i]!;
  st.pendingCohort[i] = st.siteSlot[best]!;
}

/** Deliver an order whose lag has passed into the site's expansion slot (clipped to free MW). */
export function deliver(st: AgentState, i: number, day: number): void {
  if (!(st.rec[i * REC + R_PENDING_EHS]! > 0) || day < st.pendingDay[i]!) return;
  const c = st.pendingCohort[i]!;
  const s = st.cohortSite[c]!;
  const jth = st.cohortJPerTH[c]!;
  const free = st.siteMw[s]! - st.siteAiMw[s]! - siteDrawMw(st, i, s);
  const ordered = st.rec[i * REC + R_PENDING_EHS]!;
  let ehs = ordered;
  if (ehs * jth > free) ehs = free > 0 ? free / jth : 0;
  // Machines that no longer fit (the site went to AI meanwhile) are resold, not lost.
  releaseMachines(st, ordered - ehs, jth);
  const old = st.cohortEhs[c]!;
  if (old === 0) st.cohortBirthDay[c] = day;
  // New machines start running; the slot's running share mixes them in by hashrate.
  const total = old + ehs;
  if (total > 0) st.cohortShare[c] = (old * st.cohortShare[c]! + ehs) / total;
  st.cohortEhs[c] = total;
  st.cohortEpoch++;
  st.aiGateDirty[i] = 1;
  operateStale(st, i);
  st.rec[i * REC + R_PENDING_EHS] = 0;
}

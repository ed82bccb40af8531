// The per-miner passes of one step, over the struct-of-arrays state. Kept as separate small
// functions so V8 optimises each tight loop on its own (one huge function optimises worse).
import {
  advanceConversion,
  aiPivot,
  deleverage,
  deliver,
  exitMiner,
  expand,
  monitorLoan,
  operate,
  coverShortfall,
  treasuryPolicy,
  type StepFlows,
} from '../agents/policies.ts';
import { dailyCostUsd } from '../agents/economics.ts';
import { AgentState, STATUS_ACTIVE, STATUS_CURTAILING, STATUS_PIVOTING } from '../agents/state.ts';
import { HashsimError } from '../errors.ts';
import type { CustomStrategies } from './custom.ts';

const MINER_FIELDS = [
  'treasuryBtc',
  'collateralBtc',
  'cashUsd',
  'debtUsd',
  'activeEhs',
  'installedEhs',
  'powerUsdPerDay',
  'costUsdPerDay',
  'aiMwOperating',
  'aiMwConverting',
  'hashpriceEma',
  'pendingEhs',
] as const;

/**
 * Throw a HashsimError naming run, step, day, miner and field for the first non-finite miner field
 * (the engine calls it only when a per-step aggregate came out non-finite, so the hot path pays one
 * isFinite per step).
 */
export function checkFinite(st: AgentState, runIndex: number, step: number, day: number): void {
  for (let i = 0; i < st.n; i++) {
    for (const f of MINER_FIELDS) {
      const v = st[f][i]!;
      if (!Number.isFinite(v)) {
        throw new HashsimError(`run ${runIndex}, step ${step} (day ${day}), miner "${st.names[i]}": ${f} is ${v} (NaN/Infinity in the model state)`, 3);
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
  hhi = 0;
  nActive = 0;
  nCurt = 0;
  nPiv = 0;
}

/** Decisions of every live miner for the step; fills the solo reward table. */
export function decideMiners(
  st: AgentState,
  alive: Int32Array,
  nAlive: number,
  step: number,
  day: number,
  dtDays: number,
  hp: number,
  priceUsd: number,
  emaAlpha: Float64Array,
  custom: CustomStrategies,
  flows: StepFlows,
  table: SoloTable,
  tot: StepTotals,
): void {
  let agentEhs = 0;
  let poolEhs = 0;
  let soloN = 0;
  let soloCum = 0;
  let mw = 0;
  const soloCumArr = table.soloCum;
  const soloIdx = table.soloIdx;
  const poolFee = st.poolFee;
  const ema = st.hashpriceEma;
  const pending = st.pendingEhs;
  const converting = st.aiMwConverting;
  const moduleIndex = st.moduleIndex;
  const aiOn = st.aiOn;
  const expandOn = st.expandOn;
  const status = st.status;
  const active = st.activeEhs;
  const solo = st.solo;
  const won = st.wonBtc;
  const miningMw = st.miningMw;
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    const rev = hp * (1 - poolFee[i]!);
    ema[i] = step === 0 ? rev : ema[i]! + emaAlpha[i]! * (rev - ema[i]!);
    if (pending[i]! > 0) deliver(st, i, day);
    if (converting[i]! > 0) advanceConversion(st, i, day);
    const mod = moduleIndex[i]!;
    if (mod >= 0) custom.prepare(i, mod, rev, priceUsd);
    if (mod >= 0 && custom.hasPivot(mod)) custom.pivot(i, mod, rev, priceUsd, day, flows);
    else if (aiOn[i] === 1) aiPivot(st, i, priceUsd, day, flows);
    if (mod >= 0 && custom.hasExpand(mod)) custom.expand(i, mod, rev, priceUsd, day, flows);
    else if (expandOn[i] === 1) expand(st, i, rev, priceUsd, day, flows);
    let curtailed = operate(st, i, rev, dtDays);
    if (mod >= 0 && custom.hasOperate(mod)) curtailed = custom.operate(i, mod, rev);
    status[i] = converting[i]! > 0 ? STATUS_PIVOTING : curtailed ? STATUS_CURTAILING : STATUS_ACTIVE;
    const a = active[i]!;
    agentEhs += a;
    mw += miningMw[i]!;
    if (a > 0) {
      if (solo[i] === 1) {
        soloCum += a;
        soloCumArr[soloN] = soloCum;
        soloIdx[soloN] = i;
        soloN++;
      } else {
        poolEhs += a;
      }
    }
    won[i] = 0;
  }
  tot.agentEhs = agentEhs;
  tot.poolEhs = poolEhs;
  tot.soloN = soloN;
  tot.mw = mw;
}

/**
 * Settlement of every live miner: revenue, costs, treasury policy, loans, financing, exit.
 * Compacts `alive` (exited miners drop out) and returns the new live count.
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
  networkEhs: number,
  lottery: boolean,
  custom: CustomStrategies,
  flows: StepFlows,
  tot: StepTotals,
): number {
  let treasury = 0;
  let collateral = 0;
  let cash = 0;
  let debt = 0;
  let aiMw = 0;
  let aiConv = 0;
  let hhi = 0;
  let nActive = 0;
  let nCurt = 0;
  let nPiv = 0;
  let poolPaid = 0;
  let k2 = 0;
  const invNet = networkEhs > 0 ? 1 / networkEhs : 0;
  const active = st.activeEhs;
  const solo = st.solo;
  const won = st.wonBtc;
  const poolFee = st.poolFee;
  const treasuryBtc = st.treasuryBtc;
  const minedBtc = st.minedBtc;
  const debtUsd = st.debtUsd;
  const rate = st.rateAnnual;
  const aiOp = st.aiMwOperating;
  const aiRev = st.aiRevenueUsdPerMwYear;
  const aiMargin = st.aiMarginPct;
  const power = st.powerUsdPerDay;
  const opex = st.opexUsdPerDay;
  const cost = st.costUsdPerDay;
  const cashUsd = st.cashUsd;
  const moduleIndex = st.moduleIndex;
  const minCash = st.minCashUsd;
  const coll = st.collateralBtc;
  const conv = st.aiMwConverting;
  const status = st.status;
  const delevAt = st.deleverageAtLtv;
  const callDay = st.marginCallDay;
  const callLtv = st.marginCallLtv;
  const yearFrac = dtDays / 365;
  for (let k = 0; k < nAlive; k++) {
    const i = alive[k]!;
    const a = active[i]!;
    let mined: number;
    if (solo[i] === 1) {
      mined = lottery ? won[i]! : a * expectedShare;
    } else {
      mined = a * perEhs * (1 - poolFee[i]!);
      poolPaid += mined;
    }
    treasuryBtc[i] = treasuryBtc[i]! + mined;
    minedBtc[i] = minedBtc[i]! + mined;
    const d = debtUsd[i]!;
    const interest = d * rate[i]! * yearFrac;
    const aiIncome = aiOp[i]! * aiRev[i]! * aiMargin[i]! * yearFrac;
    const opCost = power[i]! + opex[i]!;
    cost[i] = dailyCostUsd(power[i]!, opex[i]!, d, rate[i]!, dtDays);
    cashUsd[i] = cashUsd[i]! + aiIncome - opCost * dtDays - interest;

    const mod = moduleIndex[i]!;
    if (mod >= 0 && custom.hasSell(mod)) custom.sell(i, mod, mined, hp, priceUsd, flows);
    else treasuryPolicy(st, i, mined, priceUsd, flows);
    const dl = debtUsd[i]!;
    if (dl > 0) {
      // The same LTV expression as deleverage/monitorLoan: below every trigger with no call open,
      // neither would act (monitorLoan would only confirm marginCallDay = -1), so skip both calls.
      const ltv = dl / (coll[i]! * priceUsd);
      const at = delevAt[i]!;
      if (callDay[i]! >= 0 || ltv >= callLtv[i]! || (at > 0 && ltv >= at)) {
        deleverage(st, i, priceUsd, flows);
        monitorLoan(st, i, priceUsd, day, flows);
      }
    }
    const floor = minCash[i]!;
    if (cashUsd[i]! < floor) coverShortfall(st, i, floor - cashUsd[i]!, priceUsd, flows);
    if (cashUsd[i]! < floor - 1e-6 * (1 + Math.abs(floor)) || (mod >= 0 && custom.wantsExit(i, mod, hp, priceUsd))) {
      exitMiner(st, i, priceUsd, day, flows);
      continue;
    }
    alive[k2++] = i;
    treasury += treasuryBtc[i]!;
    collateral += coll[i]!;
    cash += cashUsd[i]!;
    debt += debtUsd[i]!;
    aiMw += aiOp[i]!;
    aiConv += conv[i]!;
    const sh = a * invNet;
    hhi += sh * sh;
    const stt = status[i]!;
    if (stt === STATUS_ACTIVE) nActive++;
    else if (stt === STATUS_CURTAILING) nCurt++;
    else nPiv++;
  }
  tot.treasury = treasury;
  tot.collateral = collateral;
  tot.cash = cash;
  tot.debt = debt;
  tot.aiMw = aiMw;
  tot.aiConv = aiConv;
  tot.hhi = hhi;
  tot.nActive = nActive;
  tot.nCurt = nCurt;
  tot.nPiv = nPiv;
  tot.poolPaid = poolPaid;
  return k2;
}

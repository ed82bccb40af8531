// Dispatch to user strategy modules. Kept out of the hot loop's built-in path: the engine checks
// `moduleIndex >= 0` (a predictable branch) and only then calls through here.
import { HashsimError } from '../errors.ts';
import { runningMeanCost } from '../agents/utilisation.ts';
import { sellBtc, spareCash, startDeal, fundableDealMw, financingCapacity, raiseCash, type StepFlows } from '../agents/policies.ts';
import {
  packedMap,
  REC,
  R_ACTIVE_EHS,
  R_AI_MW_CONVERTING,
  R_CASH_USD,
  R_LAST_ORDER_DAY,
  R_MINING_MW,
  R_PENDING_EHS,
  R_POOL_FEE,
  R_POWER_USD_PER_DAY,
  type AgentState,
} from '../agents/state.ts';
import { MinerViewImpl, MutableStrategyContext, type StrategyModule } from '../agents/strategy-api.ts';

export class CustomStrategies {
  private readonly mods: StrategyModule[];
  private readonly view: MinerViewImpl;
  private readonly ctx = new MutableStrategyContext();
  private hp = 0;

  constructor(
    private readonly st: AgentState,
    modules: Readonly<Record<string, StrategyModule>>,
  ) {
    // packedMap: a stable elements kind (see there).
    this.mods = packedMap(st.moduleKeys, (key) => {
      const m = modules[key];
      if (m === undefined || typeof m !== 'object') {
        throw new HashsimError(`strategyModule "${key}": no loaded module was passed to simulate (options.strategies["${key}"])`);
      }
      return m;
    });
    this.view = new MinerViewImpl(st);
  }

  setWorld(step: number, day: number, stepDays: number, price: number, hp: number, fee: number, subsidy: number, network: number, height: number, bits: number): void {
    const c = this.ctx;
    c.step = step;
    c.day = day;
    c.stepDays = stepDays;
    c.priceUsd = price;
    c.hashpriceUsdPerPhDay = hp;
    c.feeBtcPerBlock = fee;
    c.subsidyBtc = subsidy;
    c.networkHashrateEHs = network;
    c.height = height;
    c.bits = bits;
    this.hp = hp;
  }

  hasPivot(m: number): boolean {
    return this.mods[m]!.aiPivotMw !== undefined;
  }
  hasExpand(m: number): boolean {
    return this.mods[m]!.expandEHs !== undefined;
  }
  hasOperate(m: number): boolean {
    return this.mods[m]!.operate !== undefined;
  }
  hasSell(m: number): boolean {
    return this.mods[m]!.sellBtc !== undefined;
  }

  private call<T>(i: number, m: number, hook: string, rev: number, price: number, f: () => T): T {
    this.ctx.revenueUsdPerPhDay = rev;
    this.view.at(i, price, this.ctx.day);
    let out: T;
    try {
      out = f();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new HashsimError(`strategy module "${this.st.moduleKeys[m]}" (${hook}) failed for miner "${this.st.names[i]}" on day ${this.ctx.day}: ${msg}`);
    }
    return out;
  }

  private num(i: number, m: number, hook: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new HashsimError(`strategy module "${this.st.moduleKeys[m]}" (${hook}) returned ${String(v)} for miner "${this.st.names[i]}"; expected a finite number >= 0`);
    }
    return v;
  }

  pivot(i: number, m: number, rev: number, price: number, day: number, flows: StepFlows): void {
    const st = this.st;
    const mod = this.mods[m]!;
    let mw = this.num(i, m, 'aiPivotMw', this.call(i, m, 'aiPivotMw', rev, price, () => mod.aiPivotMw!(this.view, this.ctx)));
    if (!(mw > 0)) return;
    // The site with the most convertible MW and no build in progress takes the tranche; the deal is
    // financed like the built-in rule's (policies.ts startDeal).
    let best = -1;
    let room = 0;
    for (let s = st.siteStart[i]!; s < st.siteEnd[i]!; s++) {
      const r = st.siteMw[s]! * st.siteAiShare[s]! - st.siteAiMw[s]!;
      if (st.siteBuildMw[s] === 0 && r > room) {
        room = r;
        best = s;
      }
    }
    if (best < 0) return;
    mw = Math.min(mw, room, fundableDealMw(st, i, price));
    if (!(mw > 0)) return;
    startDeal(st, i, best, mw, price, day, flows);
  }

  expand(i: number, m: number, rev: number, price: number, day: number, flows: StepFlows): void {
    const st = this.st;
    if (st.rec[i * REC + R_PENDING_EHS]! > 0) return;
    const mod = this.mods[m]!;
    let ehs = this.num(i, m, 'expandEHs', this.call(i, m, 'expandEHs', rev, price, () => mod.expandEHs!(this.view, this.ctx)));
    if (!(ehs > 0)) return;
    const usdPerEhs = st.machineUsdPerTH[i]! * 1e6;
    const affordable = (spareCash(st, i) + (st.expandFinance[i] === 1 ? financingCapacity(st, i, price) : 0)) / usdPerEhs;
    ehs = Math.min(ehs, affordable * (1 - 1e-9));
    if (!(ehs > 0)) return;
    const cost = ehs * usdPerEhs;
    const spare = spareCash(st, i);
    if (cost > spare && raiseCash(st, i, cost - spare, price, flows) < (cost - spare) * (1 - 1e-9)) return;
    st.rec[i * REC + R_CASH_USD] = st.rec[i * REC + R_CASH_USD]! - cost;
    flows.capexUsd += cost;
    // Cheapest site; delivery clips the order to free MW.
    let best = st.siteStart[i]!;
    for (let s = best + 1; s < st.siteEnd[i]!; s++) if (st.sitePriceUsdPerMWh[s]! < st.sitePriceUsdPerMWh[best]!) best = s;
    st.rec[i * REC + R_PENDING_EHS] = ehs;
    st.pendingDay[i] = day + st.deliveryLagDays[i]!;
    st.pendingCohort[i] = st.siteSlot[best]!;
    st.rec[i * REC + R_LAST_ORDER_DAY] = day;
  }

  /** Run the module's operate hook after the built-in rule; recompute the miner's running totals. */
  operate(i: number, m: number, rev: number): boolean {
    const st = this.st;
    const mod = this.mods[m]!;
    this.call(i, m, 'operate', rev, this.ctx.priceUsd, () => mod.operate!(this.view, this.ctx));
    let active = 0;
    let installed = 0;
    let power = 0;
    let mw = 0;
    let curtailed = false;
    for (let c = st.cohortStart[i]!; c < st.cohortEnd[i]!; c++) {
      const ehs = st.cohortEhs[c]!;
      if (ehs === 0) continue;
      installed += ehs;
      const u = st.cohortShare[c]!;
      const run = ehs * u;
      active += run;
      power += run * 1000 * runningMeanCost(u, st.cohortCostPerPhDay[c]!, st.costSpread[i]!);
      mw += run * st.cohortJPerTH[c]!;
      if (u < 1) curtailed = true;
    }
    st.rec[i * REC + R_ACTIVE_EHS] = active;
    st.installedEhs[i] = installed;
    st.rec[i * REC + R_POWER_USD_PER_DAY] = power;
    st.rec[i * REC + R_MINING_MW] = mw;
    return curtailed;
  }

  /** Apply the module's financing choices for this step (before decisions and settlement). */
  prepare(i: number, m: number, rev: number, price: number): void {
    const mod = this.mods[m]!;
    if (mod.financingOrder !== undefined) {
      const v = this.call(i, m, 'financingOrder', rev, price, () => mod.financingOrder!(this.view, this.ctx));
      if (v !== 'sell-first' && v !== 'borrow-first') this.bad(i, m, 'financingOrder', v, '"sell-first" or "borrow-first"');
      this.st.borrowFirst[i] = v === 'borrow-first' ? 1 : 0;
    }
    if (mod.marginCallResponse !== undefined) {
      const v = this.call(i, m, 'marginCallResponse', rev, price, () => mod.marginCallResponse!(this.view, this.ctx));
      if (v !== 'post-collateral' && v !== 'repay') this.bad(i, m, 'marginCallResponse', v, '"post-collateral" or "repay"');
      this.st.marginRepay[i] = v === 'repay' ? 1 : 0;
    }
  }

  private bad(i: number, m: number, hook: string, v: unknown, expected: string): never {
    throw new HashsimError(`strategy module "${this.st.moduleKeys[m]}" (${hook}) returned ${JSON.stringify(v)} for miner "${this.st.names[i]}"; expected ${expected}`);
  }

  sell(i: number, m: number, mined: number, _hp: number, price: number, flows: StepFlows): void {
    const mod = this.mods[m]!;
    const rev = this.hp * (1 - this.st.rec[i * REC + R_POOL_FEE]!);
    const btc = this.num(i, m, 'sellBtc', this.call(i, m, 'sellBtc', rev, price, () => mod.sellBtc!(this.view, this.ctx, mined)));
    sellBtc(this.st, i, btc, price, flows);
  }

  wantsExit(i: number, m: number, _hp: number, price: number): boolean {
    const mod = this.mods[m]!;
    if (mod.exit === undefined) return false;
    const rev = this.hp * (1 - this.st.rec[i * REC + R_POOL_FEE]!);
    return this.call(i, m, 'exit', rev, price, () => mod.exit!(this.view, this.ctx)) === true;
  }
}

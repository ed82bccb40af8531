// The network outside the agents (the "fringe") as a capacity stock with a marginal-cost curve
// (docs/MODEL.md, "Hashrate supply"). Pure: no I/O, clock or randomness; O(classes x bins) per step.
//
// Capacity (EH/s) is held in cells: efficiency vintage class v (J/TH) x power-price bin b (equal-
// probability bins of a lognormal $/MWh distribution). A cell's machines have power + overhead costs
// per PH/s per day spread uniformly over the bin's price range, and their running share follows the
// band-of-inaction rule of utilisation.ts (the same rule as the agents' cohorts). Each step:
//   1. deliveries: orders placed deliveryLag days ago arrive, at the frontier efficiency of their date;
//   2. machines released by agents (AI conversions, exits, retirements) enter the secondary market;
//   3. the secondary market resells machines that earn a cheap-power buyer a margin, and scraps
//      machines that cannot cover even that;
//   4. utilisation: every cell's running share moves inside its band, within the ramp limit;
//   5. retirement: idle machines are sold to the secondary market at hazard 1 / idleDaysMean;
//   6. investment: per power bin, orders when the payback of a frontier machine at the ASIC price
//      (which moves with hashprice) and the averaged hashprice, including the next halving, is short.
// Machines are conserved: initial + ordered + released = installed + in transit + secondary + scrapped.
import { HashsimError } from '../errors.ts';
import { normalQuantile } from '../random/normal.ts';
import { powerCostUsdPerPhDay } from './economics.ts';
import type { FringeConfig } from './schema.ts';
import { bandShare, costShareBelow } from './utilisation.ts';

/** The world the supply sees at a step (set by the engine; one object per run). */
export interface SupplyWorld {
  /** Hashprice during the step (USD per PH/s per day). */
  hashpriceUsdPerPhDay: number;
  /** Days from the step's start to the next halving (estimated at 600 s per block). */
  daysToHalving: number;
  /** Hashprice after the next halving relative to now, other things equal: (subsidy / 2 + fees) / (subsidy + fees). */
  postHalvingRatio: number;
}

/** Outer bins of the power-price distribution are cut at these tail probabilities. */
const TAIL_P = 0.002;

/**
 * Payback (days) of a machine costing `usdPerTH` at margin `m1` (USD per PH/s per day) until the
 * halving in `daysToHalving` days and `m2` after it; Infinity if it never pays back.
 */
export function paybackWithHalving(usdPerTH: number, m1: number, m2: number, daysToHalving: number): number {
  const cost = usdPerTH * 1000; // USD per PH/s
  if (m1 > 0 && m1 * daysToHalving >= cost) return cost / m1;
  const before = m1 > 0 ? m1 * daysToHalving : 0;
  // A negative margin before the halving is not paid: machines that do not cover power are idle.
  if (!(m2 > 0)) return Infinity;
  return daysToHalving + (cost - before) / m2;
}

export class NetworkSupply {
  readonly nBins: number;
  readonly nClasses: number;
  /** Classes given at the start (the rest hold deliveries, one per vintageDays window). */
  readonly nInitialClasses: number;
  /** Efficiency of each class (J/TH). */
  readonly classJPerTH: Float64Array;
  /** Lower and upper $/MWh of each power bin. */
  readonly binLoUsdPerMWh: Float64Array;
  readonly binHiUsdPerMWh: Float64Array;
  /** Installed capacity (EH/s) and running share of each cell [class * nBins + bin]. */
  readonly installed: Float64Array;
  readonly share: Float64Array;
  /** Centre cost (USD/PH/day, overhead included) and relative spread of each cell. */
  private readonly cost: Float64Array;
  private readonly spread: Float64Array;
  /** Secondary-market stock (EH/s) by class. */
  readonly secondary: Float64Array;
  /** Orders in transit: ring of lagSteps slots x bins (EH/s). */
  private readonly pipeline: Float64Array;
  /**
   * inTransitEHs' running sums at the ring's slot boundaries: transitPrefix[j] is the sum, in index
   * order, of the slots before j. Only slots from transitDirty on changed since the last sum (a step
   * writes one slot), so only those are summed again: the same additions in the same order as
   * summing the whole ring, so the same value to the last bit.
   */
  private readonly transitPrefix: Float64Array;
  private transitDirty = 0;
  private readonly lagSteps: number;
  /** Bin a resold machine is installed in (the one holding the buyers' power price). */
  private readonly buyerBin: number;
  private readonly buyerCost: Float64Array;

  private readonly offRatio: number;
  private readonly onRatio: number;
  private readonly resaleRatio: number;
  private readonly rampPerStep: number;
  private readonly retireP: number;
  private readonly resaleP: number;
  private readonly scrapP: number;
  private readonly emaAlpha: number;
  private readonly stepDays: number;

  /** Investors' averaged hashprice (USD/PH/day). */
  expectedHashprice: number;
  /** ASIC price of a frontier machine at the last step (USD/TH). */
  asicUsdPerTH = 0;
  /** Frontier efficiency at the last step (J/TH). */
  frontierJPerTH: number;
  /** Running hashrate after the last update (EH/s). */
  runningEHs = 0;

  // Cumulative flows for the conservation identity (EH/s of machines).
  initialEHs = 0;
  orderedEHs = 0;
  releasedEHs = 0;
  scrappedEHs = 0;
  /** Flows of the last step (EH/s). */
  deliveredStep = 0;
  orderedStep = 0;
  retiredStep = 0;
  resoldStep = 0;
  scrappedStep = 0;
  shockedStep = 0;
  /** Installed capacity (EH/s) when each capacity shock began (NaN before). */
  private readonly shockBase: Float64Array;
  /** First day of each capacity shock (from `day`, or from `date` and the start). */
  private readonly shockDays: Float64Array;

  private step = 0;

  constructor(
    private readonly config: FringeConfig,
    options: { readonly stepDays: number; readonly horizonDays: number; readonly startTime?: number },
  ) {
    const c = config;
    const B = c.powerPrice.bins;
    const V0 = c.vintages.length;
    const nNew = c.investment.enabled ? Math.ceil(options.horizonDays / c.investment.vintageDays) + 1 : 0;
    this.nBins = B;
    this.nInitialClasses = V0;
    this.nClasses = V0 + nNew;
    this.stepDays = options.stepDays;
    this.classJPerTH = new Float64Array(this.nClasses);
    c.vintages.forEach((v, k) => (this.classJPerTH[k] = v.efficiencyJPerTH));
    for (let w = 0; w < nNew; w++) this.classJPerTH[V0 + w] = this.frontierAt(w * c.investment.vintageDays);
    this.frontierJPerTH = c.frontier.efficiencyJPerTH;

    // Equal-probability bins of the lognormal power price; the outer edges at the TAIL_P quantiles.
    this.binLoUsdPerMWh = new Float64Array(B);
    this.binHiUsdPerMWh = new Float64Array(B);
    const q = (p: number) => c.powerPrice.medianUsdPerMWh * Math.exp(c.powerPrice.sigmaLog * normalQuantile(p));
    for (let b = 0; b < B; b++) {
      this.binLoUsdPerMWh[b] = q(b === 0 ? TAIL_P : b / B);
      this.binHiUsdPerMWh[b] = q(b === B - 1 ? 1 - TAIL_P : (b + 1) / B);
    }
    const n = this.nClasses * B;
    this.installed = new Float64Array(n);
    this.share = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.spread = new Float64Array(n);
    for (let v = 0; v < this.nClasses; v++) {
      for (let b = 0; b < B; b++) {
        const lo = this.binLoUsdPerMWh[b]!;
        const hi = this.binHiUsdPerMWh[b]!;
        this.cost[v * B + b] = this.powerCost(this.classJPerTH[v]!, (lo + hi) / 2);
        this.spread[v * B + b] = (hi - lo) / (hi + lo);
      }
    }
    this.secondary = new Float64Array(this.nClasses);
    let buyer = 0;
    while (buyer < B - 1 && this.binHiUsdPerMWh[buyer]! < c.secondary.buyerPowerPriceUsdPerMWh) buyer++;
    this.buyerBin = buyer;
    this.buyerCost = new Float64Array(this.nClasses);
    for (let v = 0; v < this.nClasses; v++) this.buyerCost[v] = this.powerCost(this.classJPerTH[v]!, c.secondary.buyerPowerPriceUsdPerMWh);

    const dt = options.stepDays;
    this.lagSteps = Math.max(1, Math.ceil(c.investment.deliveryLagDays / dt));
    this.pipeline = new Float64Array(this.lagSteps * B);
    this.transitPrefix = new Float64Array(this.lagSteps + 1);
    this.offRatio = 1 - c.switching.offMarginShare;
    this.onRatio = 1 + c.switching.restartMarginShare;
    this.resaleRatio = 1 + c.secondary.resaleMarginShare;
    this.rampPerStep = c.switching.rampSharePerDay * dt;
    this.retireP = -Math.expm1(-dt / c.retirement.idleDaysMean);
    this.resaleP = -Math.expm1(-dt / c.secondary.resaleDaysMean);
    this.scrapP = -Math.expm1(-dt / c.secondary.scrapDaysMean);
    this.emaAlpha = -Math.expm1(-dt / c.investment.expectationDays);
    this.shockBase = new Float64Array(c.capacityShocks.length).fill(NaN);
    // Dated shocks: day offsets from the run's start date (options.startDate).
    this.shockDays = new Float64Array(c.capacityShocks.length);
    c.capacityShocks.forEach((k, i) => {
      if (k.day !== undefined) this.shockDays[i] = k.day;
      else if (options.startTime === undefined) throw new HashsimError(`fringe.capacityShocks[${i}].date: a dated shock needs the run's start date`);
      else this.shockDays[i] = Math.round((Date.parse(`${k.date}T00:00:00Z`) / 1000 - options.startTime) / 86_400);
    });
    this.expectedHashprice = 0;
  }

  /** Power + overhead cost (USD per PH/s per day) of machines at `jPerTH` on power at `usdPerMWh`. */
  powerCost(jPerTH: number, usdPerMWh: number): number {
    return powerCostUsdPerPhDay(jPerTH, usdPerMWh) * (1 + this.config.overheadShare);
  }

  /** Frontier efficiency (J/TH) on `day`. */
  frontierAt(day: number): number {
    return this.config.frontier.efficiencyJPerTH * Math.exp((-this.config.frontier.declineAnnual * day) / 365);
  }

  /** ASIC price (USD/TH) of a frontier machine when investors expect `hashprice`. */
  asicPrice(hashprice: number): number {
    const a = this.config.asicPrice;
    return a.usdPerTHAtRef * Math.pow(Math.max(hashprice, 0) / a.refHashpriceUsdPerPhDay, a.hashpriceElasticity);
  }

  /** The class a machine of `jPerTH` released by an agent joins: the nearest starting class (log scale). */
  classOf(jPerTH: number): number {
    let best = 0;
    let bestD = Infinity;
    for (let v = 0; v < this.nInitialClasses; v++) {
      const d = Math.abs(Math.log(jPerTH / this.classJPerTH[v]!));
      if (d < bestD) {
        bestD = d;
        best = v;
      }
    }
    return best;
  }

  /**
   * Set the start state: installed capacity by the vintage shares, each cell running the share
   * whose cost the start hashprice covers (the middle of its band), scaled so the running hashrate
   * is `runningEHs`; the pipeline holds the orders of the last deliveryLag days at the start's
   * economics (a steady state, so deliveries do not pause for the first months).
   */
  start(runningEHs: number, world: SupplyWorld): void {
    const B = this.nBins;
    const hp = world.hashpriceUsdPerPhDay;
    let perUnit = 0;
    this.config.vintages.forEach((vin, v) => {
      for (let b = 0; b < B; b++) {
        const k = v * B + b;
        this.share[k] = costShareBelow(hp, this.cost[k]!, this.spread[k]!);
        perUnit += (vin.share / B) * this.share[k]!;
      }
    });
    if (runningEHs > 0 && !(perUnit > 0)) {
      throw new HashsimError(
        `fringe: no fringe capacity covers its power cost at the start hashprice (${hp.toFixed(2)} USD/PH/day); ` +
          `lower fringe.powerPrice.medianUsdPerMWh or fringe.vintages' efficiencyJPerTH`,
      );
    }
    const total = runningEHs > 0 ? runningEHs / perUnit : 0;
    this.config.vintages.forEach((vin, v) => {
      for (let b = 0; b < B; b++) this.installed[v * B + b] = (total * vin.share) / B;
    });
    this.expectedHashprice = hp;
    this.runningEHs = runningEHs;
    this.initialEHs = total;
    if (this.config.investment.enabled && this.config.responsive && total > 0) {
      for (let s = 0; s < this.lagSteps; s++) {
        const ordered = this.placeOrders(world, total, s, 0);
        this.initialEHs += ordered;
      }
    }
    this.step = 0;
  }

  /** Machines released by agents (EH/s of class `cls`) enter the secondary market. */
  release(cls: number, ehs: number): void {
    if (!(ehs > 0)) return;
    this.secondary[cls] = this.secondary[cls]! + ehs;
    this.releasedEHs += ehs;
  }

  /** One step starting on `day`; returns the fringe's running hashrate (EH/s) during the step. */
  update(world: SupplyWorld, day: number): number {
    if (!this.config.responsive) {
      this.step++;
      return this.runningEHs;
    }
    const B = this.nBins;
    const hp = world.hashpriceUsdPerPhDay;
    const installed = this.installed;
    const share = this.share;
    const slot = this.step % this.lagSteps;

    // 1. deliveries into the class of today's window, running if they cover their costs.
    let delivered = 0;
    if (this.config.investment.enabled) {
      const v = this.nInitialClasses + Math.floor(day / this.config.investment.vintageDays);
      for (let b = 0; b < B; b++) {
        const x = this.pipeline[slot * B + b]!;
        if (!(x > 0)) continue;
        this.pipeline[slot * B + b] = 0;
        if (slot < this.transitDirty) this.transitDirty = slot;
        const k = v * B + b;
        const u = costShareBelow(hp / this.offRatio, this.cost[k]!, this.spread[k]!);
        this.add(k, x, u);
        delivered += x;
      }
    }

    // 3. the secondary market: resale to cheap-power buyers, or scrap.
    let resold = 0;
    let scrapped = 0;
    for (let v = 0; v < this.nClasses; v++) {
      const s = this.secondary[v]!;
      if (!(s > 0)) continue;
      const bc = this.buyerCost[v]!;
      if (hp > bc * this.resaleRatio) {
        const x = s * this.resaleP;
        this.secondary[v] = s - x;
        const k = v * B + this.buyerBin;
        this.add(k, x, costShareBelow(hp / this.offRatio, this.cost[k]!, this.spread[k]!));
        resold += x;
      } else if (hp < bc) {
        const x = s * this.scrapP;
        this.secondary[v] = s - x;
        scrapped += x;
      }
    }
    this.scrappedEHs += scrapped;

    // 2b. scripted capacity shocks: a share of the capacity leaves for the secondary market.
    let shocked = 0;
    for (let k = 0; k < this.config.capacityShocks.length; k++) shocked += this.applyShock(k, day);

    // 4-5. utilisation inside the band, then retirement of idle machines.

    let running = 0;
    let total = 0;
    let retired = 0;
    const n = this.nClasses * B;
    for (let k = 0; k < n; k++) {
      const K = installed[k]!;
      if (!(K > 0)) continue;
      const u = bandShare(share[k]!, hp, this.cost[k]!, this.spread[k]!, this.offRatio, this.onRatio, this.rampPerStep);
      const idle = K * (1 - u);
      let Kn = K;
      let un = u;
      if (idle > 0) {
        const r = idle * this.retireP;
        Kn = K - r;
        un = (K * u) / Kn; // the running machines stay; only idle ones leave
        this.secondary[(k / B) | 0] += r;
        retired += r;
      }
      installed[k] = Kn;
      share[k] = un;
      running += Kn * un;
      total += Kn;
    }

    // 6. investment, at the averaged hashprice.
    this.expectedHashprice += this.emaAlpha * (hp - this.expectedHashprice);
    this.frontierJPerTH = this.frontierAt(day);
    let ordered = 0;
    if (this.config.investment.enabled) ordered = this.placeOrders(world, total, slot, day);
    this.orderedEHs += ordered;

    this.deliveredStep = delivered;
    this.orderedStep = ordered;
    this.retiredStep = retired;
    this.resoldStep = resold;
    this.scrappedStep = scrapped;
    this.shockedStep = shocked;
    this.runningEHs = running;
    this.step++;
    return running;
  }

  /**
   * Capacity shock k during the step starting on `day`: its per-day share of the capacity installed
   * when it began leaves every cell in proportion (running and idle alike) for the secondary market.
   */
  private applyShock(k: number, day: number): number {
    const shock = this.config.capacityShocks[k]!;
    const from = shock.day ?? this.shockDays[k]!;
    const to = from + shock.overDays;
    const lo = Math.max(day, from);
    const hi = Math.min(day + this.stepDays, to);
    if (!(hi > lo)) return 0;
    if (Number.isNaN(this.shockBase[k]!)) this.shockBase[k] = this.installedEHs();
    const remove = Math.min((this.shockBase[k]! * shock.share * (hi - lo)) / shock.overDays, this.installedEHs());
    const total = this.installedEHs();
    if (!(total > 0) || !(remove > 0)) return 0;
    const f = remove / total;
    const B = this.nBins;
    for (let c = 0; c < this.installed.length; c++) {
      const x = this.installed[c]! * f;
      if (!(x > 0)) continue;
      this.installed[c] = this.installed[c]! - x;
      this.secondary[(c / B) | 0] += x;
    }
    return remove;
  }

  /** Add `x` EH/s running at share `u` to cell `k` (mixing running shares by capacity). */
  private add(k: number, x: number, u: number): void {
    const K = this.installed[k]!;
    const Kn = K + x;
    this.share[k] = (K * this.share[k]! + x * u) / Kn;
    this.installed[k] = Kn;
  }

  /**
   * Orders (EH/s) placed in the step at ring slot `slot` (they arrive lagSteps later): per bin,
   * installed/B x maxOrdersShareAnnual x dt/365 x max(0, 1 - payback / threshold).
   */
  private placeOrders(world: SupplyWorld, installedTotal: number, slot: number, day: number): number {
    const inv = this.config.investment;
    const B = this.nBins;
    const hpE = this.expectedHashprice;
    const usdPerTH = this.asicPrice(hpE);
    this.asicUsdPerTH = usdPerTH;
    const jth = this.frontierAt(day + inv.deliveryLagDays);
    const base = ((installedTotal / B) * inv.maxOrdersShareAnnual * this.stepDays) / 365;
    let ordered = 0;
    for (let b = 0; b < B; b++) {
      const c = this.powerCost(jth, (this.binLoUsdPerMWh[b]! + this.binHiUsdPerMWh[b]!) / 2);
      const payback = paybackWithHalving(usdPerTH, hpE - c, hpE * world.postHalvingRatio - c, world.daysToHalving);
      const x = payback < inv.paybackThresholdDays ? base * (1 - payback / inv.paybackThresholdDays) : 0;
      this.pipeline[slot * B + b] = this.pipeline[slot * B + b]! + x;
      if (slot < this.transitDirty) this.transitDirty = slot;
      ordered += x;
    }
    return ordered;
  }

  /** EH/s in transit (ordered, not delivered). */
  inTransitEHs(): number {
    const B = this.nBins;
    const L = this.lagSteps;
    const prefix = this.transitPrefix;
    let s = prefix[this.transitDirty]!;
    for (let j = this.transitDirty; j < L; j++) {
      for (let k = j * B; k < (j + 1) * B; k++) s += this.pipeline[k]!;
      prefix[j + 1] = s;
    }
    this.transitDirty = L;
    return s;
  }

  /** Installed capacity (EH/s, running + idle). */
  installedEHs(): number {
    let s = 0;
    for (let k = 0; k < this.installed.length; k++) s += this.installed[k]!;
    return s;
  }

  /** EH/s held in the secondary market. */
  secondaryEHs(): number {
    let s = 0;
    for (let v = 0; v < this.nClasses; v++) s += this.secondary[v]!;
    return s;
  }

  /**
   * The conservation identity's residual (EH/s): initial + ordered + released - (installed + in
   * transit + secondary + scrapped). Zero up to rounding.
   */
  conservationResidual(): number {
    return this.initialEHs + this.orderedEHs + this.releasedEHs - (this.installedEHs() + this.inTransitEHs() + this.secondaryEHs() + this.scrappedEHs);
  }
}

// Security metrics measured as costs and shares (docs/MODEL.md, "Security"). Pure and allocation-free
// per step: the engine fills the hardware sources each step and reads the results.
//
// (a) Cost of an attack: acquire machines running as much hashrate as the honest network and power
//     them for `attackHours`: idle and secondary-market machines first, priced by what they earn
//     (a used machine sells for the new machine's price scaled by its margin relative to the
//     frontier's, at least floorShare of it), then new machines at the ASIC price; the sources are
//     taken cheapest per TH first (price + power over the attack).
// (b) The security budget: what miners earn per day (network hashrate x hashprice).
// (c) Pool concentration: HHI of pool shares and the largest pool's share.
import { powerCostUsdPerPhDay } from '../agents/economics.ts';
import type { SecurityConfig } from '../agents/schema.ts';
import { REC, R_ACTIVE_EHS, type AgentState } from '../agents/state.ts';
import type { NetworkSupply } from '../agents/supply.ts';

export interface AttackPricing {
  /** Length of the attack (hours). */
  readonly attackHours: number;
  /** Power price the attacker pays (USD/MWh). */
  readonly powerUsdPerMWh: number;
  /** Lowest price of a used machine as a share of a new one's (per TH). */
  readonly usedPriceFloorShare: number;
}

/** Price (USD/TH) of a used machine of `jPerTH` given the new (frontier) machine's price and efficiency. */
export function usedUsdPerTH(jPerTH: number, hashpriceUsdPerPhDay: number, asicUsdPerTH: number, frontierJPerTH: number, p: AttackPricing): number {
  const mFrontier = hashpriceUsdPerPhDay - powerCostUsdPerPhDay(frontierJPerTH, p.powerUsdPerMWh);
  const m = hashpriceUsdPerPhDay - powerCostUsdPerPhDay(jPerTH, p.powerUsdPerMWh);
  const rel = mFrontier > 0 ? Math.min(1, Math.max(0, m / mFrontier)) : 0;
  return asicUsdPerTH * Math.max(p.usedPriceFloorShare, rel);
}

/** Power (USD) of 1 TH/s at `jPerTH` over `hours`: J/TH = W per TH/s; MWh = W x h / 1e6. */
function powerUsdPerTH(jPerTH: number, hours: number, usdPerMWh: number): number {
  return (jPerTH * hours * usdPerMWh) / 1e6;
}

/** The attack's cost, split; `existingEhs`: EH/s bought from idle and secondary-market machines. */
export class AttackCost {
  hardwareUsd = 0;
  powerUsd = 0;
  existingEhs = 0;
  get totalUsd(): number {
    return this.hardwareUsd + this.powerUsd;
  }
}

/**
 * Hardware sources for an attack: up to `capacity` classes of existing machines (EH/s, J/TH, USD/TH).
 * Fill with add(), then price() takes them cheapest per TH first.
 */
export class AttackMeter {
  readonly ehs: Float64Array;
  readonly jPerTH: Float64Array;
  readonly usdPerTH: Float64Array;
  private readonly order: Int32Array;
  private readonly costPerTH: Float64Array;
  n = 0;
  readonly result = new AttackCost();

  constructor(capacity: number) {
    this.ehs = new Float64Array(capacity);
    this.jPerTH = new Float64Array(capacity);
    this.usdPerTH = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
    this.costPerTH = new Float64Array(capacity);
  }

  reset(): void {
    this.n = 0;
  }

  add(ehs: number, jPerTH: number, usdPerTH: number): void {
    if (!(ehs > 0)) return;
    const k = this.n++;
    this.ehs[k] = ehs;
    this.jPerTH[k] = jPerTH;
    this.usdPerTH[k] = usdPerTH;
  }

  /**
   * Cost of running `targetEhs` for the attack: existing sources cheapest per TH first (price +
   * power over the attack), the rest as new machines at `asicUsdPerTH` and `frontierJPerTH`.
   */
  price(targetEhs: number, asicUsdPerTH: number, frontierJPerTH: number, p: AttackPricing): AttackCost {
    const n = this.n;
    const ord = this.order;
    for (let k = 0; k < n; k++) {
      this.costPerTH[k] = this.usdPerTH[k]! + powerUsdPerTH(this.jPerTH[k]!, p.attackHours, p.powerUsdPerMWh);
      // Insertion sort: a few dozen classes at most.
      let j = k;
      while (j > 0 && this.costPerTH[ord[j - 1]!]! > this.costPerTH[k]!) {
        ord[j] = ord[j - 1]!;
        j--;
      }
      ord[j] = k;
    }
    const newCost = asicUsdPerTH + powerUsdPerTH(frontierJPerTH, p.attackHours, p.powerUsdPerMWh);
    const r = this.result;
    r.hardwareUsd = 0;
    r.powerUsd = 0;
    r.existingEhs = 0;
    let need = targetEhs > 0 ? targetEhs : 0;
    for (let j = 0; j < n && need > 0; j++) {
      const k = ord[j]!;
      if (!(this.costPerTH[k]! < newCost)) break;
      const take = Math.min(need, this.ehs[k]!);
      const th = take * 1e6;
      r.hardwareUsd += th * this.usdPerTH[k]!;
      r.powerUsd += th * powerUsdPerTH(this.jPerTH[k]!, p.attackHours, p.powerUsdPerMWh);
      r.existingEhs += take;
      need -= take;
    }
    if (need > 0) {
      const th = need * 1e6;
      r.hardwareUsd += th * asicUsdPerTH;
      r.powerUsd += th * powerUsdPerTH(frontierJPerTH, p.attackHours, p.powerUsdPerMWh);
    }
    return r;
  }
}

/**
 * Pools' hashrate shares. Each pool has a named-miner part (the agents that name it) and a share of
 * the hashrate no agent assigns (fringe, generated miners, named miners without a pool), fixed at the
 * start so the pools match the given shares there: w_p = max(0, share_p x H0 - named_p(0)) / U0,
 * scaled down if they would exceed 1. The rest of the unassigned hashrate is atomistic (adds ~0).
 */
export class PoolShares {
  readonly weights: Float64Array;
  readonly named: Float64Array;
  private ready = false;
  hhi = 0;
  largest = 0;

  constructor(private readonly shares: readonly number[]) {
    this.weights = new Float64Array(shares.length);
    this.named = new Float64Array(shares.length);
  }

  /** `named` holds each pool's named-miner EH/s this step; `total` the network's EH/s. */
  update(total: number): void {
    const P = this.shares.length;
    let namedSum = 0;
    for (let p = 0; p < P; p++) namedSum += this.named[p]!;
    const unassigned = Math.max(0, total - namedSum);
    if (!this.ready) {
      this.ready = true;
      let sum = 0;
      for (let p = 0; p < P; p++) {
        const w = unassigned > 0 ? Math.max(0, this.shares[p]! * total - this.named[p]!) / unassigned : 0;
        this.weights[p] = w;
        sum += w;
      }
      if (sum > 1) for (let p = 0; p < P; p++) this.weights[p] = this.weights[p]! / sum;
    }
    let hhi = 0;
    let largest = 0;
    if (total > 0) {
      for (let p = 0; p < P; p++) {
        const s = (this.named[p]! + this.weights[p]! * unassigned) / total;
        hhi += s * s;
        if (s > largest) largest = s;
      }
    }
    this.hhi = hhi;
    this.largest = largest;
  }
}

/** Herfindahl-Hirschman index of shares (sum of squares; shares as fractions). */
export function herfindahl(shares: readonly number[]): number {
  let h = 0;
  for (const s of shares) h += s * s;
  return h;
}

/** Hashrate-weighted bins of agents' idle machines by efficiency (log grid 8 .. 80 J/TH). */
const AGENT_BINS = 24;
const BIN_LO = Math.log(8);
const BIN_W = (Math.log(80) - Math.log(8)) / AGENT_BINS;

/**
 * The security metrics of one run: fed each sampled step with the agents' state and the fringe's
 * supply (idle cells, secondary market, ASIC price), it prices the attack and the pools' shares.
 */
export class SecurityTracker {
  private readonly meter: AttackMeter;
  private readonly pools: PoolShares;
  private readonly binEhs = new Float64Array(AGENT_BINS);
  private readonly binMw = new Float64Array(AGENT_BINS);
  private readonly pricing: AttackPricing;
  private readonly cohortBin: Int32Array;
  /** cohortEpoch at the last binIdle (-1: never). */
  private binnedEpoch = -1;
  attackUsd = 0;
  existingShare = 0;

  constructor(
    private readonly config: SecurityConfig,
    private readonly st: AgentState,
    private readonly fringe: NetworkSupply | null,
    /** Pool index of each named miner (-1: none). */
    private readonly minerPool: Int32Array,
  ) {
    this.meter = new AttackMeter((fringe === null ? 0 : fringe.nClasses) + AGENT_BINS);
    // Each cohort's efficiency bin, once (cohort efficiencies are fixed): no log per cohort per step.
    this.cohortBin = new Int32Array(st.nCohorts);
    for (let c = 0; c < st.nCohorts; c++) {
      this.cohortBin[c] = Math.min(AGENT_BINS - 1, Math.max(0, Math.floor((Math.log(st.cohortJPerTH[c]!) - BIN_LO) / BIN_W)));
    }
    this.pools = new PoolShares(config.pools.map((p) => p.share));
    this.pricing = { attackHours: config.attackHours, powerUsdPerMWh: config.attackerPowerUsdPerMWh, usedPriceFloorShare: config.usedPriceFloorShare };
  }

  get poolHhi(): number {
    return this.pools.hhi;
  }

  get largestPoolShare(): number {
    return this.pools.largest;
  }

  /** Pool shares from the named miners' running hashrate and the network's. */
  updatePools(networkEhs: number): void {
    const named = this.pools.named;
    named.fill(0);
    for (let i = 0; i < this.minerPool.length; i++) {
      const p = this.minerPool[i]!;
      if (p >= 0) named[p] = named[p]! + this.st.rec[i * REC + R_ACTIVE_EHS]!;
    }
    this.pools.update(networkEhs);
  }

  /**
   * Agents' idle machines (curtailed parts of their cohorts), binned by efficiency. Redone only when
   * a cohort's EH/s or running share changed (AgentState.cohortEpoch): most steps change none.
   */
  private binIdle(): void {
    const st = this.st;
    this.binnedEpoch = st.cohortEpoch;
    this.binEhs.fill(0);
    this.binMw.fill(0);
    const ehs = st.cohortEhs;
    const share = st.cohortShare;
    const jth = st.cohortJPerTH;
    const bin = this.cohortBin;
    for (let c = 0; c < st.nCohorts; c++) {
      const u = share[c]!;
      if (u === 1) continue;
      const idle = ehs[c]! * (1 - u);
      if (!(idle > 0)) continue;
      const k = bin[c]!;
      this.binEhs[k] = this.binEhs[k]! + idle;
      this.binMw[k] = this.binMw[k]! + idle * jth[c]!;
    }
  }

  /** Price an attack matching `networkEhs` at hashprice `hp` on `day`. */
  updateAttack(networkEhs: number, hp: number, day: number): void {
    const f = this.fringe;
    const asic = f !== null && f.asicUsdPerTH > 0 ? f.asicUsdPerTH : this.config.asicUsdPerTH;
    const frontier = f !== null ? f.frontierAt(day) : this.config.frontierJPerTH;
    const m = this.meter;
    m.reset();
    if (f !== null) {
      const B = f.nBins;
      for (let v = 0; v < f.nClasses; v++) {
        let idle = f.secondary[v]!;
        for (let b = 0; b < B; b++) idle += f.installed[v * B + b]! * (1 - f.share[v * B + b]!);
        const j = f.classJPerTH[v]!;
        m.add(idle, j, usedUsdPerTH(j, hp, asic, frontier, this.pricing));
      }
    }
    if (this.st.cohortEpoch !== this.binnedEpoch) this.binIdle();
    for (let k = 0; k < AGENT_BINS; k++) {
      const e = this.binEhs[k]!;
      if (!(e > 0)) continue;
      const j = this.binMw[k]! / e;
      m.add(e, j, usedUsdPerTH(j, hp, asic, frontier, this.pricing));
    }
    const r = m.price(networkEhs, asic, frontier, this.pricing);
    this.attackUsd = r.totalUsd;
    this.existingShare = networkEhs > 0 ? r.existingEhs / networkEhs : 0;
  }
}

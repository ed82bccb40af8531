import { powerCostUsdPerPhDay } from './economics.ts';
import type { FringeConfig } from './schema.ts';

/** Lowest running share the start calibration accepts (keeps idle capacity bounded). */
const MIN_START_SHARE = 0.05;

/**
 * The reduced-form fringe: the network's hashrate outside the agents, as one aggregate.
 *
 *   share(hp)  = min(1, hp / breakeven)^elasticity          running share of installed capacity
 *   K(t)       = K0 * exp(growthAnnual * t / 365)           installed capacity (EH/s)
 *   target(t)  = K(t) * share(hp_t)
 *   H <- H + (target - H) * (1 - exp(-stepDays / lagDays))  first-order lag
 *
 * K0 = hashrateEHs / share(hp_0), so the fringe starts in equilibrium at the start's hashprice.
 */
export class Fringe {
  readonly breakevenUsdPerPhDay: number;
  private readonly elasticity: number;
  private readonly alpha: number;
  private readonly growthPerDay: number;
  private readonly capacity0: number;
  hashrateEHs: number;

  constructor(config: FringeConfig, startHashpriceUsdPerPhDay: number, stepDays: number) {
    this.breakevenUsdPerPhDay =
      config.breakevenUsdPerPhDay ?? powerCostUsdPerPhDay(config.efficiencyJPerTH, config.powerPriceUsdPerMWh) * (1 + config.overheadPct);
    this.elasticity = config.breakevenElasticity;
    this.alpha = -Math.expm1(-stepDays / config.lagDays);
    this.growthPerDay = config.growthAnnual / 365;
    this.hashrateEHs = config.hashrateEHs;
    this.capacity0 = config.hashrateEHs / Math.max(MIN_START_SHARE, this.share(startHashpriceUsdPerPhDay));
  }

  /** Running share of installed capacity at this hashprice. */
  share(hashpriceUsdPerPhDay: number): number {
    const r = hashpriceUsdPerPhDay / this.breakevenUsdPerPhDay;
    if (!(r > 0)) return 0;
    return r >= 1 ? 1 : Math.pow(r, this.elasticity);
  }

  capacityEHs(day: number): number {
    return this.capacity0 * Math.exp(this.growthPerDay * day);
  }

  /** Move toward the target hashrate for the step starting on `day`. */
  update(hashpriceUsdPerPhDay: number, day: number): number {
    const target = this.capacityEHs(day) * this.share(hashpriceUsdPerPhDay);
    this.hashrateEHs += (target - this.hashrateEHs) * this.alpha;
    return this.hashrateEHs;
  }
}

// The AI-pivot decision as an investment (docs/MODEL.md, "AI pivot"): the net present value, per MW,
// of converting mining MW to AI hosting rather than keeping them mining, at the miner's cost of
// capital. Closed forms over continuous time (years), so the engine can evaluate a deal in O(1).
//
// Cash flows of converting 1 MW, decided at t = 0, with lead time L (years), contract term T:
//   capex C, a share u paid at signing and the rest evenly over [0, L] (drawn over the build);
//   the site keeps mining until s = miningUntilShare x L, then its machines are sold;
//   AI net operating income a = revenue x margin per year over [L, L + T], and with probability
//   p (renewal) over [L + T, L + 2T] too;
//   the mining margin given up, m(t) = 365 x (1000 / E) x max(0, h(t) - c) per MW-year over
//   [s, L + T] (+ p x [L + T, L + 2T]), where h(t) = h0 x e^(g t) x (k after the halving at t_H):
//   the miner's forward hashprice (its expected drift g and the scheduled halving's ratio k), and c
//   the fleet's power cost per PH/day. max(0, .) is the option to curtail.
// NPV = PV(AI income) - PV(capex) - PV(mining margin given up), discounted at rho = ln(1 + r).
import { DAYS_PER_YEAR, powerCostUsdPerPhDay } from './economics.ts';

/** Terms of one AI-hosting deal, per MW (units in the names; years unless said). */
export interface AiDealTerms {
  /** Contracted revenue per MW-year (USD). */
  readonly revenueUsdPerMwYear: number;
  /** Net operating income as a share of revenue. */
  readonly marginShare: number;
  /** Conversion capex per MW (USD). */
  readonly capexUsdPerMw: number;
  /** Share of the capex paid at signing; the rest is drawn evenly over the build. */
  readonly upfrontCapexShare: number;
  /** Days from decision to AI revenue. */
  readonly leadTimeDays: number;
  /** Share of the lead time the site keeps mining (the halls are converted last). */
  readonly miningUntilShare: number;
  readonly contractYears: number;
  /** Probability the contract renews once for another term on the same terms. */
  readonly renewalProbability: number;
  /** Annual cost of capital (discount rate); > -1. */
  readonly costOfCapitalAnnual: number;
}

/** The miner's view of mining on the MW it would convert. */
export interface MiningOutlook {
  /** Hashprice net of pool fees now (USD per PH/s per day). */
  readonly revenueUsdPerPhDay: number;
  /** Expected continuous drift of hashprice per year (difficulty growth against price; e.g. -0.2). */
  readonly driftAnnual: number;
  /** Days to the next halving (Infinity: none in view). */
  readonly daysToHalving: number;
  /** Hashprice after / before the halving (subsidy / 2 + fees) / (subsidy + fees). */
  readonly halvingRatio: number;
  /** Efficiency of the site's fleet (J/TH) and its power price (USD/MWh). */
  readonly jPerTH: number;
  readonly powerUsdPerMWh: number;
}

/** Present value at rate rho of 1 per year paid continuously over [a, b] years. */
export function pvFlow(rho: number, a: number, b: number): number {
  if (!(b > a)) return 0;
  if (Math.abs(rho) < 1e-12) return b - a;
  return (Math.exp(-rho * a) - Math.exp(-rho * b)) / rho;
}

/** PV at rho of the flow x * e^(g t) over [a, b] (x per year at t = 0). */
function pvGrowing(x: number, g: number, rho: number, a: number, b: number): number {
  return x * pvFlow(rho - g, a, b);
}

/**
 * PV of max(0, H e^(g t) - c) per year over [a, b] (t in years): the integrand changes sign at most
 * once, where H e^(g t*) = c, so the positive part is one interval.
 */
function pvPositiveMargin(H: number, g: number, c: number, rho: number, a: number, b: number): number {
  if (!(b > a) || !(H > 0)) return 0;
  let lo = a;
  let hi = b;
  if (c > 0) {
    if (g === 0) {
      if (H <= c) return 0;
    } else {
      const t = Math.log(c / H) / g;
      if (g > 0) lo = Math.max(a, t);
      else hi = Math.min(b, t);
    }
  }
  if (!(hi > lo)) return 0;
  return pvGrowing(H, g, rho, lo, hi) - c * pvFlow(rho, lo, hi);
}

/** PV per MW of the mining margin over [a, b] years under the outlook (halving included). */
export function pvMiningMargin(o: MiningOutlook, rho: number, a: number, b: number): number {
  // Per MW-year: 365 x (1000 / E) PH/s-days x (hashprice - power cost).
  const scale = DAYS_PER_YEAR * (1000 / o.jPerTH);
  const H = scale * o.revenueUsdPerPhDay;
  const c = scale * powerCostUsdPerPhDay(o.jPerTH, o.powerUsdPerMWh);
  const tH = o.daysToHalving / DAYS_PER_YEAR;
  if (!(tH < b)) return pvPositiveMargin(H, o.driftAnnual, c, rho, a, b);
  if (!(tH > a)) return pvPositiveMargin(H * o.halvingRatio, o.driftAnnual, c, rho, a, b);
  return pvPositiveMargin(H, o.driftAnnual, c, rho, a, tH) + pvPositiveMargin(H * o.halvingRatio, o.driftAnnual, c, rho, tH, b);
}

/** PV per MW of the capex: u at signing, (1 - u) evenly over the lead time. */
export function pvCapex(t: AiDealTerms, rho: number): number {
  const L = t.leadTimeDays / DAYS_PER_YEAR;
  const rest = 1 - t.upfrontCapexShare;
  const spread = L > 0 ? pvFlow(rho, 0, L) / L : 1;
  return t.capexUsdPerMw * (t.upfrontCapexShare + rest * spread);
}

/** Net present value per MW (USD) of converting rather than mining, at the miner's view. */
export function aiDealNpvPerMw(t: AiDealTerms, o: MiningOutlook): number {
  const rho = Math.log1p(t.costOfCapitalAnnual);
  const L = t.leadTimeDays / DAYS_PER_YEAR;
  const T = t.contractYears;
  const p = t.renewalProbability;
  const s = L * t.miningUntilShare;
  const a = t.revenueUsdPerMwYear * t.marginShare;
  const aiIncome = a * (pvFlow(rho, L, L + T) + p * pvFlow(rho, L + T, L + 2 * T));
  const miningLost = pvMiningMargin(o, rho, s, L + T) + p * pvMiningMargin(o, rho, L + T, L + 2 * T);
  return aiIncome - pvCapex(t, rho) - miningLost;
}

/** The decision rule: convert when the deal's NPV per MW exceeds hurdle x capex per MW. */
export function aiDealPasses(npvPerMw: number, capexUsdPerMw: number, hurdleShareOfCapex: number): boolean {
  return npvPerMw > hurdleShareOfCapex * capexUsdPerMw;
}

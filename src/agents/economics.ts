// Unit conventions and the economic formulas of docs/MODEL.md ("Daily economics").
//
// 1 TH/s at E J/TH draws E W. 1 EH/s = 1e6 TH/s, so 1 EH/s at E J/TH draws E MW, and
// 1 PH/s draws E kW, i.e. 24 E kWh per day.

export const SECONDS_PER_DAY = 86_400;
export const DAYS_PER_YEAR = 365;

/** Power drawn (MW) by `ehs` EH/s at `jPerTH` J/TH. */
export function powerMw(ehs: number, jPerTH: number): number {
  return ehs * jPerTH;
}

/**
 * BTC earned per PH/s per day, in expectation: a PH/s finds 86400 x 1e15 / hashesPerBlock blocks a
 * day, each worth subsidy + fees.
 */
export function btcPerPhDay(expectedHashesPerBlock: number, rewardBtcPerBlock: number): number {
  return ((SECONDS_PER_DAY * 1e15) / expectedHashesPerBlock) * rewardBtcPerBlock;
}

/** Hashprice (USD per PH/s per day). */
export function hashpriceUsdPerPhDay(expectedHashesPerBlock: number, rewardBtcPerBlock: number, priceUsd: number): number {
  return btcPerPhDay(expectedHashesPerBlock, rewardBtcPerBlock) * priceUsd;
}

/** Power cost (USD per PH/s per day) = J/TH x 24 h x $/kWh = J/TH x 24 x ($/MWh / 1000). */
export function powerCostUsdPerPhDay(jPerTH: number, powerPriceUsdPerMWh: number): number {
  return (jPerTH * 24 * powerPriceUsdPerMWh) / 1000;
}

/**
 * Mining margin per MW-year (USD): 1 MW hosts 1000/E PH/s, each earning (revenue - power cost) per
 * day. `revenueUsdPerPhDay` is net of pool fees.
 */
export function miningValueUsdPerMwYear(revenueUsdPerPhDay: number, jPerTH: number, powerPriceUsdPerMWh: number): number {
  return DAYS_PER_YEAR * (1000 / jPerTH) * (revenueUsdPerPhDay - powerCostUsdPerPhDay(jPerTH, powerPriceUsdPerMWh));
}

/** Payback (days) of a machine costing `usdPerTH` at the given revenue and power cost; Infinity if it never pays back. */
export function paybackDays(usdPerTH: number, revenueUsdPerPhDay: number, jPerTH: number, powerPriceUsdPerMWh: number): number {
  const marginPerThDay = (revenueUsdPerPhDay - powerCostUsdPerPhDay(jPerTH, powerPriceUsdPerMWh)) / 1000;
  return marginPerThDay > 0 ? usdPerTH / marginPerThDay : Infinity;
}

/** Interest (USD) a loan of `debtUsd` at `rateAnnual` accrues over `yearFrac` of a year (simple). */
export function interestUsd(debtUsd: number, rateAnnual: number, yearFrac: number): number {
  return debtUsd * rateAnnual * yearFrac;
}

/**
 * Cost per day (USD) of a miner: power of its running machines + fixed opex + the interest of a step
 * of `stepDays` (interestUsd over stepDays / 365) spread per day + its notes' coupons. The keep-cash
 * target and the capex reserve (cashDays x this) use it; the engine sets it at setup and at every
 * settlement with this one formula so the reserve is in force from step 0. Terms that are exactly 0
 * without debt or notes are skipped (x + 0 === x for x >= 0): the same value without divisions.
 */
export function dailyCostUsd(powerUsdPerDay: number, opexUsdPerDay: number, stepInterestUsd: number, stepDays: number, couponUsdPerYear = 0): number {
  let c = powerUsdPerDay + opexUsdPerDay;
  if (stepInterestUsd !== 0) c += stepDays === 1 ? stepInterestUsd : stepInterestUsd / stepDays; // x / 1 === x
  if (couponUsdPerYear !== 0) c += couponUsdPerYear / DAYS_PER_YEAR;
  return c;
}

/** Loan-to-value: debt over the USD value of the BTC collateral (Infinity with debt and no collateral). */
export function loanToValue(debtUsd: number, collateralBtc: number, priceUsd: number): number {
  if (debtUsd <= 0) return 0;
  const value = collateralBtc * priceUsd;
  return value > 0 ? debtUsd / value : Infinity;
}

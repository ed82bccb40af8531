// Utilisation of a block of machines under a band of inaction: the one switching rule that the
// network supply's cells and the agents' cohorts both use (docs/MODEL.md, "Hashrate supply").
//
// A block of machines (an agent's cohort, or a network cell of one vintage in one power-price bin)
// has power costs per PH/s per day spread uniformly over [c (1 - w), c (1 + w)]: w is the spread
// (sites, contracts and machine units differ within a block). The cheapest machines run first, so
// the running part is always {cost <= kappa} and is described by its running share u = G(kappa),
// G the uniform CDF. Switching a machine off when revenue r falls below cost x offRatio
// (offRatio < 1: the margin a miner tolerates before paying the shutdown cost) and on when r rises
// above cost x onRatio (onRatio > 1: restart costs, Dixit 1989) gives, for the whole block,
//
//   u' = clamp(u, G(r / onRatio), G(r / offRatio))        band of inaction
//   u' = clamp(u', u - rampPerStep, u + rampPerStep)       ramp limit (crews, power contracts)
//
// u' is continuous and non-decreasing in r, so small hashprice moves give small responses; inside
// the band nothing moves (no cobweb from every block flipping at one threshold).

/** Share of a block's machines whose cost is at most `x`: the uniform CDF on [c (1 - w), c (1 + w)]. */
export function costShareBelow(x: number, cost: number, spread: number): number {
  const lo = cost * (1 - spread);
  if (!(x > lo)) return x >= cost ? 1 : 0; // spread 0: a step at the cost
  const hi = cost * (1 + spread);
  if (x >= hi) return 1;
  return (x - lo) / (hi - lo);
}

/**
 * The block's running share after one step at revenue `revenue` (same unit as `cost`), from running
 * share `share`; see the file comment. `maxDelta` >= 0 bounds the change (Infinity: no ramp limit).
 */
export function bandShare(
  share: number,
  revenue: number,
  cost: number,
  spread: number,
  offRatio: number,
  onRatio: number,
  maxDelta: number,
): number {
  const mustRun = costShareBelow(revenue / onRatio, cost, spread);
  const mayRun = costShareBelow(revenue / offRatio, cost, spread);
  let u = share < mustRun ? mustRun : share > mayRun ? mayRun : share;
  if (u > share + maxDelta) u = share + maxDelta;
  else if (u < share - maxDelta) u = share - maxDelta;
  return u;
}

/**
 * Mean power cost of the running part of a block with running share `share` (cheapest first):
 * the mean of U[c (1 - w), kappa] with kappa = c (1 - w) + share x 2 w c.
 */
export function runningMeanCost(share: number, cost: number, spread: number): number {
  return cost * (1 - spread + share * spread);
}

/** The revenue below which a fully running block starts to switch machines off: its top cost x offRatio. */
export function fullRunThreshold(cost: number, spread: number, offRatio: number): number {
  return cost * (1 + spread) * offRatio;
}

/**
 * The revenue below which a fully-off block stays off: its restart share G(revenue / onRatio) is 0
 * while revenue / onRatio is below the block's cheapest cost c (1 - w). The relative margin of 1e-12
 * covers the rounding of that division and of this product, so a revenue below the threshold is
 * below it in bandShare's own arithmetic too. NaN (a zero cost with an infinite onRatio) compares
 * false: no short-cut.
 */
export function restartThreshold(cost: number, spread: number, onRatio: number): number {
  return cost * (1 - spread) * onRatio * (1 - 1e-12);
}

// One engine measurement in a fresh process (no JIT or heap state carried over from another size):
// warm-up runs, then `reps` timed runs of simulate() on the bench scenario, all with the same seed and
// run index (identical work each time, so the spread is timing noise). Prints one JSON line.
// Usage: node --import tsx bench/engine-child.ts --count 10000 --days 3650 --reps 3 --warmup-days 365
import { simulate } from '../src/engine/index.ts';
import { numArg, benchScenario } from './scenario-util.ts';

const arg = numArg;
const count = arg('count', 10_000);
const days = arg('days', 3650);
const reps = arg('reps', 3);
const warmupDays = arg('warmup-days', Math.min(days, 365));
const warmups = arg('warmups', 1);

const scenario = benchScenario(count, days);
const warm = benchScenario(count, warmupDays);
for (let w = 0; w < warmups; w++) simulate(warm, { seed: 1, runIndex: 0 });

const seconds: number[] = [];
let summary: Readonly<Record<string, number | null>> = {};
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  const res = simulate(scenario, { seed: 1, runIndex: 0 });
  seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  summary = res.summary;
}
const steps = Math.ceil(scenario.horizonDays / scenario.stepDays);
process.stdout.write(
  `${JSON.stringify({
    count,
    days,
    steps,
    miners: summary.miners_total,
    minersExited: summary.miners_exited,
    blocks: summary.blocks,
    marginCalls: summary.margin_calls_total,
    liquidations: summary.liquidations_total,
    mwPivoted: summary.mw_pivoted,
    soldBtc: summary.sold_total_btc,
    seconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);

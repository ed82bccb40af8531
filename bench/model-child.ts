// One hashsim measurement of the bench-model (bench/bench-model/) in a fresh process: a warm-up run,
// then `reps` timed simulate() calls, each minus the population setup (timed as a 1-day run), so the
// figure is comparable with the C program's run_s. Prints one JSON line.
// Usage: node --import tsx bench/model-child.ts --count 10000 --days 3650 --reps 1
import { simulate } from '../src/engine/index.ts';
import { numArg, benchModelScenario } from './scenario-util.ts';

const arg = numArg;
const count = arg('count', 10_000);
const days = arg('days', 3650);
const reps = arg('reps', 1);
const time = (f: () => unknown): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const sc = benchModelScenario(count, days);
const setupSc = benchModelScenario(count, 1);
simulate(benchModelScenario(count, Math.min(days, 365)), { seed: 1, runIndex: 0 });
const seconds: number[] = [];
let exited = 0;
for (let r = 0; r < reps; r++) {
  const setup = time(() => simulate(setupSc, { seed: 1, runIndex: 0 }));
  let res: ReturnType<typeof simulate> | undefined;
  const total = time(() => (res = simulate(sc, { seed: 1, runIndex: 0 })));
  seconds.push(Math.max(1e-9, total - setup));
  exited = Number(res!.summary.miners_exited ?? 0);
}
process.stdout.write(`${JSON.stringify({ count, days, seconds, exited })}\n`);

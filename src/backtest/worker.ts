// Piscina worker of `hashsim backtest`: simulates a block of run indexes and returns, per run, the
// difficulty each real retarget height got in the simulation (NaN where the run did not reach it).
// From the TypeScript sources it is loaded with tsx's ESM loader (see pool.ts), like src/batch/worker.ts.
import { loadStrategyModules, strategyModulesForRun } from '../batch/strategy-modules.ts';
import { scenarioForRun } from '../calibrate/apply.ts';
import { difficultyFromBits } from '../consensus/index.ts';
import { simulate } from '../engine/index.ts';
import type { StrategyModule } from '../agents/strategy-api.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface BacktestTask {
  /** The backtest scenario (validated, data inlined). */
  readonly scenario: Scenario;
  readonly seed: string | number;
  /** Run indexes start .. end - 1. */
  readonly start: number;
  readonly end: number;
  /** Real retarget heights to record, ascending. */
  readonly heights: readonly number[];
  /** User strategy modules: name -> absolute path or file URL, imported here. */
  readonly strategyModules: Readonly<Record<string, string>>;
}

export interface BacktestReply {
  readonly start: number;
  readonly end: number;
  /** (end - start) x heights.length, run-major: values[(r - start) * heights.length + k]. */
  readonly values: Float64Array;
  readonly failed: readonly { readonly runIndex: number; readonly error: string }[];
}

const loadStrategies = (modules: Readonly<Record<string, string>>) => loadStrategyModules(modules) as Promise<Record<string, StrategyModule> | undefined>;

/** Simulates one run and fills `out` (length heights.length) with the difficulty set at each height. */
export function runOne(scenario: Scenario, seed: string | number, runIndex: number, heights: readonly number[], out: Float64Array, strategies?: Record<string, StrategyModule>): void {
  out.fill(Number.NaN);
  const index = new Map(heights.map((h, k) => [h, k]));
  const last = heights[heights.length - 1] ?? -1;
  const run = scenarioForRun(scenario, seed, runIndex);
  simulate(run, {
    seed,
    runIndex,
    ...(strategies ? { strategies } : {}),
    onRetarget: (height, _oldBits, newBits) => {
      if (height > last) return;
      const k = index.get(height);
      if (k !== undefined) out[k] = difficultyFromBits(newBits);
    },
  });
}

export default async function runBacktestChunk(task: BacktestTask): Promise<BacktestReply> {
  // Loaded once to fail early on a broken module; each run then gets fresh instances (as in a batch).
  const checked = await loadStrategies(task.strategyModules);
  const m = task.heights.length;
  const values = new Float64Array((task.end - task.start) * m);
  const failed: { runIndex: number; error: string }[] = [];
  for (let r = task.start; r < task.end; r++) {
    const row = values.subarray((r - task.start) * m, (r - task.start + 1) * m);
    try {
      const strategies = checked === undefined ? undefined : ((await strategyModulesForRun(task.strategyModules, r)) as Record<string, StrategyModule>);
      runOne(task.scenario, task.seed, r, task.heights, row, strategies);
    } catch (err) {
      row.fill(Number.NaN);
      failed.push({ runIndex: r, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { start: task.start, end: task.end, values, failed };
}

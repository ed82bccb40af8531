// Runs the backtest's seeded runs on a Piscina worker pool (the pattern of src/batch/index.ts) and
// gathers them by run index: the result is a function of (scenario, seed, runs, heights) only, never
// of the worker count or the chunking.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { tsxLoaderUrl } from '../batch/index.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { BacktestReply, BacktestTask } from './worker.ts';

const COMPILED = import.meta.url.endsWith('.js');
const WORKER_URL = new URL(`./worker${COMPILED ? '.js' : '.ts'}`, import.meta.url).href;

export interface BacktestRunsOptions {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly runs: number;
  readonly heights: readonly number[];
  readonly strategyModules?: Readonly<Record<string, string>>;
  /** Worker threads (default: all cores, at most one per run). */
  readonly workers?: number;
  /** Called after each finished chunk with the runs done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BacktestRuns {
  /** runs x heights, run-major: values[r * heights.length + k]; NaN = run r did not reach heights[k]. */
  readonly values: Float64Array;
  /** Runs that threw, in run-index order. */
  readonly failed: readonly { readonly runIndex: number; readonly error: string }[];
  /** Worker threads used. */
  readonly workers: number;
}

/** Simulates runs 0 .. runs - 1 and records the difficulty at each height. */
export async function runBacktestRuns(o: BacktestRunsOptions): Promise<BacktestRuns> {
  const m = o.heights.length;
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), o.runs));
  const chunk = Math.max(1, Math.min(25, Math.ceil(o.runs / (workers * 4))));
  const tasks: { start: number; end: number }[] = [];
  for (let s = 0; s < o.runs; s += chunk) tasks.push({ start: s, end: Math.min(o.runs, s + chunk) });
  const values = new Float64Array(o.runs * m);
  const failed: { runIndex: number; error: string }[] = [];
  const pool = new Piscina<BacktestTask, BacktestReply>({
    filename: WORKER_URL,
    minThreads: workers,
    maxThreads: workers,
    execArgv: COMPILED ? [] : ['--import', tsxLoaderUrl()],
    idleTimeout: 1000,
  });
  let done = 0;
  try {
    let next = 0;
    const strategyModules = o.strategyModules ?? {};
    const lane = async (): Promise<void> => {
      while (next < tasks.length) {
        const t = tasks[next++]!;
        const reply = await pool.run({ scenario: o.scenario, seed: o.seed, start: t.start, end: t.end, heights: o.heights, strategyModules });
        values.set(reply.values, reply.start * m);
        failed.push(...reply.failed);
        done += reply.end - reply.start;
        o.onProgress?.(done, o.runs);
      }
    };
    await Promise.all(Array.from({ length: workers * 2 }, lane));
  } finally {
    await pool.destroy();
  }
  failed.sort((a, b) => a.runIndex - b.runIndex);
  return { values, failed, workers };
}

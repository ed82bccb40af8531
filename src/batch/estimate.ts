// A rough estimate of a batch's size before it starts, so an absurd request (--runs
// 9007199254740991, a population of 1e9 miners) is refused at once with a message instead of
// exhausting the heap or the disk after a minute. Deliberately generous: only absurd sizes fail.
import { HashsimError } from '../errors.ts';

/** Bytes a worker may need for one run before it is refused (a Node worker's heap is a few GB). */
export const MAX_WORKER_BYTES = 3 * 1024 ** 3;
/** Bytes of Parquet output before a batch is refused. */
export const MAX_OUTPUT_BYTES = 2 * 1024 ** 4;
/** Per-miner state and records of the engine, bytes (measured order of magnitude, rounded up). */
const BYTES_PER_MINER = 2_000;
/** Series columns per step and values per miner row, rounded up. */
const SERIES_COLUMNS = 80;
const MINER_VALUES = 40;

export interface BatchEstimate {
  readonly miners: number;
  readonly namedMiners: number;
  readonly steps: number;
  readonly workerBytes: number;
  readonly outputBytes: number;
}

export function estimateBatch(scenario: unknown, runs: number): BatchEstimate {
  const s = (scenario ?? {}) as { miners?: unknown[]; populations?: { count?: unknown }[]; horizonDays?: unknown; stepDays?: unknown; output?: { sampleEverySteps?: unknown } };
  const named = Array.isArray(s.miners) ? s.miners.length : 0;
  const generated = Array.isArray(s.populations) ? s.populations.reduce((a, p) => a + (typeof p?.count === 'number' ? p.count : 0), 0) : 0;
  const miners = named + generated;
  const horizon = typeof s.horizonDays === 'number' ? s.horizonDays : 365;
  const step = typeof s.stepDays === 'number' ? s.stepDays : 1;
  const steps = Math.ceil(horizon / step);
  const every = typeof s.output?.sampleEverySteps === 'number' ? s.output.sampleEverySteps : 1;
  const samples = Math.ceil(steps / every) + 1;
  const workerBytes = miners * BYTES_PER_MINER + samples * SERIES_COLUMNS * 8;
  const outputBytes = runs * (samples * SERIES_COLUMNS * 8 + named * MINER_VALUES * 8 + 1_000);
  return { miners, namedMiners: named, steps, workerBytes, outputBytes };
}

const gb = (b: number) => `${(b / 1024 ** 3).toPrecision(3)} GB`;

/** Throws a usage error (exit 2) for a batch beyond the bounds, unless forced. */
export function checkBatchSize(scenario: unknown, runs: number, force: boolean): BatchEstimate {
  const e = estimateBatch(scenario, runs);
  if (force) return e;
  if (e.workerBytes > MAX_WORKER_BYTES) {
    throw new HashsimError(`the scenario has ${e.miners} miners: about ${gb(e.workerBytes)} of memory per run (at most ${gb(MAX_WORKER_BYTES)}); use fewer miners, or --force to try anyway`);
  }
  if (e.outputBytes > MAX_OUTPUT_BYTES) {
    throw new HashsimError(`--runs ${runs}: about ${gb(e.outputBytes)} of result files (at most ${gb(MAX_OUTPUT_BYTES)}); use fewer runs or a larger sampleEverySteps, or --force to try anyway`);
  }
  return e;
}

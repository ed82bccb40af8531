// Piscina worker: runs a chunk of run indexes and writes them to the spool as one chunk file.
// From the TypeScript sources it is loaded with tsx's ESM loader (see index.ts); compiled (dist/) it
// is plain JavaScript and registers tsx only for a TypeScript user module (import-module.ts).
import type { RunResult } from '../engine/types.ts';
import { scenarioForRun } from '../calibrate/apply.ts';
import { checkedRecordFromResult, recordFromError, type RunRecord } from '../results/record.ts';
import type { Scenario } from '../scenario/schema.ts';
import { importModule } from './import-module.ts';
import { loadStrategyModules, strategyModulesForRun } from './strategy-modules.ts';
import { writeChunk } from './spool.ts';

export interface WorkerTask {
  readonly scenario: unknown;
  readonly seed: string | number;
  readonly start: number;
  readonly end: number;
  /** Spool folder of the batch (absolute). */
  readonly spool: string;
  /** File URL of the module exporting `simulate` (the engine, or a stand-in for benchmarks/tests). */
  readonly runModule: string;
  /** User strategy modules: name -> absolute file URL or path, imported here in the worker. */
  readonly strategyModules: Readonly<Record<string, string>>;
}

export interface WorkerReply {
  readonly start: number;
  readonly end: number;
  readonly ok: number;
  readonly failed: readonly { readonly runIndex: number; readonly error: string }[];
}

type Simulate = (scenario: unknown, options: { seed: string | number; runIndex: number; strategies?: Record<string, unknown> }) => RunResult;

interface Loaded {
  readonly simulate: Simulate;
  readonly strategies: Record<string, unknown> | undefined;
}

// One import per worker and module set, not one per task.
const cache = new Map<string, Promise<Loaded>>();

async function load(task: WorkerTask): Promise<Loaded> {
  const key = JSON.stringify([task.runModule, task.strategyModules]);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const mod = (await importModule(task.runModule)) as { simulate?: Simulate };
      if (typeof mod.simulate !== 'function') throw new Error(`${task.runModule} does not export simulate()`);
      const strategies = await loadStrategyModules(task.strategyModules);
      return { simulate: mod.simulate, strategies };
    })();
    cache.set(key, p);
  }
  return p;
}

/** Each run gets fresh instances of the strategy modules (no state carried over from other runs). */
async function strategiesOfRun(task: WorkerTask, checked: Record<string, unknown> | undefined, runIndex: number): Promise<Record<string, unknown> | undefined> {
  if (checked === undefined) return undefined;
  return strategyModulesForRun(task.strategyModules, runIndex);
}

export default async function runChunk(task: WorkerTask): Promise<WorkerReply> {
  const loaded = await load(task);
  const { simulate } = loaded;
  const records: RunRecord[] = [];
  const failed: { runIndex: number; error: string }[] = [];
  for (let runIndex = task.start; runIndex < task.end; runIndex++) {
    try {
      const strategies = await strategiesOfRun(task, loaded.strategies, runIndex);
      const options = strategies ? { seed: task.seed, runIndex, strategies } : { seed: task.seed, runIndex };
      // With a calibration set, the run's posterior draw (a function of seed and run index only).
      const result = simulate(scenarioForRun(task.scenario as Scenario, task.seed, runIndex), options);
      if (result.runIndex !== runIndex) throw new Error(`simulate returned runIndex ${result.runIndex} for run ${runIndex}`);
      records.push(checkedRecordFromResult(result));
    } catch (err) {
      const rec = recordFromError(runIndex, err);
      records.push(rec);
      failed.push({ runIndex, error: rec.error ?? 'error' });
    }
  }
  await writeChunk(task.spool, task.start, task.end, records);
  return { start: task.start, end: task.end, ok: records.length - failed.length, failed };
}

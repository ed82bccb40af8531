import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { HashsimError } from '../errors.ts';
import type { finishResultSet } from '../results/assemble.ts';
import { DEFAULT_BANDS_MEMORY_BYTES, setIdentity } from '../results/plan.ts';
import { RESULT_FILES } from '../results/layout.ts';
import {
  MANIFEST_FORMAT,
  gitCommit,
  sourceInfo,
  type SweepPointInfo,
  packageInfo,
  readManifest,
  scenarioHash,
  type DataFileEntry,
  type Manifest,
  type ManifestDeterministic,
} from '../results/manifest.ts';
import { createPhaseReporter, createProgress, type ProgressMode } from './progress.ts';
import { LOCK_FILE, lockFolder } from './lock.ts';
import { shardRange } from './shard.ts';
import { BatchAssembly } from './assembly.ts';
import { SPOOL_DIR, chunkName, listChunks, missingRanges, readJob, startSpool, writeChunk, type SpoolJob } from './spool.ts';
import { recordFromError, type RunRecord } from '../results/record.ts';
import type { WorkerReply } from './worker.ts';
import { BatchPool, DEFAULT_RUN_MODULE, ENCODE_WORKER_URL } from './pool.ts';

/**
 * `strategyModule` paths named by the scenario's miners and populations, keyed as written (the key
 * `simulate` expects in options.strategies), each resolved against the scenario's folder.
 */
export function strategyModulesOf(scenario: { miners?: readonly unknown[]; populations?: readonly unknown[] }, baseDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const list of [scenario.miners ?? [], scenario.populations ?? []]) {
    for (const item of list) {
      const mod = (item as { strategyModule?: unknown } | null)?.strategyModule;
      if (typeof mod === 'string') out[mod] = isAbsolute(mod) ? mod : resolve(baseDir, mod);
    }
  }
  return out;
}

export { parseShardFlag, shardFromEnv, shardRange, type Shard } from './shard.ts';
export { createPhaseReporter, progressLine, type PhaseReporter, type ProgressMode } from './progress.ts';

export interface BatchOptions {
  /** Resolved scenario (defaults applied, data inlined): sent to workers as data. */
  readonly scenario: { readonly name: string } & Record<string, unknown>;
  /** Content hashes of data files the scenario was built from (recorded in the manifest). */
  readonly dataFiles?: readonly DataFileEntry[];
  /** User strategy modules named by the scenario: name -> absolute path, imported in workers. */
  readonly strategyModules?: Readonly<Record<string, string>>;
  readonly seed: string | number;
  /** Runs of the whole batch (all shards). */
  readonly runs: number;
  /** Result set folder. */
  readonly out: string;
  /** Worker threads; default: all cores. */
  readonly workers?: number;
  readonly shard?: { readonly index: number; readonly count: number } | null;
  /** Finish an interrupted batch from its spool. */
  readonly resume?: boolean;
  /** Replace an existing result set or spool of another batch; rerun a complete one. */
  readonly force?: boolean;
  readonly progress?: ProgressMode;
  /** Where messages go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Largest runs per task (chunks shrink towards the end); default scales with runs / workers (1..50). Does not change the output. */
  readonly chunkSize?: number;
  /** Module exporting `simulate` (default: the engine). For benchmarks and tests of the batch layer. */
  readonly runModule?: string;
  readonly bandsMemoryBytes?: number;
  /**
   * Wall-clock limit per run, seconds (a task of k runs gets k x this). Past it the worker thread is
   * terminated and replaced, the task's runs are retried one at a time, and a run that still runs
   * past it is recorded as a failed run; the batch goes on. Default: none, or 600 s with strategy modules.
   */
  readonly runTimeoutSeconds?: number;
  /** A sweep's point: recorded in the manifest and as columns of every table (sweep, sweep_point, param.<path>). */
  readonly sweep?: SweepPointInfo;
  /**
   * Worker threads owned by the caller, shared with other batches (a sweep's points): the batch
   * runs on them and leaves them running. Without it the batch starts its own `workers` threads and
   * stops them when it ends. Does not change the output.
   */
  readonly pool?: BatchPool;
}

export interface BatchResult {
  readonly dir: string;
  /** "completed": runs were executed now; "up-to-date": an identical complete set was already there. */
  readonly status: 'completed' | 'up-to-date';
  readonly manifest: Manifest;
  readonly executedRuns: number;
  readonly resumedRuns: number;
  readonly failedRuns: readonly { readonly runIndex: number; readonly error: string }[];
}

export { BatchPool, tsxLoaderUrl } from './pool.ts';

function describeDiff(a: SpoolJob, b: SpoolJob): string {
  const d: string[] = [];
  if (a.scenarioSha256 !== b.scenarioSha256) d.push(`scenario sha256 ${a.scenarioSha256.slice(0, 12)} vs ${b.scenarioSha256.slice(0, 12)}`);
  if (String(a.seed) !== String(b.seed)) d.push(`seed ${a.seed} vs ${b.seed}`);
  if (a.runs !== b.runs) d.push(`runs ${a.runs} vs ${b.runs}`);
  if (a.start !== b.start || a.end !== b.end) d.push(`run indexes [${a.start}, ${a.end}) vs [${b.start}, ${b.end})`);
  return d.join(', ');
}

const sameJob = (a: SpoolJob, b: SpoolJob): boolean => describeDiff(a, b) === '';

/**
 * Temporary files (`<file>.tmp-<pid>`) a killed process left in the set, charts/ or csv/: removed
 * under the folder's lock (no other hashsim process is writing), so a finished set holds none.
 */
async function removeStaleTemporaries(dir: string): Promise<void> {
  for (const sub of ['', RESULT_FILES.charts, RESULT_FILES.csv]) {
    const d = sub === '' ? dir : join(dir, sub);
    let names: string[];
    try {
      if (!(await lstat(d)).isDirectory()) continue;
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!/^[A-Za-z0-9._-]+\.tmp-\d+$/.test(n)) continue;
      const p = join(d, n);
      if ((await lstat(p)).isFile()) await rm(p, { force: true });
    }
  }
}

/** Per-run wall-clock limit when strategy modules run and none is given (seconds). */
export const DEFAULT_MODULE_RUN_TIMEOUT_S = 600;
/** Added to each task's limit: a worker's first task also loads the engine and the modules. */
const TASK_START_ALLOWANCE_MS = 10_000;

class RunTimeout extends Error {}

/**
 * The record of a run that ran past --run-timeout: a failed run like any other (status 'error' in
 * runs.parquet, listed in manifest.failedRuns). Its message and stack hold only the run index and
 * the limit, so the set's bytes do not depend on timing or on where the worker was stopped.
 */
export function timedOutRecord(runIndex: number, limitS: number): RunRecord {
  const message = `run ${runIndex} took longer than ${limitS} s (--run-timeout; a strategy hook that never returns?); its worker thread was stopped`;
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return recordFromError(runIndex, err);
}

/**
 * A task that ran past its limit: a single run is recorded as failed (a chunk file of its own, so
 * --resume and assembly see it like any other run); a task of several runs is split into single
 * runs, queued to run again, so only the run that hangs fails. Returns the runs settled now.
 */
async function settleTimedOut(t: { start: number; end: number }, limitS: number, spool: string, retry: { start: number; end: number }[]): Promise<number> {
  // The worker wrote its chunk just before the limit struck: the runs are done (no overlapping chunk).
  if (existsSync(join(spool, chunkName(t.start, t.end)))) return t.end - t.start;
  if (t.end - t.start > 1) {
    for (let r = t.end - 1; r >= t.start; r--) retry.unshift({ start: r, end: r + 1 });
    return 0;
  }
  await writeChunk(spool, t.start, t.end, [timedOutRecord(t.start, limitS)]);
  return 1;
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir spins forever on a path under /proc
 * (`--out /proc/x`); this fails at once with the folder's error.
 */
async function mkdirEach(dir: string): Promise<void> {
  const parts = resolve(dir).split(sep).filter((x) => x !== '');
  let cur: string = sep;
  for (const part of parts) {
    cur = join(cur, part);
    try {
      await mkdir(cur);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * `--out` must be a new or empty folder, or a hashsim result set (manifest.json or an interrupted
 * batch's spool): a folder of other files (`--out scenarios`, `--out ~`) is refused without --force,
 * so nothing of the user's is overwritten. A symbolic link or a file is refused always.
 */
async function checkOutFolder(dir: string, force: boolean): Promise<void> {
  let st;
  try {
    st = await lstat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isDirectory()) throw new HashsimError(`--out ${dir}: expected a folder, found a ${st.isSymbolicLink() ? 'symbolic link' : 'file or special file'}`);
  const entries = await readdir(dir);
  if (entries.length === 0 || force) return;
  if (entries.includes(RESULT_FILES.manifest) || entries.includes(SPOOL_DIR) || entries.includes(LOCK_FILE)) return;
  throw new HashsimError(
    `--out ${dir}: the folder holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} and is not a hashsim result set; ` +
      'choose a new or empty folder (or --force to write into it anyway)',
  );
}

function validate(o: BatchOptions): void {
  if (!Number.isSafeInteger(o.runs) || o.runs < 1) throw new HashsimError(`--runs: expected a positive integer, got ${o.runs}`);
  if (o.workers !== undefined && (!Number.isSafeInteger(o.workers) || o.workers < 1)) {
    throw new HashsimError(`--workers: expected a positive integer, got ${o.workers}`);
  }
  if (typeof o.seed === 'number' && !Number.isSafeInteger(o.seed)) throw new HashsimError(`--seed: expected an integer or a string, got ${o.seed}`);
  if (o.shard && o.shard.count > o.runs) {
    throw new HashsimError(`--shard: ${o.shard.count} shards for ${o.runs} runs leaves empty shards; use at most ${o.runs} shards`);
  }
}

/**
 * Runs a Monte Carlo batch into a result set. Workers write finished chunks to `<out>/.partial/`;
 * when every run is there the spool is assembled, in run-index order, into the Parquet tables and
 * manifest.json, and deleted. Output bytes depend only on (scenario, seed, runs, shard).
 */
export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  validate(o);
  const dir = resolve(o.out);
  await checkOutFolder(dir, o.force === true);
  await mkdirEach(dir);
  // One writer at a time (two `run --force` into one folder would mix their spools).
  const unlock = await lockFolder(dir);
  try {
    await removeStaleTemporaries(dir);
    return await runBatchInFolder(o);
  } finally {
    await unlock();
  }
}

async function runBatchInFolder(o: BatchOptions): Promise<BatchResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = resolve(o.out);
  const spool = join(dir, SPOOL_DIR);
  const range = shardRange(o.runs, o.shard ?? null);
  const sha = scenarioHash(o.scenario);
  const job: SpoolJob = { scenarioSha256: sha, seed: o.seed, runs: o.runs, start: range.start, end: range.end };
  const startedAt = new Date();
  const t0 = performance.now();
  await mkdir(dir, { recursive: true });
  const existingJob = existsSync(spool) ? await readJob(spool) : null;
  let resuming = false;
  if (existingJob && o.resume && sameJob(existingJob, job)) {
    resuming = true;
  } else if (existingJob && !o.force) {
    if (o.resume) {
      throw new HashsimError(`${dir}: the interrupted batch there is a different one (existing vs requested: ${describeDiff(existingJob, job)}); use --force to discard it`);
    }
    throw new HashsimError(`${dir}: holds an interrupted batch; use --resume to finish it or --force to start over`);
  }
  if (!resuming) {
    const manifestPath = join(dir, RESULT_FILES.manifest);
    if (existsSync(manifestPath)) {
      const old = await readManifest(dir);
      const oldJob: SpoolJob = {
        scenarioSha256: old.scenario.sha256,
        seed: old.seed,
        runs: old.runs,
        start: old.runIndexes.start,
        end: old.runIndexes.end,
      };
      if (!o.force) {
        if (sameJob(oldJob, job)) {
          log(`${dir}: up to date (same scenario, seed and runs); use --force to rerun`);
          return { dir, status: 'up-to-date', manifest: old, executedRuns: 0, resumedRuns: 0, failedRuns: old.failedRuns };
        }
        throw new HashsimError(
          `${dir}: holds a result set of a different batch (existing vs requested: ${describeDiff(oldJob, job)}); use --force to overwrite it or choose another --out`,
        );
      }
      // The old set must not look complete while the new batch runs.
      await rm(manifestPath, { force: true });
    }
    await startSpool(spool, job);
  }

  const chunks = await listChunks(spool);
  const gaps = missingRanges(chunks, range.start, range.end);
  const todo = gaps.reduce((n, g) => n + g.end - g.start, 0);
  const total = range.end - range.start;
  const resumedRuns = total - todo;
  if (resuming) log(`resuming ${dir}: ${resumedRuns} of ${total} runs already done`);

  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), Math.max(1, todo)));
  const chunkSize = o.chunkSize ?? Math.max(1, Math.min(50, Math.ceil(todo / (workers * 8))));
  // Each worker's first task is a single run, so the first result (and progress) comes after one
  // run, not one chunk. Chunk boundaries never change the output.
  // Towards the end chunks shrink (guided scheduling: at most 1/(2 x workers) of the runs still to
  // plan), so the workers finish within about one run of each other instead of one idling while the
  // other computes a whole last chunk (measured: ~0.4 s of a 5 s compute phase at 2 workers).
  const tasks: { start: number; end: number }[] = [];
  let left = todo;
  for (const g of gaps) {
    for (let s = g.start; s < g.end; ) {
      const size = tasks.length < workers ? 1 : Math.max(1, Math.min(chunkSize, Math.ceil(left / (2 * workers))));
      const end = Math.min(g.end, s + size);
      tasks.push({ start: s, end });
      left -= end - s;
      s = end;
    }
  }
  // The splicing of the result files loads apache-arrow and parquet-wasm (~0.5 s): only once the
  // first run is done, so start-up time goes to the workers.
  let assembler: Promise<{ finishResultSet: typeof finishResultSet }> | undefined;
  const loadAssembler = () => (assembler ??= import('../results/assemble.ts'));

  const manifestBase: Omit<ManifestDeterministic, 'counts' | 'failedRuns' | 'files'> = {
    format: MANIFEST_FORMAT,
    scenario: { name: o.scenario.name, sha256: sha, resolved: o.scenario },
    seed: o.seed,
    runs: o.runs,
    shard: o.shard ? { index: o.shard.index, count: o.shard.count, start: range.start, end: range.end } : null,
    runIndexes: range,
    package: packageInfo(),
    gitCommit: gitCommit(),
    source: sourceInfo(),
    ...(o.sweep ? { sweep: o.sweep } : {}),
    node: process.version,
    dataFiles: o.dataFiles ?? [],
  };

  const progress = createProgress(o.progress ?? 'auto');
  // One pool for the runs and for encoding the result tables (workers encode row groups as soon as
  // their runs are in the spool, between simulations; the main thread only plans and splices).
  // A caller's pool is shared with its other batches and outlives this one.
  const ownPool = o.pool === undefined ? new BatchPool(workers) : null;
  const batchPool = o.pool ?? ownPool!;
  const pool = batchPool.piscina;
  const releasePool = async (): Promise<void> => {
    await ownPool?.destroy();
  };
  const assembly = new BatchAssembly({
    pool,
    filename: ENCODE_WORKER_URL,
    spool,
    range,
    id: setIdentity(manifestBase),
    bandsMemoryBytes: o.bandsMemoryBytes ?? DEFAULT_BANDS_MEMORY_BYTES,
  });
  try {
    await assembly.init(chunks);
  } catch (err) {
    await releasePool();
    throw err;
  }
  if (tasks.length > 0) {
    let done = resumedRuns;
    progress.start(total, done);
    try {
      const strategyModules = o.strategyModules ?? {};
      const runModule = o.runModule ?? DEFAULT_RUN_MODULE;
      let next = 0;
      // Runs of a task that ran past its wall-clock limit, to be run again one at a time: the one
      // that hangs is then recorded as a failed run and the batch goes on (see timedOutRecord).
      const retry: { start: number; end: number }[] = [];
      const limitS = o.runTimeoutSeconds ?? (Object.keys(strategyModules).length > 0 ? DEFAULT_MODULE_RUN_TIMEOUT_S : undefined);
      // Bounded in-flight tasks: the queue does not hold a copy of the scenario per chunk.
      // A failure other than a timeout (a module that does not load, a worker that exits) stops new
      // tasks; tasks in flight settle before the pool is destroyed.
      let failure: HashsimError | null = null;
      const lane = async (): Promise<void> => {
        while ((retry.length > 0 || next < tasks.length) && failure === null) {
          const t = retry.length > 0 ? retry.shift()! : tasks[next++]!;
          let reply: WorkerReply;
          // taken before the task's clock starts (see BatchPool.slot)
          const release = await batchPool.slot(limitS !== undefined);
          try {
            const ac = limitS === undefined ? undefined : new AbortController();
            const timer = ac === undefined ? undefined : setTimeout(() => ac.abort(), limitS! * 1000 * (t.end - t.start) + TASK_START_ALLOWANCE_MS);
            try {
              reply = await pool.run(
                { scenario: o.scenario, seed: o.seed, start: t.start, end: t.end, spool, runModule, strategyModules },
                ac === undefined ? {} : { signal: ac.signal },
              );
            } catch (err) {
              if (ac?.signal.aborted) throw new RunTimeout();
              throw err;
            } finally {
              clearTimeout(timer);
              release();
            }
          } catch (err) {
            if (err instanceof RunTimeout && limitS !== undefined) {
              // Piscina has terminated the worker thread and starts a fresh one.
              const settled = await settleTimedOut(t, limitS, spool, retry);
              done += settled;
              if (settled > 0) {
                progress.update(done);
                // its chunk (written by the worker just in time, or the failed run's) joins the set
                try {
                  await assembly.addChunk({ start: t.start, end: t.end, path: join(spool, chunkName(t.start, t.end)) });
                } catch (e) {
                  failure ??= new HashsimError(`runs ${t.start}-${t.end - 1}: ${(e as Error).message}`, 1);
                  return;
                }
              }
              continue;
            }
            // A module that fails to load, or a worker thread that exits (process.exit in a strategy
            // module): a message, not a stack. Finished chunks stay in the spool (--resume).
            const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
            failure ??= new HashsimError(`runs ${t.start}-${t.end - 1} could not run: ${msg}${/exited/.test(msg ?? '') ? ' (did a strategy module call process.exit?)' : ''}`, 1);
            return;
          }
          done += reply.end - reply.start;
          progress.update(done);
          try {
            await assembly.addChunk({ start: reply.start, end: reply.end, path: join(spool, chunkName(reply.start, reply.end)) });
          } catch (err) {
            failure ??= new HashsimError(`runs ${reply.start}-${reply.end - 1}: ${(err as Error).message}`, 1);
            return;
          }
          void loadAssembler().catch(() => undefined);
        }
      };
      // Two tasks in flight per worker keep it busy between tasks; with a time limit only one, so a
      // task's clock never runs while it waits in the queue behind another (e.g. a hanging run).
      await Promise.all(Array.from({ length: limitS === undefined ? workers * 2 : workers }, lane));
      if (failure !== null) throw failure;
    } catch (err) {
      await releasePool();
      throw err;
    } finally {
      progress.stop();
    }
  }
  const computeSeconds = (performance.now() - t0) / 1000;
  const phase = createPhaseReporter(o.progress ?? 'auto').start('assembling result set', total, 'runs');
  let encoded: Awaited<ReturnType<BatchAssembly['finish']>>;
  let tailSeconds = 0;
  try {
    // the last row groups and the bands, on the workers
    encoded = await assembly.finish();
    tailSeconds = (performance.now() - t0) / 1000 - computeSeconds;
  } finally {
    await releasePool();
  }

  const { finishResultSet: finish } = await loadAssembler();
  const tSplice = performance.now();
  const manifest = await finish({
    dir,
    scan: encoded.scan,
    pieces: encoded.pieces,
    manifest: manifestBase,
    timings: () => ({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      wallSeconds: (performance.now() - t0) / 1000,
      runsExecuted: todo,
      runsPerSecond: todo > 0 && computeSeconds > 0 ? todo / computeSeconds : null,
      workers: tasks.length > 0 ? workers : null,
      resumedRuns,
      command: 'run',
      // Where the wall time went: simulating (with encoding between runs on the same workers), the
      // encoding left after the last run (last row groups, bands), splicing the files on the main
      // thread; and the workers' time spent encoding, per table.
      ...{
        phases: {
          computeSeconds,
          encodeTailSeconds: tailSeconds,
          spliceSeconds: (performance.now() - tSplice) / 1000,
          workerEncodeSeconds: encoded.encodeSeconds,
        },
      },
    }),
  });
  phase.tick(total);
  phase.end();
  await rm(spool, { recursive: true, force: true });
  return { dir, status: 'completed', manifest, executedRuns: todo, resumedRuns, failedRuns: manifest.failedRuns };
}

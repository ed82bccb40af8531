import { Piscina } from 'piscina';
import type { WorkerReply, WorkerTask } from './worker.ts';

// The worker and the engine come from the same tree as this module: the TypeScript sources (run
// through tsx) or the compiled dist/ of `npm run build` (plain JavaScript: no tsx in the workers).
const COMPILED = import.meta.url.endsWith('.js');
const EXT = COMPILED ? '.js' : '.ts';
export const WORKER_URL = new URL(`./worker${EXT}`, import.meta.url).href;
export const DEFAULT_RUN_MODULE = new URL(`../engine/index${EXT}`, import.meta.url).href;
/** Encoding tasks (row groups of the result tables, bands) run on the same pool. */
export const ENCODE_WORKER_URL = new URL(`../results/encode-worker${EXT}`, import.meta.url).href;

/**
 * Absolute file URL preloaded into worker threads with --import: registers tsx's ESM loader so the
 * TypeScript worker loads from the CLI, under vitest and from any cwd.
 */
export function tsxLoaderUrl(): string {
  return new URL('./tsx-register.mjs', import.meta.url).href;
}

/**
 * Worker threads for one or more batches: the simulation tasks (worker.ts, the pool's default
 * module) and the encoding tasks (encode-worker.ts, named per task). A sweep owns one for all its
 * points, so each point does not pay for starting threads, loading the engine and parquet-wasm and
 * a cold JIT again; a lone batch (`hashsim run`) makes its own.
 *
 * `slot` bounds the simulation tasks in flight over every batch sharing the pool: two per thread keep
 * a thread busy between tasks; a task under a run time limit is started only while fewer than one
 * per thread are in flight, so its clock (started when it is sent) does not run while it waits in
 * Piscina's queue behind other tasks (the same rule a lone batch kept for its own tasks).
 */
export class BatchPool {
  readonly piscina: Piscina<WorkerTask, WorkerReply>;
  private inFlight = 0;
  private readonly waiting: { readonly limited: boolean; readonly go: () => void }[] = [];
  private destroyed: Promise<void> | null = null;

  constructor(readonly threads: number) {
    this.piscina = new Piscina<WorkerTask, WorkerReply>({
      filename: WORKER_URL,
      minThreads: threads,
      maxThreads: threads,
      execArgv: COMPILED ? [] : ['--import', tsxLoaderUrl()],
      idleTimeout: 1000,
    });
  }

  private admits(limited: boolean): boolean {
    return this.inFlight < (limited ? this.threads : this.threads * 2);
  }

  /** Waits for a simulation slot (`limited`: the task runs under a time limit); resolves to its release. */
  async slot(limited: boolean): Promise<() => void> {
    if (this.waiting.length === 0 && this.admits(limited)) this.inFlight++;
    else await new Promise<void>((go) => this.waiting.push({ limited, go }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      // first come, first served: a waiting limited task is not overtaken by later unlimited ones
      while (this.waiting.length > 0 && this.admits(this.waiting[0]!.limited)) {
        this.inFlight++;
        this.waiting.shift()!.go();
      }
    };
  }

  /** Stops the threads (tasks still running are terminated); idempotent. */
  destroy(): Promise<void> {
    this.destroyed ??= this.piscina.destroy();
    return this.destroyed;
  }
}

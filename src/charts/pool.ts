/**
 * Writes charts: `<name>.vl.json` always, `.svg` and `.png` as asked, rendered on a worker pool
 * (piscina) or in this thread. Every chart is drawn from its spec alone by the same functions, so the
 * files are byte-identical whatever the number of workers; they are written in catalogue order.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_CHART_FORMATS, type ChartFormat } from './formats.ts';

export { CHART_FORMATS, DEFAULT_CHART_FORMATS, parseChartFormats, type ChartFormat } from './formats.ts';
import { atomicWrite } from '../results/atomic.ts';
import { toVegaSpec } from './compile.ts';
import { rememberCompiled } from './compiled.ts';
import type { RenderReply, RenderTask } from './render-worker.ts';

/** Render workers: HASHSIM_CHART_WORKERS when set, else the cores (at most one per chart). */
export function chartWorkers(requested: number | undefined, charts: number): number {
  const env = process.env.HASHSIM_CHART_WORKERS;
  const n = requested ?? (env !== undefined && /^\d+$/.test(env.trim()) && Number(env) > 0 ? Number(env) : availableParallelism());
  return Math.max(1, Math.min(n, charts));
}

export interface ChartToWrite {
  /** File stem. */
  readonly name: string;
  readonly spec: TopLevelSpec;
}

export interface WriteChartsOptions {
  readonly formats?: readonly ChartFormat[];
  /** Render threads; 1 renders in this thread. Default: chartWorkers(). */
  readonly workers?: number;
  /**
   * Also compile each spec as the report embeds it, on the render threads, and remember it for
   * the report (compiled.ts): for callers that write the report from the same specs next.
   */
  readonly forReport?: boolean;
  /** Render threads already started (startRenderPool); the caller destroys them. Overrides workers. */
  readonly pool?: RenderPool | null;
  /** After each chart's files are written: charts done, of total. */
  readonly onChart?: (done: number, total: number) => void;
}

const COMPILED = import.meta.url.endsWith('.js');
const WORKER_URL = new URL(`./render-worker${COMPILED ? '.js' : '.ts'}`, import.meta.url).href;

/**
 * The Vega-Lite JSON of a spec as written to disk: indented, but each row of inline data on one
 * line (a 730-step chart is then ~1,500 lines rather than ~12,000).
 */
export function specJson(spec: unknown): string {
  const rows: string[] = [];
  const marked = JSON.stringify(
    spec,
    function (this: unknown, key: string, value: unknown) {
      if (key === 'values' && Array.isArray(value) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
        return value.map((v) => {
          rows.push(JSON.stringify(v));
          return `\u0000row${rows.length - 1}\u0000`;
        });
      }
      return value;
    },
    2,
  );
  return `${marked.replace(/"\\u0000row(\d+)\\u0000"/g, (_, i: string) => rows[Number(i)]!)}\n`;
}

/** One chart drawn in this thread: the same functions as render-worker.ts. */
async function renderHere(spec: TopLevelSpec, svg: boolean, png: boolean, forReport: boolean): Promise<RenderReply> {
  // Loaded on first use: resvg and the font metrics are not needed by callers that only use this
  // module's helpers (the report, through resultset.ts).
  const { renderSvg, svgToPng } = await import('./render.ts');
  const s = await renderSvg(spec);
  return { svg: svg ? s : null, png: png ? svgToPng(s) : null, vega: forReport ? JSON.stringify(toVegaSpec(spec)) : null };
}

/**
 * Writes every chart into `dir` and returns, per chart, the file names written (relative to `dir`),
 * in the order given.
 */
export async function writeCharts(charts: readonly ChartToWrite[], dir: string, options: WriteChartsOptions = {}): Promise<string[][]> {
  const formats = options.formats ?? DEFAULT_CHART_FORMATS;
  const svg = formats.includes('svg');
  const png = formats.includes('png');
  const out: string[][] = charts.map(() => []);
  let done = 0;
  const writeOne = async (i: number, r: RenderReply | null): Promise<void> => {
    const c = charts[i]!;
    if (r?.vega != null) rememberCompiled(c.spec, r.vega);
    const files = [`${c.name}.vl.json`];
    await atomicWrite(join(dir, files[0]!), specJson(c.spec));
    if (r?.svg != null) {
      await atomicWrite(join(dir, `${c.name}.svg`), r.svg);
      files.push(`${c.name}.svg`);
    }
    if (r?.png != null) {
      await atomicWrite(join(dir, `${c.name}.png`), Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength));
      files.push(`${c.name}.png`);
    }
    out[i] = files;
    options.onChart?.(++done, charts.length);
  };
  const forReport = options.forReport === true;
  if (!svg && !png) {
    for (let i = 0; i < charts.length; i++) await writeOne(i, null);
    return out;
  }
  const given = options.pool;
  const workers = given ? given.threads + 1 : (options.workers ?? chartWorkers(undefined, charts.length));
  if (workers <= 1 || charts.length <= 1) {
    for (let i = 0; i < charts.length; i++) {
      await writeOne(i, await renderHere(charts[i]!.spec, svg, png, forReport));
    }
    return out;
  }
  // The main thread renders too: `workers` threads in all, one fewer to start (a worker's start-up,
  // loading vega and resvg, costs about as much as a few charts). Two tasks per pool thread are in
  // flight so a pool thread never waits while the main thread is busy rendering.
  const pool = given?.piscina ?? newPiscina(workers - 1);
  try {
    // Biggest first (a long chart started last would leave the other threads idle at the end).
    const order = charts.map((c, i) => ({ i, size: JSON.stringify(c.spec).length })).sort((a, b) => b.size - a.size || a.i - b.i);
    let next = 0;
    const poolLane = async (): Promise<void> => {
      while (next < order.length) {
        const i = order[next++]!.i;
        const reply = await pool.run({ spec: charts[i]!.spec, svg, png, report: forReport });
        await writeOne(i, reply);
      }
    };
    const localLane = async (): Promise<void> => {
      // Let the pool lanes take their first tasks before this thread starts rendering.
      await new Promise((r) => setImmediate(r));
      while (next < order.length) {
        const i = order[next++]!.i;
        await writeOne(i, await renderHere(charts[i]!.spec, svg, png, forReport));
      }
    };
    await Promise.all([...Array.from({ length: 2 * (workers - 1) }, poolLane), localLane()]);
  } finally {
    if (!given) await pool.destroy();
  }
  return out;
}

function newPiscina(threads: number): Piscina<RenderTask, RenderReply> {
  return new Piscina<RenderTask, RenderReply>({
    filename: WORKER_URL,
    minThreads: threads,
    maxThreads: threads,
    execArgv: COMPILED ? [] : ['--import', new URL('../batch/tsx-register.mjs', import.meta.url).href],
    idleTimeout: 1000,
  });
}

/** Render threads started ahead of writeCharts (see startRenderPool). */
export interface RenderPool {
  readonly piscina: Piscina<RenderTask, RenderReply>;
  /** Pool threads (the main thread renders too). */
  readonly threads: number;
  destroy(): Promise<void>;
}

/**
 * Starts the render threads for `workers` threads in all (the main thread is one), or null for 1.
 * A thread's start-up (loading vega, vega-lite and resvg, ~0.5-1 s) then overlaps the main thread's
 * reading of the set and building of the specs instead of following it. The caller destroys it.
 */
export function startRenderPool(workers: number): RenderPool | null {
  if (workers <= 1) return null;
  const piscina = newPiscina(workers - 1);
  return { piscina, threads: workers - 1, destroy: () => piscina.destroy() };
}

// `npm run bench`: engine throughput and scaling, Monte Carlo runs/s per worker count, peak memory of
// a 10,000-run batch and time to the first result. Writes bench/results/<date>-<commit>.json and
// latest.json. A benchmark, not a test: it asserts nothing; docs/PERFORMANCE.md explains the figures.
//
// Flags: --quick (fewer repetitions and smaller sizes: a smoke check), --skip-engine, --skip-mc,
// --skip-memory, --skip-first, --skip-c, --mc-runs N, --max-workers W, --batch-budget SECONDS, --replay-runs N,
// --no-write, --update-docs, --batch-only (only the Monte Carlo batch: end-to-end runs/s per worker
// count, interleaved repetitions, and the parallel efficiency).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { simulate } from '../src/engine/index.ts';
import { defaultScenarioPath, ROOT } from './scenario-util.ts';
import { distIsCurrent } from '../bin/dist-stamp.mjs';
import { linearFit, median } from './stats.ts';
import { render, targets, updateDocs, type EnginePoint, type McPoint } from './report.ts';
import { buildC, vsC } from './vs-c.ts';

const argv = process.argv.slice(2);
const BATCH_ONLY_SKIPS = ['skip-engine', 'skip-c', 'skip-memory', 'skip-first'];
const flag = (name: string): boolean => argv.includes(`--${name}`) || (argv.includes('--batch-only') && BATCH_ONLY_SKIPS.includes(name));
const num = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number, got ${argv[i + 1]}`);
  return v;
};
const quick = flag('quick');
const REPS = quick ? 1 : 3;
const YEAR = 365;
const TMP = mkdtempSync(join(tmpdir(), 'hashsim-bench-'));
const PRELOAD = join(ROOT, 'bench', 'maxrss-preload.mjs');
const CLI = join(ROOT, 'bin', 'hashsim.mjs');

const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (x: number, d = 2) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

// ---------------------------------------------------------------------------------------------
// Machine

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const commit = git(['rev-parse', '--short', 'HEAD']) ?? 'nogit';
const dirty = (git(['status', '--porcelain']) ?? '') !== '';
const machine = {
  cpu: cpuModel(),
  cores: cpus().length,
  availableParallelism: availableParallelism(),
  memoryBytes: totalmem(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  /** 1-minute load average when the bench started: other processes on a shared machine skew every figure. */
  loadAverageAtStart: loadavg()[0]!,
};

// ---------------------------------------------------------------------------------------------
// Child processes

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallSeconds: number;
  /** Peak RSS from the preload (ru_maxrss of the whole process), when it was preloaded. */
  readonly maxRssBytes: number | null;
  /** Largest VmHWM seen while polling /proc/<pid>/status (cross-check of maxRssBytes). */
  readonly vmHwmBytes: number | null;
  /** Seconds from spawn until `watch` first returned true (polled every 5 ms), if given. */
  readonly watchSeconds: number | null;
}

function readHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function run(args: string[], opts: { rss?: boolean; watch?: () => boolean } = {}): Promise<Spawned> {
  const rssFile = join(TMP, `rss-${Math.random().toString(36).slice(2)}.json`);
  const nodeArgs = opts.rss ? ['--import', PRELOAD, ...args] : args;
  const env = { ...process.env, HASHSIM_BENCH_RSS_FILE: rssFile, HASHSIM_TIMING: '1' };
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let hwm: number | null = null;
  let watchSeconds: number | null = null;
  const poll = setInterval(() => {
    const h = child.pid !== undefined ? readHwm(child.pid) : null;
    if (h !== null && (hwm === null || h > hwm)) hwm = h;
    if (opts.watch && watchSeconds === null && opts.watch()) watchSeconds = since();
  }, 5);
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const wallSeconds = since();
      let maxRssBytes: number | null = null;
      if (existsSync(rssFile)) maxRssBytes = (JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssBytes: number }).maxRssBytes;
      resolvePromise({ code, stdout, stderr, wallSeconds, maxRssBytes, vmHwmBytes: hwm, watchSeconds });
    });
  });
}

function check(r: Spawned, what: string): void {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
}

// ---------------------------------------------------------------------------------------------
// 1. Engine throughput and scaling (bench scenario, one thread, fresh process per size)

async function enginePoint(count: number, days: number): Promise<EnginePoint> {
  log(`engine: ${count} miners x ${days} days, ${REPS} rep(s) after a warm-up ...`);
  const r = await run(['--import', 'tsx', 'bench/engine-child.ts', '--count', String(count), '--days', String(days), '--reps', String(REPS), '--warmup-days', String(Math.min(days, YEAR))]);
  check(r, 'engine child');
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Omit<EnginePoint, 'medianSeconds' | 'minerSteps' | 'minerStepsPerSecond' | 'nsPerMinerStep'>;
  const medianSeconds = median(j.seconds);
  const minerSteps = j.miners * j.steps;
  return { ...j, medianSeconds, minerSteps, minerStepsPerSecond: minerSteps / medianSeconds, nsPerMinerStep: (medianSeconds * 1e9) / minerSteps };
}

// ---------------------------------------------------------------------------------------------
// 2. Monte Carlo runs/s through the CLI for 1 .. all cores

/** Where a batch's wall time went (timings.json `phases`, written by runBatch). */
export interface BatchPhases {
  readonly computeSeconds: number;
  readonly encodeTailSeconds: number;
  readonly spliceSeconds: number;
  readonly workerEncodeSeconds: Readonly<Record<string, number>>;
}
type BatchTimings = { runsPerSecond?: number | null; phases?: BatchPhases };

async function cliBatch(scenario: string, runs: number, workers: number, out: string): Promise<Spawned & { manifest: { timings?: BatchTimings } }> {
  const r = await run([CLI, 'run', scenario, '--runs', String(runs), '--seed', '1', '--workers', String(workers), '--out', out, '--quiet', '--no-charts', '--force'], { rss: true });
  check(r, `hashsim run --runs ${runs} --workers ${workers}`);
  // Wall-clock timings live in timings.json (kept apart from the deterministic manifest); older sets
  // kept them in manifest.json.
  const timingsFile = join(out, 'timings.json');
  const manifest = existsSync(timingsFile)
    ? { timings: JSON.parse(readFileSync(timingsFile, 'utf8')) as BatchTimings }
    : (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { timings?: BatchTimings });
  rmSync(out, { recursive: true, force: true });
  return { ...r, manifest };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  const results: Record<string, unknown> = {
    format: 1,
    date: started.toISOString(),
    commit,
    dirty,
    mode: quick ? 'quick' : 'full',
    machine,
    notes: [] as string[],
  };
  const notes = results.notes as string[];
  log(`hashsim bench (${quick ? 'quick' : 'full'}) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, commit ${commit}${dirty ? '+dirty' : ''}`);

  // ---- engine
  if (!flag('skip-engine')) {
    const big = quick ? 2_000 : 10_000;
    const years = quick ? [0.1, 0.3, 1] : [1, 3, 10];
    const longDays = Math.round(years[2]! * YEAR);
    if (quick) notes.push(`quick mode: engine sizes scaled down (2,000 miners; ${years.join(', ')} years), 1 repetition`);
    const byMiners: EnginePoint[] = [];
    for (const count of [big / 100, big / 10]) byMiners.push(await enginePoint(count, longDays));
    const head = await enginePoint(big, longDays);
    byMiners.push(head);
    const byYears: EnginePoint[] = [];
    for (const y of years.slice(0, 2)) byYears.push(await enginePoint(big, Math.round(y * YEAR)));
    byYears.push(head);
    const fitMiners = linearFit(byMiners.map((p) => p.miners), byMiners.map((p) => p.medianSeconds));
    const fitSteps = linearFit(byYears.map((p) => p.steps), byYears.map((p) => p.medianSeconds));
    results.engine = { scenario: 'bench/scenarios/bench-10k.yaml', repetitions: REPS, headline: head, byMiners, byYears, fitMiners, fitSteps };
  }

  // ---- side by side with the C reference of the bench-model (bench/bench-model/README.md)
  if (!flag('skip-c')) {
    const bin = buildC(TMP);
    if (bin === null) {
      notes.push('vs C: no C compiler (gcc) found; the side-by-side figures were not measured');
    } else {
      const sizes = quick ? [1_000, 10_000] : [10_000, 100_000];
      const points = vsC(bin, sizes, quick ? YEAR : 3650, REPS, log);
      for (const p of points) {
        log(`vs C: ${p.miners} miners x ${p.days} days: C ${fmt(p.cMinerStepsPerSecond / 1e6)}M, JS port ${fmt(p.jsMinerStepsPerSecond / 1e6)}M, hashsim ${fmt(p.hashsimMinerStepsPerSecond / 1e6)}M miner-steps/s, hashsim / C ${fmt(p.ratio)}, hashsim / JS port ${fmt(p.ratioJs)}`);
      }
      results.vsC = { scenario: 'bench/bench-model/bench-model.yaml', program: 'bench/bench-model/miners.c (gcc -O2)', port: 'bench/bench-model/miners.mjs (node, after a warm-up run)', price: 'constant', repetitions: REPS, points };
    }
  }

  // ---- Monte Carlo
  const def = defaultScenarioPath();
  const defRel = def.path.slice(ROOT.length + 1);
  if (def.fallback) notes.push(`scenarios/baseline-2026.yaml not found: Monte Carlo figures use ${defRel}`);
  let runsPerSecondAll: number | null = null;
  const maxW = Math.min(num('max-workers', availableParallelism()), availableParallelism());
  if (!flag('skip-mc')) {
    // Size the batches from in-process runs so each worker count computes for ~20 s (quick: ~4 s).
    // Warmed up first: the second run of a fresh process still runs mostly unoptimized code (~3x
    // slower than a worker's steady state), which made the batches ~3x smaller than intended and
    // let worker start-up (~1 s) weigh on the rates and the efficiency.
    const sc = loadScenarioFile(def.path).scenario;
    for (let i = 0; i < 20; i++) simulate(sc, { seed: 1, runIndex: 1000 + i });
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) simulate(sc, { seed: 1, runIndex: i });
    const perRun = (performance.now() - t0) / 1000 / 10;
    const runs = Math.round(num('mc-runs', Math.max(maxW * 4, Math.min(5000, Math.round((quick ? 4 : 20) / perRun)))));
    const points: McPoint[] = [];
    // Worker counts interleaved (1, 2, ..., 1, 2, ...), median of the repetitions: a machine shared
    // with other work drifts, and the efficiency is a ratio of figures taken under the same load.
    const reps = quick ? 1 : 3;
    const byW = new Map<number, { walls: number[]; computes: number[]; phases: BatchPhases[]; rss: number }>();
    // The machine's own ceiling: maxW independent 1-worker batches of the same runs side by side,
    // each a process of its own (no shared main thread, no shared files). Their wall time against a
    // 1-worker batch alone is the efficiency perfect parallelism gets here: what one process uses
    // besides its worker (V8's compiler and GC threads, the main thread) runs on an idle core when it
    // is alone and competes when every core has a worker.
    const sideBySide: number[] = [];
    const load0 = loadavg()[0]!;
    for (let rep = 0; rep < reps; rep++) {
      if (maxW > 1) {
        log(`monte carlo: ${maxW} independent 1-worker batches of ${runs} runs side by side, repetition ${rep + 1}/${reps} (load ${fmt(loadavg()[0]!, 1)}) ...`);
        const walls = await Promise.all(Array.from({ length: maxW }, (_, k) => cliBatch(def.path, runs, 1, join(TMP, `mc-side-${k}`)).then((r) => r.wallSeconds)));
        sideBySide.push(median(walls));
      }
      for (let w = 1; w <= maxW; w++) {
        log(`monte carlo: ${defRel}, ${runs} runs, ${w} worker(s), repetition ${rep + 1}/${reps} (load ${fmt(loadavg()[0]!, 1)}) ...`);
        const r = await cliBatch(def.path, runs, w, join(TMP, `mc-${w}`));
        const m = byW.get(w) ?? { walls: [], computes: [], phases: [], rss: 0 };
        byW.set(w, m);
        m.walls.push(r.wallSeconds);
        if (typeof r.manifest.timings?.runsPerSecond === 'number') m.computes.push(runs / r.manifest.timings.runsPerSecond);
        if (r.manifest.timings?.phases) m.phases.push(r.manifest.timings.phases);
        m.rss = Math.max(m.rss, r.maxRssBytes ?? 0);
      }
    }
    const load1 = loadavg()[0]!;
    for (let w = 1; w <= maxW; w++) {
      const m = byW.get(w)!;
      const wall = median(m.walls);
      const compute = m.computes.length > 0 ? median(m.computes) : null;
      const one = points[0];
      const e2e = runs / wall;
      const cps = compute !== null ? runs / compute : null;
      const ph = m.phases.length > 0 ? m.phases : null;
      points.push({
        workers: w,
        runs,
        wallSeconds: wall,
        runsPerSecondEndToEnd: e2e,
        runsPerSecondCompute: cps,
        efficiencyEndToEnd: one ? e2e / (w * one.runsPerSecondEndToEnd) : 1,
        efficiencyCompute: cps !== null && one?.runsPerSecondCompute ? cps / (w * one.runsPerSecondCompute) : cps !== null ? 1 : null,
        maxRssBytes: m.rss || null,
        ...(ph
          ? {
              phases: {
                computeSeconds: median(ph.map((p) => p.computeSeconds)),
                encodeTailSeconds: median(ph.map((p) => p.encodeTailSeconds)),
                spliceSeconds: median(ph.map((p) => p.spliceSeconds)),
                workerEncodeSeconds: median(ph.map((p) => Object.values(p.workerEncodeSeconds).reduce((x, y) => x + y, 0))),
              },
            }
          : {}),
      });
      const p = points[points.length - 1]!;
      log(
        `batch end-to-end: ${w} worker(s) ${fmt(p.runsPerSecondEndToEnd)} runs/s (wall ${fmt(wall)} s, median of ${m.walls.length}), efficiency ${fmt(p.efficiencyEndToEnd * 100, 0)}%` +
          (p.phases ? `; compute ${fmt(p.phases.computeSeconds)} s, encode tail ${fmt(p.phases.encodeTailSeconds)} s, splice ${fmt(p.phases.spliceSeconds)} s, worker encoding ${fmt(p.phases.workerEncodeSeconds)} s` : ''),
      );
    }
    log(`batch: load average ${fmt(load0, 1)} before, ${fmt(load1, 1)} after (${availableParallelism()} cores)`);
    const independent =
      sideBySide.length > 0 ? { processes: maxW, wallSeconds: median(sideBySide), efficiency: points[0]!.wallSeconds / median(sideBySide) } : undefined;
    if (independent) log(`batch: ${maxW} independent 1-worker batches side by side: ${fmt(independent.wallSeconds)} s each (median), ${fmt(independent.efficiency * 100, 0)}% of one alone`);
    const last = points[points.length - 1]!;
    runsPerSecondAll = last.runsPerSecondCompute ?? last.runsPerSecondEndToEnd;
    results.monteCarlo = { scenario: defRel, fallback: def.fallback, inProcessSecondsPerRun: perRun, repetitions: reps, interleaved: true, loadAverage: { before: load0, after: load1 }, points, ...(independent ? { independent } : {}) };
  }

  // ---- peak memory of a 10,000-run batch
  if (!flag('skip-memory')) {
    const target = 10_000;
    const budget = num('batch-budget', quick ? 20 : 150);
    const w = maxW;
    let rate = runsPerSecondAll;
    if (rate === null) {
      const sc = loadScenarioFile(def.path).scenario;
      const t0 = performance.now();
      simulate(sc, { seed: 1, runIndex: 0 });
      rate = (w * 1000) / (performance.now() - t0);
    }
    const fits = Math.floor((budget * rate) / 100) * 100;
    const realRuns = Math.max(100, Math.min(target, fits));
    const mem: Record<string, unknown> = { scenario: defRel, workers: w, targetRuns: target, budgetSeconds: budget };
    if (realRuns < target) {
      notes.push(
        `peak memory: 10,000 runs of ${defRel} would take ~${fmt(target / rate, 0)} s at ${fmt(rate, 1)} runs/s; ` +
          `measured ${realRuns} and ${realRuns / 2} real runs (full horizon) to see growth with N, and 10,000 runs with the replay engine`,
      );
    }
    const real: Record<string, unknown>[] = [];
    for (const n of realRuns < target ? [realRuns / 2, realRuns] : [target]) {
      log(`memory: hashsim run ${defRel} --runs ${n} --workers ${w} ...`);
      const r = await cliBatch(def.path, n, w, join(TMP, 'mem'));
      real.push({ runs: n, wallSeconds: r.wallSeconds, maxRssBytes: r.maxRssBytes, vmHwmBytes: r.vmHwmBytes });
    }
    mem.real = real;
    const replayRuns = Math.round(num('replay-runs', quick ? 1_000 : target));
    log(`memory: batch layer with the replay engine, ${replayRuns} runs, ${w} workers ...`);
    const out = join(TMP, 'replay');
    const r = await run(['--import', 'tsx', 'bench/batch-child.ts', def.path, String(replayRuns), String(w), out], { rss: true });
    check(r, 'replay batch');
    rmSync(out, { recursive: true, force: true });
    mem.replay = { runs: replayRuns, wallSeconds: r.wallSeconds, maxRssBytes: r.maxRssBytes, vmHwmBytes: r.vmHwmBytes };
    results.memory = mem;
  }

  // ---- time to the first finished run
  if (!flag('skip-first')) {
    // bin/hashsim.mjs runs the compiled dist/ only when `npm run build` made it from the current src/.
    const cli = distIsCurrent(ROOT) ? 'dist (compiled)' : 'src via tsx (no current build)';
    const times: { firstChunkSeconds: number | null; exitSeconds: number; source: 'line' | 'spool' | null }[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      log(`first result: hashsim run ${defRel} --runs 1 --workers 1 (CLI from ${cli}) ...`);
      const out = join(TMP, `first-${rep}`);
      mkdirSync(out, { recursive: true });
      const spool = join(out, '.partial');
      // Fallback if the CLI does not print the line: the first chunk file seen in the spool.
      const watch = () => existsSync(spool) && readdirSync(spool).some((f) => /^chunk-.*\.bin$/.test(f));
      const r = await run([CLI, 'run', def.path, '--runs', '1', '--seed', '1', '--workers', '1', '--out', out, '--progress', 'lines', '--no-charts', '--force'], { watch });
      check(r, 'first result');
      rmSync(out, { recursive: true, force: true });
      // The CLI's own measure (non-TTY progress): milliseconds from its process start to the first run.
      const m = /^first run finished after (\d+) ms$/m.exec(r.stderr);
      const firstChunkSeconds = m ? Number(m[1]) / 1000 : r.watchSeconds;
      times.push({ firstChunkSeconds, exitSeconds: r.wallSeconds, source: m ? 'line' : r.watchSeconds !== null ? 'spool' : null });
    }
    const chunk = times.map((t) => t.firstChunkSeconds).filter((x): x is number => x !== null);
    results.firstResult = {
      scenario: defRel,
      cli,
      method:
        'spawn `hashsim run <scenario> --runs 1 --workers 1 --progress lines --no-charts`; firstChunk = the CLI\'s "first run finished after X ms" line ' +
        '(process start to the first finished run; fallback: first spool chunk file seen by a 5 ms poll); exit = whole command incl. Parquet result set',
      repetitions: times,
      firstChunkSeconds: chunk.length > 0 ? median(chunk) : null,
      exitSeconds: median(times.map((t) => t.exitSeconds)),
    };
  }

  rmSync(TMP, { recursive: true, force: true });
  results.elapsedSeconds = (Date.now() - started.getTime()) / 1000;
  results.loadAverageAtEnd = loadavg()[0]!;
  if (Math.max(machine.loadAverageAtStart, loadavg()[0]!) > 0.5) {
    notes.push(
      `load average ${fmt(machine.loadAverageAtStart)} at start, ${fmt(loadavg()[0]!)} at end on ${machine.availableParallelism} cores: ` +
        'other processes competed for the CPU, so throughput and parallel efficiency are understated',
    );
  }
  results.targets = targets(results);
  process.stdout.write(render(results));
  if (!flag('no-write')) {
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const name = `${started.toISOString().slice(0, 10)}-${commit}${dirty ? '-dirty' : ''}${quick ? '-quick' : ''}.json`;
    const text = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'latest.json'), text);
    log(`wrote bench/results/${name} and bench/results/latest.json`);
    if (flag('update-docs')) {
      updateDocs(join(ROOT, 'docs', 'PERFORMANCE.md'), results);
      log('updated the latest figures in docs/PERFORMANCE.md');
    }
  }
}

await main();

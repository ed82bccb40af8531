// `npm run bench`: engine throughput and scaling, Monte Carlo runs/s per worker count, peak memory of
// a 10,000-run batch and time to the first result. Writes bench/results/<date>-<commit>.json and
// latest.json. A benchmark, not a test: it asserts nothing; docs/PERFORMANCE.md explains the figures.
//
// Flags: --quick (fewer repetitions and smaller sizes: a smoke check), --skip-engine, --skip-mc,
// --skip-memory, --skip-first, --mc-runs N, --max-workers W, --batch-budget SECONDS, --no-write.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { simulate } from '../src/engine/index.ts';
import { defaultScenarioPath, ROOT } from './scenario-util.ts';
import { linearFit, median, type LinearFit } from './stats.ts';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
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
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

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
  const env = { ...process.env, HASHSIM_BENCH_RSS_FILE: rssFile };
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

interface EnginePoint {
  readonly count: number;
  readonly days: number;
  readonly steps: number;
  readonly miners: number;
  readonly minersExited: number;
  readonly blocks: number;
  readonly marginCalls: number;
  readonly liquidations: number;
  readonly mwPivoted: number;
  readonly seconds: number[];
  readonly medianSeconds: number;
  readonly minerSteps: number;
  readonly minerStepsPerSecond: number;
  readonly nsPerMinerStep: number;
  readonly maxRssBytes: number;
}

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

interface McPoint {
  readonly workers: number;
  readonly runs: number;
  readonly wallSeconds: number;
  /** runs / wall time of the whole command (start-up, workers, Parquet assembly included). */
  readonly runsPerSecondEndToEnd: number;
  /** runs / compute phase (manifest timings.runsPerSecond: pool start to last run, before assembly). */
  readonly runsPerSecondCompute: number | null;
  readonly efficiencyEndToEnd: number;
  readonly efficiencyCompute: number | null;
  readonly maxRssBytes: number | null;
}

async function cliBatch(scenario: string, runs: number, workers: number, out: string): Promise<Spawned & { manifest: { timings?: { runsPerSecond?: number | null } } }> {
  const r = await run([CLI, 'run', scenario, '--runs', String(runs), '--seed', '1', '--workers', String(workers), '--out', out, '--quiet', '--no-charts', '--force'], { rss: true });
  check(r, `hashsim run --runs ${runs} --workers ${workers}`);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { timings?: { runsPerSecond?: number | null } };
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

  // ---- Monte Carlo
  const def = defaultScenarioPath();
  const defRel = def.path.slice(ROOT.length + 1);
  if (def.fallback) notes.push(`scenarios/baseline-2026.yaml not found: Monte Carlo figures use ${defRel}`);
  let runsPerSecondAll: number | null = null;
  const maxW = Math.min(num('max-workers', availableParallelism()), availableParallelism());
  if (!flag('skip-mc')) {
    // Size the batches from one in-process run so each worker count computes for ~20 s (quick: ~4 s).
    const sc = loadScenarioFile(def.path).scenario;
    simulate(sc, { seed: 1, runIndex: 0 });
    const t0 = performance.now();
    simulate(sc, { seed: 1, runIndex: 1 });
    const perRun = (performance.now() - t0) / 1000;
    const runs = Math.round(num('mc-runs', Math.max(maxW * 4, Math.min(5000, Math.round((quick ? 4 : 20) / perRun)))));
    const points: McPoint[] = [];
    for (let w = 1; w <= maxW; w++) {
      log(`monte carlo: ${defRel}, ${runs} runs, ${w} worker(s) ...`);
      const walls: number[] = [];
      const computes: number[] = [];
      let rss: number | null = null;
      for (let rep = 0; rep < (quick ? 1 : 2); rep++) {
        const r = await cliBatch(def.path, runs, w, join(TMP, `mc-${w}`));
        walls.push(r.wallSeconds);
        if (typeof r.manifest.timings?.runsPerSecond === 'number') computes.push(runs / r.manifest.timings.runsPerSecond);
        rss = Math.max(rss ?? 0, r.maxRssBytes ?? 0);
      }
      const wall = median(walls);
      const compute = computes.length > 0 ? median(computes) : null;
      const one = points[0];
      const e2e = runs / wall;
      const cps = compute !== null ? runs / compute : null;
      points.push({
        workers: w,
        runs,
        wallSeconds: wall,
        runsPerSecondEndToEnd: e2e,
        runsPerSecondCompute: cps,
        efficiencyEndToEnd: one ? e2e / (w * one.runsPerSecondEndToEnd) : 1,
        efficiencyCompute: cps !== null && one?.runsPerSecondCompute ? cps / (w * one.runsPerSecondCompute) : cps !== null ? 1 : null,
        maxRssBytes: rss,
      });
    }
    const last = points[points.length - 1]!;
    runsPerSecondAll = last.runsPerSecondCompute ?? last.runsPerSecondEndToEnd;
    results.monteCarlo = { scenario: defRel, fallback: def.fallback, inProcessSecondsPerRun: perRun, points };
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
    const times: { firstChunkSeconds: number | null; exitSeconds: number }[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      log(`first result: hashsim run ${defRel} --runs 1 --workers 1 ...`);
      const out = join(TMP, `first-${rep}`);
      mkdirSync(out, { recursive: true });
      const spool = join(out, '.partial');
      const watch = () => existsSync(spool) && readdirSync(spool).some((f) => /^chunk-.*\.bin$/.test(f));
      const r = await run([CLI, 'run', def.path, '--runs', '1', '--seed', '1', '--workers', '1', '--out', out, '--quiet', '--no-charts', '--force'], { watch });
      check(r, 'first result');
      rmSync(out, { recursive: true, force: true });
      times.push({ firstChunkSeconds: r.watchSeconds, exitSeconds: r.wallSeconds });
    }
    const chunk = times.map((t) => t.firstChunkSeconds).filter((x): x is number => x !== null);
    results.firstResult = {
      scenario: defRel,
      method: 'spawn `hashsim run <scenario> --runs 1 --workers 1 --quiet --no-charts`; firstChunk = first spool chunk file (the finished run) seen by a 5 ms poll; exit = whole command incl. Parquet result set',
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
  }
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 9) and the printed table

interface Target {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean | null;
}

function targets(r: Record<string, unknown>): Target[] {
  const out: Target[] = [];
  const eng = r.engine as { headline: EnginePoint } | undefined;
  if (eng) {
    const v = eng.headline.minerStepsPerSecond;
    out.push({ name: `engine, ${eng.headline.miners} miners, 1 thread`, target: '>= 20M miner-steps/s (aim 50M)', value: `${fmt(v / 1e6)}M`, met: v >= 20e6 });
  }
  const mc = r.monteCarlo as { points: McPoint[] } | undefined;
  const two = mc?.points.find((p) => p.workers === 2);
  if (two) {
    const e = two.efficiencyCompute ?? two.efficiencyEndToEnd;
    out.push({ name: 'parallel efficiency at 2 workers', target: '>= 90%', value: `${fmt(e * 100, 0)}%`, met: e >= 0.9 });
  }
  const sixteen = mc?.points.find((p) => p.workers === 16);
  if (sixteen) {
    const e = sixteen.efficiencyCompute ?? sixteen.efficiencyEndToEnd;
    out.push({ name: 'parallel efficiency at 16 workers', target: '>= 85%', value: `${fmt(e * 100, 0)}%`, met: e >= 0.85 });
  }
  const mem = r.memory as { targetRuns: number; real: { runs: number; maxRssBytes: number | null }[]; replay: { runs: number; maxRssBytes: number | null } } | undefined;
  if (mem) {
    const realMax = mem.real[mem.real.length - 1]!;
    const full = realMax.runs >= mem.targetRuns;
    const peak = Math.max(realMax.maxRssBytes ?? 0, mem.replay.maxRssBytes ?? 0);
    out.push({
      name: `10,000-run batch peak RSS${full ? '' : ` (real ${realMax.runs} runs; replay ${mem.replay.runs})`}`,
      target: '< 1.5 GB',
      value: mib(peak),
      met: mem.replay.runs >= mem.targetRuns || full ? peak < 1.5e9 : null,
    });
  }
  const first = r.firstResult as { firstChunkSeconds: number | null; exitSeconds: number } | undefined;
  if (first) {
    const v = first.firstChunkSeconds ?? first.exitSeconds;
    out.push({ name: 'first result (first finished run)', target: '< 1 s', value: `${fmt(v)} s`, met: v < 1 });
  }
  return out;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [line(head), `|${w.map((x, i) => (i === 0 ? ':' : '-') + '-'.repeat(x) + (i === 0 ? '-' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

function fitLine(what: string, f: LinearFit): string {
  const lin = f.r2 >= 0.99 && (f.marginalRatio === null || Math.abs(f.marginalRatio - 1) < 0.25) ? 'linear' : 'NOT clearly linear';
  return (
    `${what}: cost = ${fmt(f.a, 3)} s + ${fmt(f.b * 1e9, 1)} ns x ${what.includes('miners') ? 'miners' : 'steps'}` +
    `, R^2 = ${fmt(f.r2, 4)}, ratio vs proportional = ${fmt(f.ratioVsProportional)}, marginal upper/lower = ${f.marginalRatio === null ? '-' : fmt(f.marginalRatio)} -> ${lin}`
  );
}

export function render(r: Record<string, unknown>): string {
  const m = r.machine as typeof machine;
  const parts: string[] = [];
  parts.push(`## hashsim benchmark (${r.mode}), ${String(r.date).slice(0, 10)}, commit ${r.commit}${r.dirty ? ' (uncommitted changes)' : ''}\n`);
  parts.push(table(['machine', ''], [
    ['CPU', m.cpu],
    ['cores / availableParallelism', `${m.cores} / ${m.availableParallelism}`],
    ['memory', mib(m.memoryBytes)],
    ['Node', m.node],
    ['platform', m.platform],
    ['load average (1 min) at start / end', `${fmt(m.loadAverageAtStart)} / ${fmt(r.loadAverageAtEnd as number)}`],
  ]));
  const eng = r.engine as { repetitions: number; byMiners: EnginePoint[]; byYears: EnginePoint[]; fitMiners: LinearFit; fitSteps: LinearFit } | undefined;
  if (eng) {
    parts.push(`\n### Engine, bench scenario, one thread (median of ${eng.repetitions} after a warm-up)\n`);
    const seen = new Set<string>();
    const rows: string[][] = [];
    for (const p of [...eng.byMiners, ...eng.byYears]) {
      const k = `${p.miners}x${p.steps}`;
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push([
        `${p.miners.toLocaleString('en-US')} miners x ${p.steps.toLocaleString('en-US')} steps`,
        fmt(p.medianSeconds, 3),
        `${fmt(p.minerStepsPerSecond / 1e6)}M`,
        fmt(p.nsPerMinerStep, 1),
        `${p.minersExited}`,
        `${p.blocks.toLocaleString('en-US')}`,
        mib(p.maxRssBytes),
      ]);
    }
    parts.push(table(['size', 'median s', 'miner-steps/s', 'ns/miner-step', 'exited', 'blocks', 'peak RSS'], rows));
    parts.push(`\n${fitLine(`by miners (${eng.byMiners[0]!.steps} steps)`, eng.fitMiners)}\n${fitLine(`by steps (${eng.byYears[0]!.miners} miners)`, eng.fitSteps)}`);
  }
  const mc = r.monteCarlo as { scenario: string; fallback: boolean; inProcessSecondsPerRun: number; points: McPoint[] } | undefined;
  if (mc) {
    parts.push(`\n### Monte Carlo, ${mc.scenario}${mc.fallback ? ' (FALLBACK: baseline-2026.yaml missing)' : ''}, ${mc.points[0]?.runs} runs via \`hashsim run\`\n`);
    parts.push(`one run in-process: ${fmt(mc.inProcessSecondsPerRun * 1000, 1)} ms\n`);
    parts.push(
      table(
        ['workers', 'wall s', 'runs/s (end-to-end)', 'efficiency', 'runs/s (compute)', 'efficiency (compute)', 'peak RSS'],
        mc.points.map((p) => [
          String(p.workers),
          fmt(p.wallSeconds),
          fmt(p.runsPerSecondEndToEnd),
          `${fmt(p.efficiencyEndToEnd * 100, 0)}%`,
          p.runsPerSecondCompute === null ? '-' : fmt(p.runsPerSecondCompute),
          p.efficiencyCompute === null ? '-' : `${fmt(p.efficiencyCompute * 100, 0)}%`,
          p.maxRssBytes === null ? '-' : mib(p.maxRssBytes),
        ]),
      ),
    );
  }
  const mem = r.memory as { scenario: string; workers: number; real: { runs: number; wallSeconds: number; maxRssBytes: number | null; vmHwmBytes: number | null }[]; replay: { runs: number; wallSeconds: number; maxRssBytes: number | null; vmHwmBytes: number | null } } | undefined;
  if (mem) {
    parts.push(`\n### Peak memory of a batch, ${mem.scenario}, ${mem.workers} workers (whole process incl. worker threads)\n`);
    const rows = mem.real.map((x) => [`hashsim run --runs ${x.runs}`, fmt(x.wallSeconds, 1), x.maxRssBytes === null ? '-' : mib(x.maxRssBytes), x.vmHwmBytes === null ? '-' : mib(x.vmHwmBytes)]);
    rows.push([`runBatch, replay engine, ${mem.replay.runs} runs`, fmt(mem.replay.wallSeconds, 1), mem.replay.maxRssBytes === null ? '-' : mib(mem.replay.maxRssBytes), mem.replay.vmHwmBytes === null ? '-' : mib(mem.replay.vmHwmBytes)]);
    parts.push(table(['batch', 'wall s', 'peak RSS (ru_maxrss)', 'VmHWM (polled)'], rows));
  }
  const first = r.firstResult as { firstChunkSeconds: number | null; exitSeconds: number } | undefined;
  if (first) {
    parts.push(`\n### Time to the first finished run\n`);
    parts.push(
      table(['measure', 'median s'], [
        ['command start -> first run in the spool', first.firstChunkSeconds === null ? '-' : fmt(first.firstChunkSeconds)],
        ['command start -> exit (1-run result set written)', fmt(first.exitSeconds)],
      ]),
    );
  }
  const t = r.targets as Target[];
  parts.push(`\n### Targets (issue 9)\n`);
  parts.push(table(['figure', 'target', 'value', 'met'], t.map((x) => [x.name, x.target, x.value, x.met === null ? 'n/a (not at full size)' : x.met ? 'met' : 'NOT met'])));
  const notes = r.notes as string[];
  if (notes.length > 0) parts.push(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  parts.push(`\nbench took ${fmt(r.elapsedSeconds as number, 0)} s\n`);
  return `${parts.join('\n')}\n`;
}

await main();

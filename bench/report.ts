// The benchmark's printed report and target check, shared by bench/run.ts and bench/update-docs.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import type { LinearFit } from './stats.ts';

const fmt = (x: number, d = 2) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly availableParallelism: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverageAtStart: number;
}

export interface EnginePoint {
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

export interface McPoint {
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
  /** Medians of the batches' timings.json phases: compute (runs, with encoding between them on the workers), encoding left after the last run, splicing on the main thread; worker time spent encoding. */
  readonly phases?: { readonly computeSeconds: number; readonly encodeTailSeconds: number; readonly spliceSeconds: number; readonly workerEncodeSeconds: number };
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 9) and the printed table

interface Target {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean | null;
}

export function targets(r: Record<string, unknown>): Target[] {
  const out: Target[] = [];
  const eng = r.engine as { headline: EnginePoint } | undefined;
  if (eng) {
    const v = eng.headline.minerStepsPerSecond;
    out.push({ name: `engine, ${eng.headline.miners} miners, 1 thread`, target: '>= 20M miner-steps/s (aim 50M)', value: `${fmt(v / 1e6)}M`, met: v >= 20e6 });
  }
  // Issue 15's engine targets, on the bench-model side by side with the C program and its JS port.
  const vc = r.vsC as { points: { miners: number; days: number; hashsimMinerStepsPerSecond: number; ratio: number; ratioJs?: number }[] } | undefined;
  for (const p of vc?.points ?? []) {
    const size = `${p.miners.toLocaleString('en-US')} x ${p.days.toLocaleString('en-US')}`;
    const abs = p.miners >= 100_000 ? 35e6 : p.miners >= 10_000 ? 40e6 : null;
    const v = p.hashsimMinerStepsPerSecond;
    if (abs !== null) out.push({ name: `bench-model engine, ${size}`, target: `>= ${abs / 1e6}M miner-steps/s`, value: `${fmt(v / 1e6)}M`, met: v >= abs });
    out.push({ name: `bench-model engine / C program, ${size}`, target: '>= 0.5', value: fmt(p.ratio), met: p.ratio >= 0.5 });
    if (p.ratioJs !== undefined) out.push({ name: `bench-model engine / plain JS port, ${size}`, target: '>= 1', value: fmt(p.ratioJs), met: p.ratioJs >= 1 });
  }
  const mc = r.monteCarlo as { points: McPoint[] } | undefined;
  const two = mc?.points.find((p) => p.workers === 2);
  if (two) {
    const e = two.efficiencyEndToEnd;
    out.push({ name: 'end-to-end parallel efficiency at 2 workers', target: '>= 90%', value: `${fmt(e * 100, 0)}%`, met: e >= 0.9 });
    const ind = (r.monteCarlo as { independent?: { processes: number; efficiency: number } }).independent;
    if (ind?.processes === 2) {
      out.push({ name: "(context) 2 independent 1-worker batches side by side: the machine's ceiling", target: '-', value: `${fmt(ind.efficiency * 100, 0)}%`, met: null });
    }
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

function fitLine(what: string, unit: string, f: LinearFit): string {
  const lin = f.r2 >= 0.99 && (f.marginalRatio === null || Math.abs(f.marginalRatio - 1) < 0.25) ? 'linear' : 'NOT clearly linear';
  return (
    `${what}: cost = ${fmt(f.a, 3)} s + ${fmt(f.b * 1e9, 1)} ns x ${unit}` +
    `, R^2 = ${fmt(f.r2, 4)}, ratio vs proportional = ${fmt(f.ratioVsProportional)}, marginal upper/lower = ${f.marginalRatio === null ? '-' : fmt(f.marginalRatio)} -> ${lin}`
  );
}

export function render(r: Record<string, unknown>): string {
  const m = r.machine as Machine;
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
    parts.push(`\n- ${fitLine(`by miners (${eng.byMiners[0]!.steps} steps)`, 'miners', eng.fitMiners)}\n- ${fitLine(`by steps (${eng.byYears[0]!.miners} miners)`, 'steps', eng.fitSteps)}`);
  }
  const vc = r.vsC as
    | { repetitions: number; points: { miners: number; days: number; cMinerStepsPerSecond: number; jsMinerStepsPerSecond?: number; hashsimMinerStepsPerSecond: number; ratio: number; ratioJs?: number }[] }
    | undefined;
  if (vc) {
    // (results files written before the JS port was measured have no port columns)
    const port = vc.points.every((p) => p.jsMinerStepsPerSecond !== undefined && p.ratioJs !== undefined);
    parts.push(`\n### Side by side with the C program${port ? ' and its JS port' : ''} (bench-model, constant price, one thread, interleaved, median of ${vc.repetitions})\n`);
    parts.push(
      table(
        ['size', 'C miner-steps/s', ...(port ? ['JS port miner-steps/s'] : []), 'hashsim miner-steps/s', 'hashsim / C', ...(port ? ['hashsim / JS port'] : [])],
        vc.points.map((p) => [
          `${p.miners.toLocaleString('en-US')} miners x ${p.days.toLocaleString('en-US')} days`,
          `${fmt(p.cMinerStepsPerSecond / 1e6)}M`,
          ...(port ? [`${fmt(p.jsMinerStepsPerSecond! / 1e6)}M`] : []),
          `${fmt(p.hashsimMinerStepsPerSecond / 1e6)}M`,
          fmt(p.ratio),
          ...(port ? [fmt(p.ratioJs!)] : []),
        ]),
      ),
    );
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
    const la = (r.monteCarlo as { loadAverage?: { before: number; after: number }; repetitions?: number; independent?: { processes: number; wallSeconds: number; efficiency: number } }) ?? {};
    if (la.loadAverage) parts.push(`\nworker counts interleaved, median of ${la.repetitions ?? '?'}; load average ${fmt(la.loadAverage.before, 1)} before, ${fmt(la.loadAverage.after, 1)} after\n`);
    if (la.independent) {
      parts.push(
        `\nthe machine's ceiling: ${la.independent.processes} independent 1-worker batches of the same runs side by side took ${fmt(la.independent.wallSeconds)} s each, ` +
          `**${fmt(la.independent.efficiency * 100, 0)}%** of one alone (the efficiency of perfectly independent workers here)\n`,
      );
    }
    if (mc.points.some((p) => p.phases)) {
      parts.push(`\nWhere the wall time goes (medians; encoding runs on the workers between runs):\n`);
      parts.push(
        table(
          ['workers', 'compute s', 'encode tail s', 'splice s (main)', 'worker encoding s'],
          mc.points.map((p) => [String(p.workers), ...(p.phases ? [fmt(p.phases.computeSeconds), fmt(p.phases.encodeTailSeconds), fmt(p.phases.spliceSeconds), fmt(p.phases.workerEncodeSeconds)] : ['-', '-', '-', '-'])]),
        ),
      );
    }
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
  parts.push(`\n### Targets (issues 9 and 15)\n`);
  parts.push(table(['figure', 'target', 'value', 'met'], t.map((x) => [x.name, x.target, x.value, x.met === null ? (x.target === '-' ? '-' : 'n/a (not at full size)') : x.met ? 'met' : 'NOT met'])));
  const notes = r.notes as string[];
  if (notes.length > 0) parts.push(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  parts.push(`\nbench took ${fmt(r.elapsedSeconds as number, 0)} s\n`);
  return `${parts.join('\n')}\n`;
}


const BEGIN = '<!-- bench:latest -->';
const END = '<!-- /bench:latest -->';

/** Replace the figures between the bench markers in docs/PERFORMANCE.md with this result's report. */
export function updateDocs(file: string, r: Record<string, unknown>): void {
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${BEGIN} ... ${END} not found`);
  const body = render(r).replace(/^## /m, '### ').replace(/^### (?!hashsim)/gm, '#### ');
  writeFileSync(file, `${doc.slice(0, a + BEGIN.length)}\n${body}\n${doc.slice(b)}`);
}

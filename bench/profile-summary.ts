// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time, with their
// inclusive time, so the hot loop's cost can be attributed without opening DevTools.
// Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 20] [--lines 25]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './scenario-util.ts';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
  /** Samples per source line of this node's function (1-based lines of the code V8 ran). */
  readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface FunctionCost {
  readonly key: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

function where(cf: CallFrame): string {
  let file = cf.url;
  if (file.startsWith('file://')) {
    try {
      file = relative(ROOT, fileURLToPath(file));
    } catch {
      // keep the URL
    }
  }
  const name = cf.functionName || '(anonymous)';
  // tsx-compiled modules report line 1 for every function; only a real line number is informative.
  return file ? `${name}  ${file}${cf.lineNumber > 0 ? `:${cf.lineNumber + 1}` : ''}` : name;
}

/** Self and inclusive time per function (same name and source position), largest self time first. */
export function summarize(profile: CpuProfile): { costs: FunctionCost[]; totalMs: number } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute it to sample i (V8 DevTools does the same).
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    let id: number | undefined = profile.samples[i]!;
    const leaf = where(byId.get(id)!.callFrame);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set<string>();
    while (id !== undefined) {
      const k = where(byId.get(id)!.callFrame);
      if (!seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + ms);
      }
      id = parent.get(id);
    }
  }
  const costs = [...self.entries()].map(([key, selfMs]) => ({ key, selfMs, totalMs: total.get(key) ?? selfMs }));
  costs.sort((a, b) => b.selfMs - a.selfMs);
  return { costs, totalMs };
}

/**
 * Hottest source lines (positionTicks). Only useful for code that keeps its line structure: tsx
 * emits each TypeScript module on very few lines, so profile a tsc-compiled copy for this (see
 * docs/PERFORMANCE.md, "Profile").
 */
export function hotLines(profile: CpuProfile, top: number): string[] {
  const ticks = new Map<string, { url: string; line: number; fn: string; ticks: number }>();
  let all = 0;
  for (const n of profile.nodes) {
    for (const t of n.positionTicks ?? []) {
      all += t.ticks;
      const k = `${n.callFrame.url}:${t.line}`;
      const e = ticks.get(k) ?? { url: n.callFrame.url, line: t.line, fn: n.callFrame.functionName, ticks: 0 };
      e.ticks += t.ticks;
      ticks.set(k, e);
    }
  }
  const files = new Map<string, string[]>();
  const text = (url: string, line: number): string => {
    if (!url.startsWith('file://')) return '';
    if (!files.has(url)) {
      try {
        files.set(url, readFileSync(fileURLToPath(url), 'utf8').split('\n'));
      } catch {
        files.set(url, []);
      }
    }
    return (files.get(url)![line - 1] ?? '').trim().slice(0, 110);
  };
  const rows = [...ticks.values()].sort((a, b) => b.ticks - a.ticks).slice(0, top);
  return rows.map((r) => `| ${((100 * r.ticks) / all).toFixed(1)} | ${r.fn || '(anonymous)'} | ${r.url.split('/').slice(-2).join('/')}:${r.line} | \`${text(r.url, r.line).replace(/`/g, "'")}\` |`);
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const ti = args.indexOf('--top');
  const top = ti >= 0 ? Number(args[ti + 1]) : 20;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { costs, totalMs } = summarize(profile);
  const lines = [`profile: ${file}, ${(totalMs / 1000).toFixed(2)} s sampled`, '', '| self ms | self % | total % | function  location |', '|---:|---:|---:|:---|'];
  for (const c of costs.slice(0, top)) {
    lines.push(`| ${c.selfMs.toFixed(0)} | ${((100 * c.selfMs) / totalMs).toFixed(1)} | ${((100 * c.totalMs) / totalMs).toFixed(1)} | ${c.key.replace(/\|/g, '\\|')} |`);
  }
  const li = args.indexOf('--lines');
  if (li >= 0) {
    lines.push('', '| line ticks % | function | file:line | code |', '|---:|:---|:---|:---|', ...hotLines(profile, Number(args[li + 1])));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

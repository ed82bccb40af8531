// hashsim's engine against the plain C program of the bench-model (bench/bench-model/README.md), side
// by side in one run: gcc -O2 builds miners.c, then for each size the C program and hashsim run
// alternately (C, hashsim, C, hashsim, ...), each in a fresh process, and the medians give miner-steps
// per second (N x T / run seconds, setup excluded on both sides) and the ratio hashsim / C.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median } from './stats.ts';
import { ROOT } from './scenario-util.ts';

export interface VsCPoint {
  readonly miners: number;
  readonly days: number;
  readonly cMinerStepsPerSecond: number;
  readonly hashsimMinerStepsPerSecond: number;
  readonly ratio: number;
  readonly cSeconds: number[];
  readonly hashsimSeconds: number[];
}

/** Build the C reference into `dir`; returns the binary's path, or null when no C compiler is there. */
export function buildC(dir: string): string | null {
  const bin = join(dir, 'miners');
  try {
    execFileSync('gcc', ['-O2', '-o', bin, join(ROOT, 'bench', 'bench-model', 'miners.c'), '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return bin;
  } catch {
    return null;
  }
}

function runC(bin: string, n: number, days: number): number {
  const r = spawnSync(bin, [String(n), String(days), '1'], { env: { ...process.env, BENCH_PRICE_SIGMA: '0' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`miners ${n} ${days} failed: ${r.stderr}`);
  const m = /run_s=([0-9.eE+-]+)/.exec(r.stdout);
  if (!m) throw new Error(`miners: no run_s in its output:\n${r.stdout}`);
  return Number(m[1]);
}

function runHashsim(n: number, days: number): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'model-child.ts'), '--count', String(n), '--days', String(days), '--reps', '1'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench/model-child.ts failed: ${r.stderr.slice(-2000)}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number[] }).seconds[0]!;
}

/** Interleaved C / hashsim measurements at each size, `reps` of each. */
export function vsC(bin: string, sizes: readonly number[], days: number, reps: number, log: (s: string) => void): VsCPoint[] {
  const out: VsCPoint[] = [];
  for (const n of sizes) {
    const cs: number[] = [];
    const hs: number[] = [];
    for (let k = 0; k < reps; k++) {
      log(`vs C: ${n} miners x ${days} days, repetition ${k + 1}/${reps} ...`);
      cs.push(runC(bin, n, days));
      hs.push(runHashsim(n, days));
    }
    const c = (n * days) / median(cs);
    const h = (n * days) / median(hs);
    out.push({ miners: n, days, cMinerStepsPerSecond: c, hashsimMinerStepsPerSecond: h, ratio: h / c, cSeconds: cs, hashsimSeconds: hs });
  }
  return out;
}

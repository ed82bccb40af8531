// hashsim's engine against the plain C program of the bench-model (bench/bench-model/README.md) and
// its line-by-line JavaScript port (bench/bench-model/miners.mjs), side by side in one run: gcc -O2
// builds miners.c, then for each size the three run in turn (C, JS port, hashsim, C, ...), each in a
// fresh process, and the medians give miner-steps per second (N x T / run seconds, setup excluded
// everywhere; the port and hashsim after a warm-up run) and the ratios hashsim / C, hashsim / port.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median } from './stats.ts';
import { ROOT } from './scenario-util.ts';

export interface VsCPoint {
  readonly miners: number;
  readonly days: number;
  readonly cMinerStepsPerSecond: number;
  readonly jsMinerStepsPerSecond: number;
  readonly hashsimMinerStepsPerSecond: number;
  /** hashsim / C */
  readonly ratio: number;
  /** hashsim / the JS port */
  readonly ratioJs: number;
  readonly cSeconds: number[];
  readonly jsSeconds: number[];
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

/** The bench-model's line-by-line JavaScript port (same streams and report as miners.c). */
export const JS_PORT = join(ROOT, 'bench', 'bench-model', 'miners.mjs');

/** run_s of one run of the C program (`bin`) or, with `bin` = JS_PORT, of the JS port. */
function runReference(bin: string, n: number, days: number): number {
  const argv = [String(n), String(days), '1'];
  const r = bin === JS_PORT ? spawnSync(process.execPath, [JS_PORT, ...argv], { env: { ...process.env, BENCH_PRICE_SIGMA: '0' }, encoding: 'utf8' }) : spawnSync(bin, argv, { env: { ...process.env, BENCH_PRICE_SIGMA: '0' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${n} ${days} failed: ${r.stderr}`);
  const m = /run_s=([0-9.eE+-]+)/.exec(r.stdout);
  if (!m) throw new Error(`${bin}: no run_s in its output:\n${r.stdout}`);
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

/** Interleaved C / JS port / hashsim measurements at each size, `reps` of each. */
export function vsC(bin: string, sizes: readonly number[], days: number, reps: number, log: (s: string) => void): VsCPoint[] {
  const out: VsCPoint[] = [];
  for (const n of sizes) {
    const cs: number[] = [];
    const js: number[] = [];
    const hs: number[] = [];
    for (let k = 0; k < reps; k++) {
      log(`vs C: ${n} miners x ${days} days, repetition ${k + 1}/${reps} ...`);
      cs.push(runReference(bin, n, days));
      js.push(runReference(JS_PORT, n, days));
      hs.push(runHashsim(n, days));
    }
    const c = (n * days) / median(cs);
    const j = (n * days) / median(js);
    const h = (n * days) / median(hs);
    out.push({ miners: n, days, cMinerStepsPerSecond: c, jsMinerStepsPerSecond: j, hashsimMinerStepsPerSecond: h, ratio: h / c, ratioJs: h / j, cSeconds: cs, jsSeconds: js, hashsimSeconds: hs });
  }
  return out;
}

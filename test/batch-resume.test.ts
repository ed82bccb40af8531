// Kill + resume: the CLI is SIGKILLed mid-batch after some chunks landed in the spool; `--resume`
// finishes only the missing runs and the result set is byte-identical to an uninterrupted batch.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultSetDiff, readManifestFile, tmp, writeScenario } from './batch-helpers.ts';

const BIN = fileURLToPath(new URL('../bin/hashsim.mjs', import.meta.url));
const RUNS = 24;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const chunksIn = (dir: string): string[] =>
  existsSync(join(dir, '.partial')) ? readdirSync(join(dir, '.partial')).filter((f) => /^chunk-\d+-\d+\.bin$/.test(f)) : [];

describe('kill + resume', () => {
  it('SIGKILL mid-batch, then --resume, gives the same bytes as an uninterrupted batch', async () => {
    const root = tmp('resume');
    const scenario = writeScenario(root, { horizonDays: 60 });
    const common = ['run', scenario, '--runs', String(RUNS), '--seed', '11', '--workers', '1', '--no-charts', '--quiet'];

    const killed = join(root, 'killed');
    const child = spawn(process.execPath, [BIN, ...common, '--out', killed], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until at least two chunks are durable, then kill without warning.
    const deadline = Date.now() + 240_000;
    while (chunksIn(killed).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const landed = chunksIn(killed).length;
    expect(landed).toBeGreaterThanOrEqual(2);
    // Killed mid-batch: not complete.
    expect(existsSync(join(killed, 'manifest.json'))).toBe(false);

    // Without --resume the interrupted batch is not silently discarded.
    const refused = cli([...common, '--out', killed]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/--resume/);

    const resumed = cli([...common, '--out', killed, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const m = readManifestFile(killed);
    expect(m.timings?.resumedRuns).toBeGreaterThan(0);
    expect(m.timings?.resumedRuns).toBeLessThan(RUNS);
    expect(existsSync(join(killed, '.partial'))).toBe(false);

    const clean = join(root, 'clean');
    const full = cli([...common, '--out', clean]);
    expect(full.status, full.stderr).toBe(0);
    expect(resultSetDiff(clean, killed)).toEqual([]);
  });
});

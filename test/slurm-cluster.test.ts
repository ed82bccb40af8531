import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

// Integration test on a real single-node Slurm on localhost: the project's own local-cluster.sh
// starts munged/slurmctld/slurmd (loopback only, random free ports, all state in a temp dir), the
// project's submit.sh submits an array of shards plus an afterok merge job, and the merged result
// set must be byte-identical to a local single-machine batch. Nothing is skipped: if Slurm cannot
// start, the test fails and shows the daemon logs.

const ROOT = resolve(import.meta.dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'hashsim-slurm-test-'));
const SLURM_ENV = { ...process.env, SLURM_CONF: join(WORK, 'slurm', 'slurm.conf') };
const RUNS = 7;
const SHARDS = 3;
const SEED = 4242;
const daemonPids: number[] = [];

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

function explain(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

function slurmLogs(): string {
  const parts: string[] = [];
  for (const f of ['slurm/log/slurmctld.log', 'slurm/log/slurmd.log', 'slurm/log/jobcomp.txt']) {
    const p = join(WORK, f);
    if (existsSync(p)) parts.push(`--- ${f}\n${readFileSync(p, 'utf8').split('\n').slice(-60).join('\n')}`);
  }
  return parts.join('\n');
}

describe('Slurm array job on a local single-node cluster', () => {
  beforeAll(() => {
    const r = sh('bash', ['scripts/slurm/local-cluster.sh', 'start', WORK], process.env, 240_000);
    if (r.status !== 0) throw new Error(`local Slurm cluster did not start:\n${explain(r)}`);
    for (const name of ['munged', 'slurmctld', 'slurmd']) daemonPids.push(Number(readFileSync(join(WORK, 'pids', name), 'utf8').trim()));
  }, 300_000);

  afterAll(() => {
    const r = sh('bash', ['scripts/slurm/local-cluster.sh', 'stop', WORK], process.env, 60_000);
    if (r.status !== 0) throw new Error(`stopping the local Slurm cluster failed:\n${explain(r)}`);
    const alive = daemonPids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (alive.length > 0) throw new Error(`daemons still running after stop: ${alive.join(', ')}`);
    rmSync(WORK, { recursive: true, force: true });
  }, 90_000);

  it('binds every daemon to loopback only', () => {
    const r = sh('ss', ['-ltnpH'], process.env, 10_000);
    expect(r.status, explain(r)).toBe(0);
    const pids = ['slurmctld', 'slurmd'].map((n) => readFileSync(join(WORK, 'pids', n), 'utf8').trim());
    const ours = r.stdout.split('\n').filter((l) => pids.some((pid) => l.includes(`pid=${pid},`)));
    expect(ours.length, r.stdout).toBeGreaterThanOrEqual(2);
    for (const l of ours) expect(l.split(/\s+/)[3], l).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('array of shards + afterok merge gives the same bytes as a local batch', () => {
    // A small, short scenario derived from the project's minimal one.
    const scenario = parseYaml(readFileSync(join(ROOT, 'scenarios', 'minimal.yaml'), 'utf8')) as Record<string, unknown>;
    scenario['horizonDays'] = 60;
    const scenarioFile = join(WORK, 'slurm-small.yaml');
    writeFileSync(scenarioFile, stringifyYaml(scenario));

    const jobDir = join(WORK, 'job');
    const sub = sh(
      'bash',
      ['scripts/slurm/submit.sh', '--scenario', scenarioFile, '--runs', String(RUNS), '--seed', String(SEED), '--shards', String(SHARDS), '--out', jobDir, '--wait', '--timeout', '200'],
      SLURM_ENV,
      230_000,
    );
    expect(sub.status, `${explain(sub)}\n${slurmLogs()}`).toBe(0);
    const ids = /array=(\d+) merge=(\d+)/.exec(sub.stdout);
    expect(ids, sub.stdout).not.toBeNull();

    // Slurm's own record: every array task and the merge job COMPLETED (none failed or cancelled).
    const jobcomp = readFileSync(join(WORK, 'slurm', 'log', 'jobcomp.txt'), 'utf8');
    const states = jobcomp
      .split('\n')
      .filter((l) => l.includes('JobId='))
      .map((l) => /JobState=(\S+)/.exec(l)?.[1]);
    expect(states.filter((s) => s === 'COMPLETED').length, jobcomp).toBe(SHARDS + 1);
    expect(states.every((s) => s === 'COMPLETED'), jobcomp).toBe(true);
    for (let i = 0; i < SHARDS; i++) expect(existsSync(join(jobDir, 'shards', String(i), 'manifest.json'))).toBe(true);

    const local = sh(
      process.execPath,
      ['bin/hashsim.mjs', 'run', scenarioFile, '--runs', String(RUNS), '--seed', String(SEED), '--out', join(WORK, 'local'), '--workers', '2', '--quiet', '--no-charts'],
      process.env,
      110_000,
    );
    expect(local.status, explain(local)).toBe(0);

    const merged = join(jobDir, 'merged');
    const a = listFiles(join(WORK, 'local'));
    const b = listFiles(merged);
    expect(b).toEqual(a);
    expect(a).toContain('manifest.json');
    expect(a).toContain('runs.parquet');
    for (const f of a) {
      const x = readFileSync(join(WORK, 'local', f));
      const y = readFileSync(join(merged, f));
      // timings.json holds wall-clock facts only (kept out of the manifest so it is byte-identical).
      if (f === 'timings.json') continue;
      expect(x.equals(y), `${f} differs between the Slurm-merged and the local result set`).toBe(true);
    }
  }, 280_000);
});

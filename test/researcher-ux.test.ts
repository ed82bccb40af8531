// Issue 16 (a researcher's day without friction): one CLI-level test per numbered point, each of
// which failed before the change.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { readManifestFile, tmp, writeScenario } from './batch-helpers.ts';
// @ts-expect-error plain JavaScript module without types
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { sourceHash, stampContent } from '../bin/dist-stamp.mjs';

const QUICK = ['--no-charts', '--quiet', '--workers', '1'];

describe('1. result folders named by the batch; npm run main reuses a current build', () => {
  it('a second batch of the same scenario with another seed and run count gets its own folder', async () => {
    const dir = tmp('ux-naming');
    writeScenario(dir, { name: 'tiny', horizonDays: 20 });
    const a = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['run', 'tiny.yaml', '--runs', '3', '--seed', '7', ...QUICK], dir);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toContain(join('results', 'tiny', 'seed-2026-runs-2'));
    expect(b.stdout).toContain(join('results', 'tiny', 'seed-7-runs-3'));
    expect(readManifestFile(join(dir, 'results/tiny/seed-2026-runs-2')).runs).toBe(2);
    expect(readManifestFile(join(dir, 'results/tiny/seed-7-runs-3')).seed).toBe(7);
    // The same batch again is up to date, not a collision.
    const again = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^up to date/);
    // A true collision (same name, seed and runs, edited scenario) is still refused.
    writeFileSync(join(dir, 'tiny.yaml'), readFileSync(join(dir, 'tiny.yaml'), 'utf8').replace('horizonDays: 20', 'horizonDays: 21'));
    const clash = await runCli(['run', 'tiny.yaml', '--runs', '2', '--seed', '2026', ...QUICK], dir);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toMatch(/different batch.*scenario sha256/);
    // compare's default folder names both sides by scenario and batch.
    const c = await runCli(['compare', 'results/tiny/seed-2026-runs-2', 'results/tiny/seed-7-runs-3', '--no-charts', '--resamples', '50', '--no-steps'], dir);
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(dir, 'results', 'compare-tiny-seed-2026-runs-2-vs-tiny-seed-7-runs-3', 'compare.json'))).toBe(true);
  }, 240_000);

  it('scripts/main.sh builds only when dist/ is not a build of the current sources', () => {
    const root = tmp('ux-build');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    let builds = 0;
    const build = () => {
      builds++;
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
      writeFileSync(join(root, 'dist', '.build-stamp.json'), stampContent(sourceHash(root)));
      return true;
    };
    expect(ensureBuild(root, build).built).toBe(true);
    expect(ensureBuild(root, build).built).toBe(false);
    expect(builds).toBe(1);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    expect(ensureBuild(root, build).built).toBe(true);
    expect(builds).toBe(2);
    const main = readFileSync(new URL('../scripts/main.sh', import.meta.url), 'utf8');
    expect(main).toContain('node scripts/ensure-build.mjs');
    expect(main).not.toMatch(/npm run --silent build/);
  });
});

describe('9. provenance records the sources that ran and local edits', () => {
  it('sourceInfo: a content hash of src/ and package files, and git dirty flag', async () => {
    const { sourceInfo } = await import('../src/results/manifest.ts');
    const { spawnSync } = await import('node:child_process');
    const root = tmp('ux-source');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const clean = sourceInfo(root);
    expect(clean.dirty).toBe(false);
    expect(clean.sha256).toMatch(/^[0-9a-f]{64}$/);
    const copy = tmp('ux-source-copy');
    cpSync(root, copy, { recursive: true });
    writeFileSync(join(copy, 'src', 'a.ts'), 'export const a = 2;\n');
    const edited = sourceInfo(copy);
    expect(edited.dirty).toBe(true);
    expect(edited.sha256).not.toBe(clean.sha256);
  });

  it('a batch manifest carries source.sha256 and source.dirty', async () => {
    const dir = tmp('ux-prov');
    writeScenario(dir, { name: 'tiny', horizonDays: 10 });
    const r = await runCli(['run', 'tiny.yaml', '--runs', '1', '--out', 'set', ...QUICK], dir);
    expect(r.code, r.stderr).toBe(0);
    const m = readManifestFile(join(dir, 'set'));
    expect(m.source?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof m.source?.dirty).toBe('boolean');
  }, 120_000);
});

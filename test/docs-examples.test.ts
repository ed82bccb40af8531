// Issue 16 point 5: the docs' examples run. Relative links resolve; the README's typical session runs
// (with fewer runs); the sweep files and design blocks of SWEEPS.md validate against their base; every
// DuckDB query of RESULTS.md and SWEEPS.md runs on real result sets.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { tmp } from './batch-helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

/** Fenced blocks of a language in a Markdown file. */
function blocks(file: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  for (const m of read(file).matchAll(re)) out.push(m[1]!);
  return out;
}

describe('docs examples (issue 16 point 5)', () => {
  it('every relative link in README.md and docs/*.md points to a file of the repository', () => {
    const broken: string[] = [];
    for (const f of DOCS) {
      for (const m of read(f).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(ROOT, dirname(f), target))) broken.push(`${f}: ${m[1]}`);
      }
      if (/docs\/parts\//.test(read(f))) broken.push(`${f}: names docs/parts/ (no such folder)`);
    }
    expect(broken).toEqual([]);
  });

  it('RESULTS.md and BATCH.md put wall-clock timings in timings.json, and RESULTS.md lists every column a set has', async () => {
    for (const f of ['docs/RESULTS.md', 'docs/BATCH.md']) expect(read(f), f).not.toMatch(/`manifest\.timings\.|"timings": \{/);
    expect(read('docs/RESULTS.md')).toMatch(/timings\.json +wall-clock facts/);
    const { SUMMARY_METRICS, MINER_OUTCOME_FIELDS, SERIES_METRICS } = await import('../src/engine/metrics.ts');
    const doc = read('docs/RESULTS.md');
    for (const m of [...SUMMARY_METRICS, ...MINER_OUTCOME_FIELDS, ...SERIES_METRICS]) expect(doc, m.name).toContain(`| \`${m.name}\` |`);
  });

  it('SWEEPS.md: its sweep files and design blocks validate against their base scenarios', async () => {
    const dir = tmp('docs-sweeps');
    mkdirSync(join(dir, 'sweeps'));
    const problems: string[] = [];
    const yaml = blocks('docs/SWEEPS.md', 'yaml');
    expect(yaml.length).toBeGreaterThan(4);
    let k = 0;
    const text0 = read('docs/SWEEPS.md');
    const marker = text0.indexOf('The design blocks below go into a sweep file whose base is `scenarios/baseline-2026.yaml`');
    expect(marker).toBeGreaterThan(0);
    for (const b of yaml) {
      let text: string;
      if (/^base: /m.test(b)) {
        if (b.includes('{ ... }')) continue; // an excerpt of a shipped file: validated below by its own sh command
        text = b.replace(/^base: (\S+)/m, (_s, p: string) => `base: ${join(ROOT, 'scenarios', 'sweeps', p)}`).replace(/^out: .*$/m, '');
      } else if (/^design:/.test(b)) {
        const base = text0.indexOf(b) < marker ? 'minimal.yaml' : 'baseline-2026.yaml';
        text = `name: doc-${k}\nbase: ${join(ROOT, 'scenarios', base)}\nseed: 1\nreplications: 2\n${b}`;
      } else continue;
      const file = join(dir, 'sweeps', `doc-${k++}.yaml`);
      writeFileSync(file, text);
      const r = await runCli(['validate', file], dir);
      if (r.code !== 0) problems.push(`${b.split('\n')[0]}...: ${r.stderr || r.stdout}`);
    }
    expect(k).toBeGreaterThan(3);
    for (const b of blocks('docs/SWEEPS.md', 'sh')) {
      for (const line of b.split('\n').filter((l) => l.startsWith('node bin/hashsim.mjs validate '))) {
        const r = await runCli(line.replace(/#.*$/, '').trim().split(/\s+/).slice(2), ROOT);
        if (r.code !== 0) problems.push(`${line}: ${r.stderr}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it("the README's typical session runs verbatim (fewer runs), and the DuckDB queries of RESULTS.md and SWEEPS.md run", async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = tmp('docs-session');
    for (const d of ['scenarios', 'calibrations', 'data']) symlinkSync(join(ROOT, d), join(dir, d));
    const session = read('README.md').split('Typical session:')[1]!.split('```sh\n')[1]!.split('```')[0]!;
    const lines = session.trim().split('\n');
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) {
      // The command as written, with 2 runs instead of 500 (paths follow: seed-2026-runs-500 -> seed-2026-runs-2).
      const args = line.replace(/--runs 500/g, '--runs 2').replace(/seed-2026-runs-500/g, 'seed-2026-runs-2').trim().split(/\s+/);
      expect(args.slice(0, 2)).toEqual(['node', 'bin/hashsim.mjs']);
      const cmd = args.slice(2);
      if (cmd[0] === 'sweep') {
        // a full sweep is far too long for a test: its file must validate
        const r = await runCli(['validate', cmd[1]!], dir);
        expect(r.code, `${line}: ${r.stderr}`).toBe(0);
        continue;
      }
      if (cmd[0] === 'validate') cmd.splice(1, 1, ...readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`));
      if (cmd[0] === 'run') cmd.push('--workers', '2', '--no-charts', '--quiet');
      if (cmd[0] === 'compare') cmd.push('--no-charts', '--resamples', '100');
      const r = await runCli(cmd, dir);
      expect(r.code, `${line}: ${r.stderr}`).toBe(0);
    }
    // RESULTS.md's queries on the set they name (results/minimal/seed-1-runs-100, here with 3 runs under that name)
    const set = join(dir, 'results', 'minimal', 'seed-1-runs-100');
    const short = join(dir, 'minimal-short.yaml');
    writeFileSync(short, `${read('scenarios/minimal.yaml').replace('$schema: ./scenario.schema.json\n', '')}horizonDays: 60\n`);
    const made = await runCli(['run', short, '--runs', '3', '--seed', '1', '--out', set, '--no-charts', '--quiet', '--workers', '2'], dir);
    expect(made.code, made.stderr).toBe(0);
    // SWEEPS.md's query on a small sweep over price.driftAnnual
    mkdirSync(join(dir, 'sw'));
    writeFileSync(join(dir, 'sw', 'base.yaml'), 'name: b\nhorizonDays: 30\nminers:\n  - { name: m, hashrateEHs: 50, efficiencyJPerTH: 17.5, powerPriceUsdPerMWh: 40 }\nfringe: { hashrateEHs: 900 }\n');
    writeFileSync(join(dir, 'sw', 's.yaml'), 'name: s\nbase: base.yaml\nseed: 1\nreplications: 2\nbaseline: false\ndesign:\n  type: grid\n  parameters:\n    price.driftAnnual: [0, 0.2]\n');
    const sw = await runCli(['sweep', 'sw/s.yaml', '--out', 'sweep-out', '--no-charts', '--quiet', '--workers', '2'], dir);
    expect(sw.code, sw.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const queries = [
      ...blocks('docs/RESULTS.md', 'sql').flatMap((b) => b.replace(/--.*$/gm, '').split(';')),
      ...[...read('docs/RESULTS.md').matchAll(/`(SELECT [^`]+)`/g)].map((m) => m[1]!),
    ]
      .map((q) => q.trim())
      .filter(Boolean)
      .map((q) => q.replace(/'results\//g, `'${join(dir, 'results')}/`).replace(/'<sweep>\//g, `'${join(dir, 'sweep-out')}/`));
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const q of queries) {
      const rows = (await con.runAndReadAll(q)).getRowObjectsJS();
      expect(rows.length, q).toBeGreaterThan(0);
    }
    const sweepSql = [...read('docs/SWEEPS.md').matchAll(/`(SELECT [^`]+)`/g)].map((m) => m[1]!.replace(`'sweep.parquet'`, `'${join(dir, 'sweep-out', 'sweep.parquet')}'`));
    expect(sweepSql.length).toBeGreaterThan(0);
    for (const q of sweepSql) expect((await con.runAndReadAll(q)).getRowObjectsJS().length, q).toBe(2);
  }, 600_000);
});

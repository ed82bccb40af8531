import { existsSync } from 'node:fs';
import { checkResultSetIntegrity } from './integrity.ts';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HashsimError } from '../errors.ts';
import { assembleResultSet, type RunSource } from './assemble.ts';
import { RESULT_FILES } from './layout.ts';
import { MANIFEST_FORMAT, readManifest, type Manifest } from './manifest.ts';
import { resultSetSource } from './read.ts';
import { createPhaseReporter, type ProgressMode } from '../batch/progress.ts';

export interface MergeOptions {
  /** Overwrite an existing result set of another batch in `out`. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  readonly bandsMemoryBytes?: number;
  /** Progress of the assembly (default auto: lines off a terminal, a bar on one). */
  readonly progress?: ProgressMode;
}

function ranges(xs: readonly { start: number; end: number }[]): string {
  return xs.map((r) => (r.end - r.start === 1 ? `${r.start}` : `${r.start}-${r.end - 1}`)).join(', ');
}

/**
 * Joins shard result sets (any split, any order of `dirs`) into one result set. The output is
 * byte-identical to a single-machine batch of the same scenario, seed and runs: shards hold
 * contiguous run ranges, and the set is re-assembled from their runs in run-index order.
 * Missing or duplicate runs are an error that names them.
 */
export async function mergeResultSets(dirs: readonly string[], out: string, options: MergeOptions = {}): Promise<Manifest> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (dirs.length === 0) throw new HashsimError('merge: give at least one shard result set');
  const startedAt = new Date();
  const t0 = performance.now();
  const outAbs = resolve(out);
  const sets: { dir: string; m: Manifest }[] = [];
  for (const d of dirs) {
    const dir = resolve(d);
    if (dir === outAbs) throw new HashsimError(`merge: --out ${out} is also one of the inputs`);
    if (existsSync(join(dir, '.partial')) && !existsSync(join(dir, RESULT_FILES.manifest))) {
      throw new HashsimError(`${dir}: shard is unfinished (rerun it with --resume)`);
    }
    const m = await readManifest(dir);
    // Tampered shards are refused, not laundered into a set with fresh hashes.
    await checkResultSetIntegrity(dir, m);
    sets.push({ dir, m });
  }
  const first = sets[0]!.m;
  for (const { dir, m } of sets) {
    const diff: string[] = [];
    if (m.scenario.sha256 !== first.scenario.sha256) diff.push(`scenario sha256 ${m.scenario.sha256.slice(0, 12)} vs ${first.scenario.sha256.slice(0, 12)}`);
    if (String(m.seed) !== String(first.seed)) diff.push(`seed ${m.seed} vs ${first.seed}`);
    if (m.runs !== first.runs) diff.push(`runs ${m.runs} vs ${first.runs}`);
    if (diff.length) throw new HashsimError(`${dir}: not a shard of the same batch as ${sets[0]!.dir} (${diff.join(', ')})`);
  }
  const provenance = (f: (m: Manifest) => unknown, what: string) => {
    const vals = new Set(sets.map(({ m }) => JSON.stringify(f(m))));
    if (vals.size > 1) log(`merge: warning: shards differ in ${what}; the merged manifest records the first shard's`);
  };
  provenance((m) => m.package, 'package version');
  provenance((m) => m.gitCommit, 'git commit');
  provenance((m) => m.source ?? null, 'sources (sha256 / dirty flag)');
  provenance((m) => m.node, 'Node version');

  sets.sort((a, b) => a.m.runIndexes.start - b.m.runIndexes.start || a.m.runIndexes.end - b.m.runIndexes.end);
  const missing: { start: number; end: number }[] = [];
  const dup: { start: number; end: number }[] = [];
  let at = 0;
  for (const { m } of sets) {
    const { start, end } = m.runIndexes;
    if (start > at) missing.push({ start: at, end: start });
    if (start < at) dup.push({ start, end: Math.min(at, end) });
    at = Math.max(at, end);
  }
  const lead = sets[0]!.m;
  if (at < first.runs) missing.push({ start: at, end: first.runs });
  const problems: string[] = [];
  if (missing.length) problems.push(`missing runs ${ranges(missing)}`);
  if (dup.length) problems.push(`duplicate runs ${ranges(dup)} (held by more than one shard)`);
  if (problems.length) {
    const held = sets.map(({ dir, m }) => `  ${dir}: runs ${m.runIndexes.start}-${m.runIndexes.end - 1}`).join('\n');
    throw new HashsimError(`merge: ${problems.join('; ')} of ${first.runs}\nshards given:\n${held}`);
  }

  await mkdir(outAbs, { recursive: true });
  if (existsSync(join(outAbs, RESULT_FILES.manifest))) {
    const old = await readManifest(outAbs);
    const same = old.scenario.sha256 === first.scenario.sha256 && String(old.seed) === String(first.seed) && old.runs === first.runs;
    if (!same && !options.force) {
      throw new HashsimError(`${outAbs}: holds a result set of a different batch; use --force to overwrite it or choose another --out`);
    }
    await rm(join(outAbs, RESULT_FILES.manifest), { force: true });
  }

  const sources = sets.map(({ dir }) => resultSetSource(dir));
  const source: RunSource = {
    description: `merge of ${sets.length} shard(s)`,
    async *records() {
      for (const s of sources) yield* s.records();
    },
  };
  const phase = createPhaseReporter(options.progress ?? 'auto').start('merging', first.runs, 'runs');
  let merged = 0;
  const m = await assembleResultSet({
    dir: outAbs,
    source,
    bandsMemoryBytes: options.bandsMemoryBytes,
    onProgress: (done, passTotal) => {
      const d = Math.floor((done * first.runs) / Math.max(1, passTotal));
      if (d !== merged) phase.tick((merged = d));
    },
    manifest: {
      format: MANIFEST_FORMAT,
      scenario: lead.scenario,
      seed: lead.seed,
      runs: first.runs,
      shard: null,
      runIndexes: { start: 0, end: first.runs },
      package: lead.package,
      gitCommit: lead.gitCommit,
      ...(lead.source ? { source: lead.source } : {}),
      ...(lead.sweep ? { sweep: lead.sweep } : {}),
      node: lead.node,
      dataFiles: lead.dataFiles,
    },
    timings: () => ({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      wallSeconds: (performance.now() - t0) / 1000,
      runsExecuted: 0,
      runsPerSecond: null,
      workers: null,
      resumedRuns: 0,
      command: 'merge',
    }),
  });
  phase.end();
  return m;
}

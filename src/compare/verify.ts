/**
 * Verification of a result set: every file's content hash against the manifest, then re-runs of
 * a sample of runs from the manifest's resolved scenario, compared value for value (bit for bit:
 * float64 values must be identical, -0 and 0 included) with the stored rows.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scenarioForRun } from '../calibrate/apply.ts';
import type { Scenario } from '../scenario/schema.ts';
import { strategyModulesOf } from '../batch/index.ts';
import { strategyModulesForRun } from '../batch/strategy-modules.ts';
import { requireCodeOptIn } from '../batch/code-trust.ts';
import { importModule } from '../batch/import-module.ts';
import { HashsimError } from '../errors.ts';
import { RandomStream } from '../random/index.ts';
import type { RunResult } from '../engine/types.ts';
import { deterministicHash, fileSha256, readManifest, sha256Hex, type Manifest } from '../results/manifest.ts';
import { readResultSet } from '../results/read.ts';
import { RESULT_FILES } from '../results/layout.ts';
import { checkedRecordFromResult, recordFromError, type RunRecord } from '../results/record.ts';
import { lstat, readFile } from 'node:fs/promises';
import { readParquetInfo } from '../results/parquet.ts';

/** The engine entry verify re-runs with (the batch worker calls the same signature). */
export type SimulateFn = (
  scenario: unknown,
  options: { seed: string | number; runIndex: number; strategies?: Record<string, unknown> },
) => RunResult;

export interface VerifyOptions {
  /** Re-run this many runs (a deterministic sample); default: every run of the set. */
  readonly sample?: number;
  /** Engine to re-run with; default: `simulate` of src/engine/index.ts. */
  readonly simulate?: SimulateFn;
  /** Strategy modules for the re-run, as the batch passed them (name -> loaded module). */
  readonly strategies?: Record<string, unknown>;
  /**
   * Folder that relative data-file and strategy-module paths of the scenario are resolved against
   * (the scenario file's folder; the manifest keeps paths as written). Given: data files are re-read
   * and their hashes checked. Default: data files are not re-read (their content is inlined in the
   * manifest); strategy modules are looked up from the current folder.
   */
  readonly baseDir?: string;
  /**
   * Import the strategy modules the manifest's scenario names (the CLI's --allow-code). Without it a
   * set whose scenario names one is refused before anything is imported: a received result set must
   * not run code. With it, each module must still hash as the manifest recorded.
   */
  readonly allowCode?: boolean;
  /** Called after each re-run (for progress output). */
  readonly onRun?: (done: number, total: number) => void;
}

export interface FileCheck {
  readonly file: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly actual: string | null;
  readonly problem: string | null;
  /** Why a file passed without being read (a data file inlined in the manifest). */
  readonly note?: string;
}

export interface RunCheck {
  readonly runIndex: number;
  readonly ok: boolean;
  /** What differs, e.g. "summary.final_price: stored 1.5e5, re-run 1.6e5" (first few). */
  readonly differences: readonly string[];
}

export interface VerifyReport {
  readonly dir: string;
  readonly ok: boolean;
  readonly manifestOk: boolean;
  readonly manifestProblem: string | null;
  readonly files: readonly FileCheck[];
  readonly runs: readonly RunCheck[];
  /** Runs in the set, and how many were re-run. */
  readonly totalRuns: number;
  readonly checkedRuns: number;
}

/**
 * Deterministic sample of k run indexes out of [start, end): a partial Fisher-Yates shuffle
 * driven by a stream keyed on the set's seed, so repeated verifies check the same runs.
 */
export function sampleRunIndexes(start: number, end: number, k: number | undefined, seed: string | number): number[] {
  const n = end - start;
  if (k === undefined || k >= n) return Array.from({ length: Math.max(0, n) }, (_, i) => start + i);
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`sample must be a non-negative integer, got ${k}`);
  const rng = new RandomStream(`hashsim/verify-sample/${String(seed).length}:${String(seed)}|${start}|${end}`);
  const pool = Array.from({ length: n }, (_, i) => start + i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** null for absent or NaN (the Parquet tables store both as null). */
function stored(v: number | null | undefined): number | null {
  return v === undefined || v === null || Number.isNaN(v) ? null : v;
}

function same(a: number | null, b: number | null): boolean {
  return a === null || b === null ? a === b : Object.is(a, b);
}

const MAX_DIFFS = 8;

const TABLE_FILES = new Set<string>([RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners, RESULT_FILES.agents]);

/** Differences between a stored run and its re-run, as the tables would encode them. */
export function diffRecords(storedRec: RunRecord, rerun: RunRecord): string[] {
  const out: string[] = [];
  const add = (s: string): void => {
    if (out.length < MAX_DIFFS) out.push(s);
    else if (out.length === MAX_DIFFS) out.push('...');
  };
  if (storedRec.status !== rerun.status) add(`status: stored ${storedRec.status}, re-run ${rerun.status}`);
  if (storedRec.status === 'error' || rerun.status === 'error') {
    // The stack names file paths and lines of this machine; the message must match.
    if (storedRec.error !== rerun.error) add(`error: stored ${JSON.stringify(storedRec.error)}, re-run ${JSON.stringify(rerun.error)}`);
    return out;
  }
  const sKeys = new Set([...Object.keys(storedRec.summary), ...Object.keys(rerun.summary)]);
  for (const k of sKeys) {
    const a = stored(storedRec.summary[k]);
    const b = stored(rerun.summary[k]);
    if (!same(a, b)) add(`runs.parquet ${k}: stored ${fmtNum(a)}, re-run ${fmtNum(b)}`);
  }
  if (storedRec.sampleDays.length !== rerun.sampleDays.length) {
    add(`series.parquet: stored ${storedRec.sampleDays.length} steps, re-run ${rerun.sampleDays.length}`);
  } else {
    for (let i = 0; i < rerun.sampleDays.length; i++) {
      if (!same(storedRec.sampleDays[i]!, rerun.sampleDays[i]!)) {
        add(`series.parquet day at step ${i}: stored ${fmtNum(storedRec.sampleDays[i])}, re-run ${fmtNum(rerun.sampleDays[i])}`);
        break;
      }
    }
    const keys = new Set([...Object.keys(storedRec.series), ...Object.keys(rerun.series)]);
    for (const k of keys) {
      const a = storedRec.series[k];
      const b = rerun.series[k];
      for (let i = 0; i < rerun.sampleDays.length; i++) {
        const va = stored(a?.[i]);
        const vb = stored(b?.[i]);
        if (!same(va, vb)) {
          add(`series.parquet ${k} at step ${i}: stored ${fmtNum(va)}, re-run ${fmtNum(vb)}`);
          break;
        }
      }
    }
  }
  if (storedRec.miners.length !== rerun.miners.length) {
    add(`miners.parquet: stored ${storedRec.miners.length} miners, re-run ${rerun.miners.length}`);
  } else {
    storedRec.miners.forEach((m, i) => {
      const r = rerun.miners[i]!;
      if (m.name !== r.name) add(`miners.parquet miner ${i} name: stored ${m.name}, re-run ${r.name}`);
      if (m.status !== r.status) add(`miners.parquet ${m.name} status: stored ${m.status}, re-run ${r.status}`);
      for (const k of new Set([...Object.keys(m.values), ...Object.keys(r.values)])) {
        const a = stored(m.values[k]);
        const b = stored(r.values[k]);
        if (!same(a, b)) add(`miners.parquet ${m.name} ${k}: stored ${fmtNum(a)}, re-run ${fmtNum(b)}`);
      }
    });
  }
  for (const d of diffAgents(storedRec, rerun)) add(d);
  return out;
}

/** agents.parquet differences (sets written before agents.parquet existed have none stored: not compared). */
function diffAgents(storedRec: RunRecord, rerun: RunRecord): string[] {
  const a = storedRec.agents;
  const b = rerun.agents;
  if (!a || !b) return [];
  if (a.names.join('\0') !== b.names.join('\0') || a.samples !== b.samples) return [`agents.parquet: stored ${a.names.length} miners x ${a.samples} steps, re-run ${b.names.length} x ${b.samples}`];
  const out: string[] = [];
  for (let at = 0; at < a.status.length && out.length < 2; at++) {
    if (a.statusNames[a.status[at]!] !== b.statusNames[b.status[at]!]) out.push(`agents.parquet ${a.names[Math.floor(at / a.samples)]} status at step ${at % a.samples}: stored ${a.statusNames[a.status[at]!]}, re-run ${b.statusNames[b.status[at]!]}`);
  }
  for (const k of new Set([...Object.keys(a.values), ...Object.keys(b.values)])) {
    const x = a.values[k];
    const y = b.values[k];
    for (let at = 0; at < a.status.length; at++) {
      const va = stored(x?.[at]);
      const vb = stored(y?.[at]);
      if (!same(va, vb)) {
        out.push(`agents.parquet ${a.names[Math.floor(at / a.samples)]} ${k} at step ${at % a.samples}: stored ${fmtNum(va)}, re-run ${fmtNum(vb)}`);
        break;
      }
    }
  }
  return out;
}

async function defaultSimulate(): Promise<SimulateFn> {
  // The engine of the same tree as this module: TypeScript sources, or the compiled dist/ (.js).
  const url = new URL(`../engine/index${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url);
  const mod = (await import(url.href)) as { simulate?: SimulateFn };
  if (typeof mod.simulate !== 'function') throw new Error('src/engine/index.ts does not export simulate()');
  return mod.simulate;
}

/**
 * The strategy modules the scenario names (name -> path), checked against the manifest's hashes;
 * each re-run imports a fresh instance of them (strategyModulesForRun), as the batch workers do.
 */
async function checkedStrategyPaths(m: Manifest, baseDir: string, allowCode: boolean, dir: string, manifestOk: boolean): Promise<Record<string, string> | undefined> {
  const mods = strategyModulesOf((m.scenario?.resolved ?? {}) as { miners?: unknown[]; populations?: unknown[] }, baseDir);
  const names = Object.keys(mods);
  if (names.length === 0) return undefined;
  requireCodeOptIn(mods, allowCode, `${join(dir, 'manifest.json')} (scenario.resolved)`);
  if (!manifestOk) throw new HashsimError(`${join(dir, 'manifest.json')}: edited (its deterministic hash differs); its strategy modules are not imported`, 1);
  // The module must be the one the batch ran: same bytes as the manifest's dataFiles entry.
  for (const name of names) {
    const path = mods[name]!;
    const entry = (Array.isArray(m.dataFiles) ? m.dataFiles : []).find((d) => d.path === name && d.field.endsWith('strategyModule'));
    if (entry === undefined) throw new HashsimError(`strategy module ${name}: the manifest records no hash for it (dataFiles); not imported`, 1);
    if (existsSync(path) && sha256Hex(await readFile(path)) !== entry.sha256) {
      throw new HashsimError(`strategy module ${name} (${path}): content differs from the hash the manifest records; not imported`, 1);
    }
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = mods[name]!;
    if (!existsSync(path)) {
      throw new HashsimError(`strategy module ${name} not found at ${path}; pass --scenario-dir with the scenario file's folder`);
    }
    out[name] = pathToFileURL(path).href;
  }
  return out;
}

async function checkFiles(dir: string, m: Manifest, baseDir: string | null): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  for (const [file, entry] of Object.entries(m.files).sort(([x], [y]) => x.localeCompare(y))) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      out.push({ file, ok: false, expected: entry.sha256, actual: null, problem: 'missing' });
      continue;
    }
    if (!(await lstat(path)).isFile()) {
      out.push({ file, ok: false, expected: entry.sha256, actual: null, problem: 'not a regular file (a symbolic link or special file)' });
      continue;
    }
    const got = await fileSha256(path);
    const ok = got.sha256 === entry.sha256 && got.bytes === entry.bytes;
    out.push({
      file,
      ok,
      expected: entry.sha256,
      actual: got.sha256,
      problem: ok ? null : got.bytes !== entry.bytes ? `size ${got.bytes} bytes, manifest says ${entry.bytes}` : 'content hash differs',
    });
  }
  // The four tables must be listed: a set whose manifest drops an entry (or has `files: {}`) fails.
  for (const f of [RESULT_FILES.runs, RESULT_FILES.series, RESULT_FILES.miners, RESULT_FILES.bands]) {
    if (!Object.hasOwn(m.files, f)) out.push({ file: f, ok: false, expected: '', actual: null, problem: 'not listed in manifest.files' });
  }
  // Counts: runs.parquet's rows, the run-index range and counts.ok + counts.error must agree.
  const runsCheck = out.find((f) => f.file === RESULT_FILES.runs);
  if (runsCheck?.ok) {
    const rows = (await readParquetInfo(join(dir, RESULT_FILES.runs))).numRows;
    const span = m.runIndexes.end - m.runIndexes.start;
    const counted = m.counts.ok + m.counts.error;
    const ok = rows === span && counted === span && m.failedRuns.length === m.counts.error;
    out.push({ file: 'counts', ok, expected: String(span), actual: String(rows), problem: ok ? null : `runs.parquet has ${rows} runs, runIndexes span ${span}, counts say ${counted} (${m.counts.error} failed, failedRuns lists ${m.failedRuns.length})` });
  }
  // Input data files the scenario read (e.g. a price path CSV), when they can still be found.
  // Their content is inlined in the resolved scenario (hashed with the manifest), which is what the
  // re-runs use: the files are re-read only when asked for with --scenario-dir.
  for (const d of m.dataFiles) {
    const label = `${d.field} (${d.path})`;
    if (baseDir === null) {
      out.push({ file: label, ok: true, expected: d.sha256, actual: null, problem: null, note: 'inlined in manifest.json; not re-read (--scenario-dir DIR re-reads it)' });
      continue;
    }
    const path = isAbsolute(d.path) ? d.path : resolve(baseDir, d.path);
    if (!existsSync(path)) {
      out.push({ file: label, ok: false, expected: d.sha256, actual: null, problem: 'data file not found' });
      continue;
    }
    const got = sha256Hex(await readFile(path));
    out.push({ file: label, ok: got === d.sha256, expected: d.sha256, actual: got, problem: got === d.sha256 ? null : 'content hash differs' });
  }
  return out;
}

/** Verifies a result set: file hashes, then re-runs (all, or a deterministic sample of `sample`). */
export async function verifyResultSet(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const abs = resolve(dir);
  const manifest = await readManifest(abs);
  const detHash = deterministicHash(manifest);
  const manifestOk = detHash === manifest.deterministicSha256;
  const manifestProblem = manifestOk
    ? null
    : `manifest.json: deterministic part hashes to ${detHash}, the manifest records ${manifest.deterministicSha256} (edited?)`;
  const baseDir = resolve(options.baseDir ?? '.');
  const files = await checkFiles(abs, manifest, options.baseDir === undefined ? null : baseDir);
  const { start, end } = manifest.runIndexes;
  const chosen = sampleRunIndexes(start, end, options.sample, manifest.seed);
  const runs: RunCheck[] = [];
  // A damaged Parquet file can abort the decoder outside any catch (a wasm panic in an async
  // task), and its rows could not be trusted anyway: re-runs are compared only with intact tables.
  const damaged = files.filter((f) => !f.ok && TABLE_FILES.has(f.file)).map((f) => f.file);
  if (damaged.length > 0) {
    for (const r of chosen) runs.push({ runIndex: r, ok: false, differences: [`not re-checked: ${damaged.join(', ')} failed the hash check`] });
  } else if (chosen.length > 0) {
    const simulate = options.simulate ?? (await defaultSimulate());
    const paths = options.strategies ? undefined : await checkedStrategyPaths(manifest, baseDir, options.allowCode === true, abs, manifestOk);
    const want = new Set(chosen);
    const seen = new Set<number>();
    let done = 0;
    try {
      const set = await readResultSet(abs, { checkIntegrity: false });
      for await (const rec of set.records()) {
        if (!want.has(rec.runIndex)) continue;
        seen.add(rec.runIndex);
        let rerun: RunRecord;
        try {
          const strategies = options.strategies ?? (paths ? await strategyModulesForRun(paths, rec.runIndex) : undefined);
          const opts = strategies
            ? { seed: manifest.seed, runIndex: rec.runIndex, strategies }
            : { seed: manifest.seed, runIndex: rec.runIndex };
          rerun = checkedRecordFromResult(simulate(scenarioForRun(manifest.scenario.resolved as Scenario, manifest.seed, rec.runIndex), opts));
        } catch (err) {
          rerun = recordFromError(rec.runIndex, err);
        }
        const differences = diffRecords(rec, rerun);
        runs.push({ runIndex: rec.runIndex, ok: differences.length === 0, differences });
        options.onRun?.(++done, chosen.length);
      }
    } catch (err) {
      // Unreadable tables (e.g. a damaged Parquet file): the file check already names the file.
      const message = err instanceof Error ? err.message : String(err);
      for (const r of chosen) {
        if (!seen.has(r)) runs.push({ runIndex: r, ok: false, differences: [`could not read the stored run: ${message}`] });
      }
      seen.clear();
      for (const r of chosen) seen.add(r);
    }
    for (const r of chosen) {
      if (!seen.has(r)) runs.push({ runIndex: r, ok: false, differences: ['run is missing from runs.parquet'] });
    }
    runs.sort((x, y) => x.runIndex - y.runIndex);
  }
  const ok = manifestOk && files.every((f) => f.ok) && runs.every((r) => r.ok);
  return { dir: abs, ok, manifestOk, manifestProblem, files, runs, totalRuns: end - start, checkedRuns: chosen.length };
}

/** Human-readable report lines. */
export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  if (!r.manifestOk) lines.push(`FAIL ${r.manifestProblem}`);
  for (const f of r.files) {
    lines.push(f.ok ? `ok   ${f.file}  ${f.note ?? `sha256 ${f.expected.slice(0, 16)}...`}` : `FAIL ${f.file}: ${f.problem} (manifest sha256 ${f.expected}${f.actual ? `, file ${f.actual}` : ''})`);
  }
  const bad = r.runs.filter((x) => !x.ok);
  const sampleNote = r.checkedRuns === r.totalRuns ? 'all runs' : `a sample of ${r.checkedRuns} of ${r.totalRuns} runs`;
  const skipped = bad.length > 0 && bad.every((x) => x.differences[0]?.startsWith('not re-checked'));
  if (skipped) {
    lines.push(`runs not re-run: ${bad[0]!.differences[0]!.slice('not re-checked: '.length)}`);
  } else {
    lines.push(`re-ran ${sampleNote}: ${r.checkedRuns - bad.length} identical, ${bad.length} differ`);
  }
  for (const x of skipped ? [] : bad) {
    lines.push(`FAIL run ${x.runIndex}:`);
    for (const d of x.differences) lines.push(`       ${d}`);
  }
  lines.push(r.ok ? `verified: ${r.dir} matches its manifest` : `NOT verified: ${r.dir} differs from its manifest (see FAIL lines)`);
  return `${lines.join('\n')}\n`;
}

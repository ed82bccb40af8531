import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atomicWrite } from './atomic.ts';
import { HashsimError } from '../errors.ts';
import { RESULT_FILES } from './layout.ts';

export const MANIFEST_FORMAT = 'hashsim-result-set/1';

/** Slice of a batch held by a result set: run indexes [start, end) of `runs` in total. */
export interface ShardInfo {
  readonly index: number;
  readonly count: number;
  readonly start: number;
  readonly end: number;
}

export interface DataFileEntry {
  readonly field: string;
  readonly path: string;
  readonly sha256: string;
}

export interface FileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

/** The part of manifest.json that is a pure function of (scenario, seed, runs, shard, code). */
export interface ManifestDeterministic {
  readonly format: typeof MANIFEST_FORMAT;
  readonly scenario: { readonly name: string; readonly sha256: string; readonly resolved: unknown };
  readonly seed: string | number;
  /** Runs of the whole batch (all shards together). */
  readonly runs: number;
  /** null for a complete set; the slice for a shard's partial set. */
  readonly shard: ShardInfo | null;
  /** Run indexes held by this set: [start, end). */
  readonly runIndexes: { readonly start: number; readonly end: number };
  readonly package: { readonly name: string; readonly version: string };
  readonly gitCommit: string | null;
  /**
   * The sources that ran: sha256 over src/** and package.json/package-lock.json (path and bytes,
   * sorted), and whether they differ from gitCommit (uncommitted or untracked changes; null without
   * git). Absent in manifests written before it was recorded.
   */
  readonly source?: SourceInfo;
  /** For a sweep's point (or its base scenario): the sweep, the point and its parameter values. */
  readonly sweep?: SweepPointInfo;
  readonly node: string;
  readonly dataFiles: readonly DataFileEntry[];
  readonly counts: { readonly ok: number; readonly error: number };
  readonly failedRuns: readonly { readonly runIndex: number; readonly error: string }[];
  /** Content hashes of runs/series/miners/agents/bands parquet (not of charts, report or csv exports). */
  readonly files: Readonly<Record<string, FileEntry>>;
}

export interface SweepPointInfo {
  readonly name: string;
  /** Design point k (0-based); null for the sweep's base scenario. */
  readonly point: number | null;
  /** Parameter path -> value at this point (empty for the base scenario). */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface SourceInfo {
  readonly sha256: string | null;
  readonly dirty: boolean | null;
}

/** Wall-clock facts: kept out of the deterministic hash. */
export interface ManifestTimings {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly runsExecuted: number;
  readonly runsPerSecond: number | null;
  readonly workers: number | null;
  readonly resumedRuns: number;
  readonly command: 'run' | 'merge' | string;
}

export interface Manifest extends ManifestDeterministic {
  /** sha256 of the canonical JSON of the deterministic part. */
  readonly deterministicSha256: string;
  /** Wall-clock facts, stored beside the manifest in timings.json (null when that file is absent). */
  readonly timings: ManifestTimings | null;
}

/** Wall-clock facts live in their own file so manifest.json is byte-identical across reruns. */
export const TIMINGS_FILE = 'timings.json';

/** JSON with object keys sorted at every level: the input of every content hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash identifying a resolved scenario (canonical JSON, so key order in the file does not matter). */
export function scenarioHash(resolved: unknown): string {
  return sha256Hex(canonicalJson(resolved));
}

export async function fileSha256(path: string): Promise<FileEntry> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

export function deterministicPart(m: Manifest | ManifestDeterministic): ManifestDeterministic {
  const { deterministicSha256: _h, timings: _t, ...rest } = m as Manifest;
  return rest;
}

export function deterministicHash(m: ManifestDeterministic): string {
  return sha256Hex(canonicalJson(deterministicPart(m)));
}

/** Writes manifest.json atomically (temp file, fsync, rename). */
export async function writeManifest(dir: string, det: ManifestDeterministic, timings: ManifestTimings): Promise<Manifest> {
  const stored = { ...deterministicPart(det), deterministicSha256: deterministicHash(det) };
  await atomicWrite(join(dir, TIMINGS_FILE), `${JSON.stringify(timings, null, 2)}\n`);
  await atomicWrite(join(dir, RESULT_FILES.manifest), `${JSON.stringify(stored, null, 2)}\n`);
  return { ...stored, timings };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a parsed manifest's shape (fields readers rely on), or null. File keys must
 * be plain paths inside the set: `../../dev/zero` or `/etc/passwd` would make a reader open them.
 */
export function manifestShapeProblem(m: Record<string, unknown> | Manifest): string | null {
  const o = m as Record<string, unknown>;
  const sc = o['scenario'];
  if (!isRecord(sc) || typeof sc['sha256'] !== 'string' || !isRecord(sc['resolved'])) return 'scenario: expected { name, sha256, resolved }';
  if (typeof o['seed'] !== 'string' && !(typeof o['seed'] === 'number' && Number.isSafeInteger(o['seed']))) return 'seed: expected an integer or a string';
  if (!isInt(o['runs']) || (o['runs'] as number) < 1) return 'runs: expected a positive integer';
  const ri = o['runIndexes'];
  if (!isRecord(ri) || !isInt(ri['start']) || !isInt(ri['end']) || (ri['end'] as number) < (ri['start'] as number) || (ri['end'] as number) > (o['runs'] as number)) {
    return 'runIndexes: expected { start, end } with 0 <= start <= end <= runs';
  }
  const c = o['counts'];
  if (!isRecord(c) || !isInt(c['ok']) || !isInt(c['error'])) return 'counts: expected { ok, error } (non-negative integers)';
  const files = o['files'];
  if (!isRecord(files)) return 'files: expected a mapping of file -> { sha256, bytes }';
  for (const [k, e] of Object.entries(files)) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/.test(k) || k.split('/').includes('..')) {
      return `files: ${JSON.stringify(k.slice(0, 80))}: expected a plain path inside the result set`;
    }
    if (!isRecord(e) || typeof e['sha256'] !== 'string' || !isInt(e['bytes'])) return `files[${JSON.stringify(k)}]: expected { sha256, bytes }`;
  }
  if (!Array.isArray(o['dataFiles'])) return 'dataFiles: expected a list';
  for (const [i, d] of (o['dataFiles'] as unknown[]).entries()) {
    if (!isRecord(d) || typeof d['path'] !== 'string' || typeof d['sha256'] !== 'string' || typeof d['field'] !== 'string') return `dataFiles[${i}]: expected { field, path, sha256 }`;
  }
  if (!Array.isArray(o['failedRuns'])) return 'failedRuns: expected a list';
  if (typeof o['deterministicSha256'] !== 'string') return 'deterministicSha256: expected a string';
  return null;
}

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, RESULT_FILES.manifest);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new HashsimError(`${path}: not found (not a hashsim result set?)`);
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new HashsimError(`${path}: invalid JSON (${(err as Error).message})`);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new HashsimError(`${path}: expected a JSON object`, 1);
  if (m.format !== MANIFEST_FORMAT) {
    throw new HashsimError(`${path}: format is ${JSON.stringify(m.format)}, expected ${JSON.stringify(MANIFEST_FORMAT)}`);
  }
  const shape = manifestShapeProblem(m);
  if (shape !== null) throw new HashsimError(`${path}: ${shape}`, 1);
  let timings: ManifestTimings | null = null;
  try {
    timings = JSON.parse(await readFile(join(dir, TIMINGS_FILE), 'utf8')) as ManifestTimings;
  } catch {
    timings = null;
  }
  return { ...m, timings };
}

export { atomicWrite } from './atomic.ts';

// ---- provenance ----

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

/** The checked-out commit of the package's own repository, read from .git without spawning git. */
export function gitCommit(root = PACKAGE_ROOT): string | null {
  try {
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return null;
    if (statSync(gitDir).isFile()) {
      // worktree / submodule: ".git" is a file "gitdir: <path>"
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return null;
      gitDir = join(root, m[1]!.trim());
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return null;
    const commonDir = existsSync(join(gitDir, 'commondir'))
      ? join(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const d of [gitDir, commonDir]) {
      const p = join(d, ref);
      if (existsSync(p)) return readFileSync(p, 'utf8').trim();
    }
    const packed = join(commonDir, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.split(' ');
        if (name === ref && sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
      }
    }
    return null;
  } catch {
    return null;
  }
}

/** Files whose bytes define the code that ran, relative to the package root. */
function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('src');
  for (const f of ['package.json', 'package-lock.json']) if (existsSync(join(root, f))) out.push(f);
  return out.sort();
}

const sourceInfoCache = new Map<string, SourceInfo>();

/**
 * Provenance of the code: a content hash of the sources (so a result made from edited, uncommitted
 * sources is told apart from one of the clean commit) and git's dirty flag for those paths.
 */
export function sourceInfo(root = PACKAGE_ROOT): SourceInfo {
  const cached = sourceInfoCache.get(root);
  if (cached) return cached;
  let sha256: string | null = null;
  try {
    const h = createHash('sha256');
    for (const rel of sourceFiles(root)) {
      const bytes = readFileSync(join(root, rel));
      h.update(`${rel}\0${bytes.length}\0`);
      h.update(bytes);
    }
    sha256 = h.digest('hex');
  } catch {
    sha256 = null;
  }
  let dirty: boolean | null = null;
  if (existsSync(join(root, '.git'))) {
    const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'src', 'package.json', 'package-lock.json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status === 0 && typeof r.stdout === 'string') dirty = r.stdout.trim() !== '';
  }
  const info = { sha256, dirty };
  sourceInfoCache.set(root, info);
  return info;
}

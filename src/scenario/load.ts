import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { closeSync, constants as fsc, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { HashsimError } from '../errors.ts';
import { CSV_DELIMITERS, CsvFormatError, parsePriceCsv, parseReturnsCsv, type CsvDelimiter } from '../market/csv.ts';
import { daysBetween, parseDailyPriceCsv, sliceDays } from '../market/daily.ts';
import { formatPath, issuesToProblems, ScenarioError, withUnitHint, type Problem } from './errors.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { getAtPath } from '../sweep/path.ts';
import { semanticProblems, type SemanticOptions } from './semantic.ts';
import { suggestKey } from './suggest.ts';

/** Keys that could reach an object's prototype in careless code: rejected everywhere in a scenario. */

/** hashsim's own folder (the package root): files it ships may be named from anywhere. */
const HASHSIM_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** YAML alias expansions allowed per document (a "billion laughs" document needs thousands). */
export const MAX_ALIAS_COUNT = 100;
/** Largest scenario file read (data files it names may be larger). */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;
const MAX_DATA_BYTES = 256 * 1024 * 1024;
/** Deepest nesting of lists and mappings accepted in a scenario (real ones need fewer than 10). */
export const MAX_DEPTH = 64;
/** File name endings a strategy module may have. */
export const MODULE_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

let allowOutsideFiles = process.env['HASHSIM_ALLOW_OUTSIDE_FILES'] === '1';
/**
 * Whether files a scenario names may lie outside the scenario's folder and the working folder
 * (the CLI's --allow-outside-files; HASHSIM_ALLOW_OUTSIDE_FILES=1). Off by default: a scenario
 * received from someone else cannot make hashsim read /etc or /proc.
 */
export function setAllowOutsideFiles(allow: boolean): void {
  allowOutsideFiles = allow;
}

const within = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
};

/** Too deep to be a scenario: message for the whole document. */
const depthProblem = (path: (string | number)[]): Problem => ({
  path: formatPath(path.slice(0, 8)) + (path.length > 8 ? '...' : ''),
  message: `nested more than ${MAX_DEPTH} levels deep (lists and mappings); expected a scenario's shape`,
});

/** A data file the loader read: its field, path as written and as resolved, and content hash. */
export interface DataFile {
  /** Field path in the scenario, e.g. `price.returnsFile`. */
  readonly field: string;
  /** The path as written in the scenario. */
  readonly path: string;
  /** Absolute path it resolved to. */
  readonly resolvedPath: string;
  /** sha256 (hex) of the file's bytes. */
  readonly sha256: string;
}

export interface LoadedScenario {
  /** The validated scenario, defaults applied, file data inlined: self-contained. */
  readonly scenario: Scenario;
  /** The scenario file's text. */
  readonly source: string;
  /** Absolute folder of the scenario file: paths inside it are relative to this. */
  readonly baseDir: string;
  /** Absolute path of the scenario file. */
  readonly path: string;
  /** Every data or module file the scenario names, with its content hash (for the manifest). */
  readonly dataFiles: readonly DataFile[];
}

export interface ParseOptions {
  /** Refuse a scenario without any hashrate (see semantic.ts); the CLI sets it. */
  readonly requireHashrate?: boolean;
  /**
   * Folder that relative paths in the scenario are resolved against. Without it no file is read:
   * data must already be inlined (`returns`, `pricesUsd`) and module paths are not checked.
   */
  readonly baseDir?: string;
}

/** Resolves a path written in a scenario against the scenario's folder. */
export function resolveScenarioPath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

// ---------------------------------------------------------------------------------------------
// Text -> plain data

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Checks that a value is plain data (null, booleans, numbers, strings, lists, mappings) without
 * forbidden keys; returns every problem with its path. Run on anything before it reaches the schema.
 */
export function checkPlainData(value: unknown): Problem[] {
  const problems: Problem[] = [];
  let deep = false;
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return;
    if (path.length > MAX_DEPTH) {
      // Also ends a cycle (an object reaching itself, e.g. from a self-referencing YAML alias).
      if (!deep) problems.push(depthProblem(path));
      deep = true;
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    if (typeof v === 'object' && isPlainObject(v)) {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push({ path: formatPath([...path, key]), message: `the key "${key}" is not allowed (it could alter object prototypes)` });
          continue;
        }
        const child = (v as Record<string, unknown>)[key];
        // An undefined member (only possible from code, e.g. a sweep) means "absent", as in JSON.
        if (child !== undefined) walk(child, [...path, key]);
      }
      return;
    }
    const got = v === undefined ? 'nothing' : typeof v === 'object' ? 'an object of a class' : `a ${typeof v}`;
    problems.push({ path: formatPath(path), message: `expected plain data (text, number, true/false, list or mapping), got ${got}` });
  };
  walk(value, []);
  return problems;
}

/** Problems in a YAML syntax tree: explicit tags anywhere, forbidden keys. */
function checkYamlTree(root: unknown): Problem[] {
  const problems: Problem[] = [];
  const tagProblem = (node: { tag?: string | null }, path: (string | number)[]) => {
    if (node.tag) problems.push({ path: formatPath(path), message: `YAML tags are not allowed (scenario files are plain data): ${node.tag}` });
  };
  let deep = false;
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (node === null || node === undefined || isAlias(node)) return;
    if (path.length > MAX_DEPTH) {
      if (!deep) problems.push(depthProblem(path));
      deep = true;
      return;
    }
    if (isMap(node)) {
      tagProblem(node, path);
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        if (isScalar(pair.key)) tagProblem(pair.key, [...path, key]);
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push({ path: formatPath([...path, key]), message: `the key "${key}" is not allowed (it could alter object prototypes)` });
          continue;
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      tagProblem(node, path);
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node)) {
      tagProblem(node, path);
    }
  };
  walk(root, []);
  return problems;
}

function yamlPos(e: { linePos?: [{ line: number; col: number }, ...unknown[]] | undefined }): string {
  const p = e.linePos?.[0];
  return p ? `line ${p.line}, column ${p.col}: ` : '';
}

/**
 * Parses scenario text as plain data: JSON for `.json` files, else YAML 1.2 (core schema, no tags,
 * no merge keys, unique keys, limited aliases). Throws ScenarioError/HashsimError naming `file`.
 */
export function parseScenarioText(text: string, file = 'scenario'): unknown {
  try {
    return parseText(text, file);
  } catch (err) {
    // A parser's recursion on absurd nesting (thousands of levels) overflows the stack.
    if (err instanceof RangeError) throw new HashsimError(`${file}: nested too deeply to parse (at most ${MAX_DEPTH} levels of lists and mappings)`, 1);
    throw err;
  }
}

function parseText(text: string, file: string): unknown {
  let value: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new HashsimError(`${file}: not valid JSON: ${(err as Error).message}`, 1);
    }
  } else {
    const doc = parseDocument(text, {
      version: '1.2',
      schema: 'core',
      customTags: [],
      merge: false,
      uniqueKeys: true,
      stringKeys: true,
      prettyErrors: true,
    });
    const syntax = [...doc.errors, ...doc.warnings].filter((e) => e.code !== 'TAG_RESOLVE_FAILED');
    if (syntax.length > 0) {
      throw new HashsimError(syntax.map((e) => `${file}: ${yamlPos(e)}${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`).join('\n'), 1);
    }
    const treeProblems = checkYamlTree(doc.contents as YamlNode | null);
    if (treeProblems.length > 0) throw new ScenarioError(treeProblems, file);
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new HashsimError(`${file}: ${(err as Error).message} (more than ${MAX_ALIAS_COUNT} alias expansions)`, 1);
    }
  }
  const problems = checkPlainData(value);
  if (problems.length > 0) throw new ScenarioError(problems, file);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Files named inside a scenario

function readNamedFile(
  baseDir: string,
  field: string,
  p: string,
  problems: Problem[],
  files: DataFile[],
  kind: 'data' | 'module' = 'data',
): Buffer | null {
  const abs = resolveScenarioPath(baseDir, p);
  if (kind === 'module' && !MODULE_EXTENSIONS.includes(extname(abs).toLowerCase())) {
    problems.push({ path: field, message: `expected a JavaScript or TypeScript module (${MODULE_EXTENSIONS.join(', ')}), got ${JSON.stringify(p)}` });
    return null;
  }
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    problems.push({ path: field, message: `file not found: ${abs} (paths are relative to the scenario file's folder)` });
    return null;
  }
  if (!allowOutsideFiles) {
    // The files hashsim ships (its scenarios' calibration sets and data) are trusted wherever it runs from.
    const roots = [baseDir, process.cwd(), HASHSIM_ROOT].filter((r) => resolve(r) !== resolve('/')).map((r) => {
      try {
        return realpathSync(r);
      } catch {
        return resolve(r);
      }
    });
    if (!roots.some((r) => within(r, real))) {
      problems.push({
        path: field,
        message:
          `${JSON.stringify(p)} is outside the scenario's folder and the working folder (it resolves to ${real}); ` +
          'expected a file under one of them (pass --allow-outside-files to read it anyway)',
      });
      return null;
    }
  }
  let fd: number;
  try {
    if (!statSync(real).isFile()) {
      problems.push({ path: field, message: `expected a regular file, but ${abs} is a folder, device, pipe or other special file` });
      return null;
    }
    // Non-blocking: a pipe swapped in after the check cannot hang the open.
    fd = openSync(real, fsc.O_RDONLY | (fsc.O_NONBLOCK ?? 0));
  } catch (err) {
    problems.push({ path: field, message: `cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      problems.push({ path: field, message: `expected a regular file, but ${abs} is a folder, device, pipe or other special file` });
      return null;
    }
    // Read at most MAX_DATA_BYTES + 1 whatever the size says (/proc files report 0 bytes).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, MAX_DATA_BYTES + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > MAX_DATA_BYTES) {
        problems.push({ path: field, message: `file too large (more than ${MAX_DATA_BYTES} bytes): ${abs}` });
        return null;
      }
    }
    const bytes = Buffer.concat(chunks, total);
    files.push({ field, path: p, resolvedPath: abs, sha256: createHash('sha256').update(bytes).digest('hex') });
    return bytes;
  } catch (err) {
    problems.push({ path: field, message: `cannot read ${abs}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    return null;
  } finally {
    closeSync(fd);
  }
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Reads the data files a scenario names and inlines their numbers (a copy; `obj` is not changed):
 * `price.returnsFile` -> `price.returns`, `price.file` -> `price.pricesUsd` (skipped when the data
 * is already inline), and checks that strategy modules exist. Problems are collected, not thrown.
 */
function inlineFiles(obj: unknown, baseDir: string, problems: Problem[], files: DataFile[]): unknown {
  const root = asRecord(obj);
  if (root === null) return obj;
  const out: Record<string, unknown> = { ...root };
  const price = asRecord(root['price']);
  const column = typeof price?.['column'] === 'string' ? (price['column'] as string) : undefined;
  const delimiter = (CSV_DELIMITERS as readonly unknown[]).includes(price?.['delimiter']) ? (price!['delimiter'] as CsvDelimiter) : undefined;
  if (price && price['model'] === 'bootstrap' && typeof price['returnsFile'] === 'string' && price['returns'] === undefined) {
    const bytes = readNamedFile(baseDir, 'price.returnsFile', price['returnsFile'], problems, files);
    if (bytes) {
      try {
        out['price'] = { ...price, returns: parseReturnsCsv(bytes.toString('utf8'), column, delimiter) };
      } catch (err) {
        if (!(err instanceof CsvFormatError)) throw err;
        problems.push({ path: err.field !== undefined ? `price.${err.field}` : 'price.returnsFile', message: `${price['returnsFile']}: ${err.message}` });
      }
    }
  }
  if (price && price['model'] === 'path' && typeof price['file'] === 'string' && price['pricesUsd'] === undefined) {
    const bytes = readNamedFile(baseDir, 'price.file', price['file'], problems, files);
    if (bytes) {
      try {
        out['price'] = { ...price, pricesUsd: pathPrices(bytes.toString('utf8'), column, price['dated'] === true, root, delimiter) };
      } catch (err) {
        if (!(err instanceof CsvFormatError)) throw err;
        problems.push({ path: err.field !== undefined ? `price.${err.field}` : 'price.file', message: `${price['file']}: ${err.message}` });
      }
    }
  }
  const cal = asRecord(root['calibration']);
  if (cal && typeof cal['set'] === 'string' && cal['draws'] === undefined) {
    const bytes = readNamedFile(baseDir, 'calibration.set', join(cal['set'], CALIBRATION_DRAWS_FILE), problems, files);
    if (bytes) {
      const d = parseCalibrationDraws(bytes.toString('utf8'));
      if (typeof d === 'string') problems.push({ path: 'calibration.set', message: `${cal['set']}: ${d}` });
      else out['calibration'] = { ...cal, sha256: createHash('sha256').update(bytes).digest('hex'), ...d };
    }
  }
  for (const list of ['miners', 'populations'] as const) {
    const items = root[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      const m = asRecord(item);
      const mod = m?.['strategyModule'];
      if (typeof mod === 'string') readNamedFile(baseDir, formatPath([list, i, 'strategyModule']), mod, problems, files, 'module');
    });
  }
  return out;
}

/** File of a calibration set that holds its posterior draws for scenarios (posterior.parquet has the same). */
export const CALIBRATION_DRAWS_FILE = 'draws.json';

/** The draws of a calibration set's draws.json, or a message saying what is wrong. */
export function parseCalibrationDraws(text: string): { parameters: string[]; draws: number[][]; weights: number[] } | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return `${CALIBRATION_DRAWS_FILE} is not JSON`;
  }
  const o = asRecord(v);
  const parameters = o?.['parameters'];
  const draws = o?.['draws'];
  const weights = o?.['weights'];
  if (!Array.isArray(parameters) || parameters.length === 0 || !parameters.every((x) => typeof x === 'string')) return 'expected `parameters`: a list of parameter paths';
  if (!Array.isArray(draws) || draws.length === 0) return 'expected `draws`: a non-empty list of draws';
  for (const [k, row] of draws.entries()) {
    if (!Array.isArray(row) || row.length !== parameters.length || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return `draws[${k}]: expected ${parameters.length} finite numbers`;
    }
  }
  if (!Array.isArray(weights) || weights.length !== draws.length || !weights.every((x) => typeof x === 'number' && x >= 0 && Number.isFinite(x)) || !(weights.reduce((a: number, b: number) => a + b, 0) > 0)) {
    return `expected \`weights\`: ${draws.length} non-negative numbers, not all 0`;
  }
  return { parameters: parameters as string[], draws: draws as number[][], weights: weights as number[] };
}

/**
 * A path's prices: the whole file, or for a dated series the days from the scenario's start date
 * to the end of the horizon (or of the file, whichever comes first; `onShort` then decides).
 */
function pathPrices(text: string, column: string | undefined, dated: boolean, root: Record<string, unknown>, delimiter?: CsvDelimiter): number[] {
  if (!dated) return parsePriceCsv(text, column, delimiter);
  if (delimiter !== undefined && delimiter !== ',') throw new CsvFormatError('a dated price path is comma-separated (price.delimiter must be ",")');
  const series = parseDailyPriceCsv(text, column);
  const start = asRecord(root['start'])?.['date'];
  if (typeof start !== 'string') throw new CsvFormatError('a dated price path needs start.date');
  const horizon = typeof root['horizonDays'] === 'number' ? root['horizonDays'] : 0;
  const available = series.pricesUsd.length - daysBetween(series.firstDate, start);
  return sliceDays(series, start, Math.max(1, Math.min(horizon + 1, available)));
}

// ---------------------------------------------------------------------------------------------
// Public entry points

/**
 * Validates plain data against the scenario schema (no I/O): returns the scenario with defaults, or
 * throws ScenarioError listing every problem with its field path.
 */
export function validateScenario(obj: unknown, extraProblems: readonly Problem[] = [], source?: string, options: SemanticOptions = {}): Scenario {
  const unsafe = checkPlainData(obj);
  // Unsafe data never reaches the schema: its problems are reported on their own.
  if (unsafe.length > 0) throw new ScenarioError([...unsafe, ...extraProblems], source);
  const r = ScenarioSchema.safeParse(obj, { reportInput: true });
  const problems = [...extraProblems, ...(r.success ? semanticProblems(r.data, options).map(withUnitHint) : issuesToProblems(r.error.issues, [], suggestKey))];
  if (r.success && problems.length === 0) return r.data;
  throw new ScenarioError(dedupe(problems), source);
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Validates a scenario object, reading and inlining the files it names relative to `baseDir`. */
export function parseScenarioWithFiles(
  obj: unknown,
  options: ParseOptions & { source?: string } = {},
): { scenario: Scenario; dataFiles: DataFile[] } {
  const problems: Problem[] = [];
  const dataFiles: DataFile[] = [];
  const plain = checkPlainData(obj);
  if (plain.length > 0) throw new ScenarioError(plain, options.source);
  const inlined = options.baseDir === undefined ? obj : inlineFiles(obj, options.baseDir, problems, dataFiles);
  const scenario = validateScenario(inlined, problems, options.source, { requireHashrate: options.requireHashrate === true });
  // Every parameter a calibration set draws must exist in this scenario and be a number.
  for (const path of scenario.calibration?.parameters ?? []) {
    let v: unknown;
    try {
      v = getAtPath(scenario, path);
    } catch (err) {
      throw new ScenarioError([{ path: 'calibration.set', message: (err as Error).message }], options.source);
    }
    if (typeof v !== 'number') throw new ScenarioError([{ path: 'calibration.set', message: `parameter "${path}" is not a number in this scenario` }], options.source);
  }
  return { scenario, dataFiles };
}

/** Validates a scenario object (e.g. a sweep point); files it names resolve against `baseDir`. */
export function parseScenario(obj: unknown, options: ParseOptions = {}): Scenario {
  return parseScenarioWithFiles(obj, options).scenario;
}

/** Reads, parses and validates a scenario file (YAML or JSON), inlining the data files it names. */
export function loadScenarioFile(path: string, options: { requireHashrate?: boolean } = {}): LoadedScenario {
  const abs = resolve(path);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new HashsimError(`${path}: expected a scenario file (YAML or JSON), but it is a folder or other non-file`, 1);
    size = st.size;
  } catch (err) {
    if (err instanceof HashsimError) throw err;
    throw new HashsimError(`${path}: scenario file not found`, 1);
  }
  if (size > MAX_SCENARIO_BYTES) throw new HashsimError(`${path}: scenario file too large (${size} bytes, at most ${MAX_SCENARIO_BYTES})`, 1);
  const source = readFileSync(abs, 'utf8');
  const obj = parseScenarioText(source, path);
  const baseDir = dirname(abs);
  const { scenario, dataFiles } = parseScenarioWithFiles(obj, { baseDir, source: path, requireHashrate: options.requireHashrate === true });
  return { scenario, source, baseDir, path: abs, dataFiles };
}

/**
 * Notes on fields that are valid but do not do what a reader may expect (printed by validate and
 * run, never an error): `output.metrics` does not restrict what is written (docs/RESULTS.md).
 */
export function scenarioNotes(scenario: { readonly output?: { readonly metrics?: readonly string[] } }): string[] {
  const notes: string[] = [];
  if (scenario.output?.metrics !== undefined) {
    notes.push('note: output.metrics does not restrict what is written: every series metric is recorded (bands, charts and compare need them all; docs/RESULTS.md)');
  }
  return notes;
}

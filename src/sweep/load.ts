import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { z } from 'zod';
import { HashsimError } from '../errors.ts';
import { parseScenarioText } from '../scenario/load.ts';
import { SweepSchema, type SweepSpec } from './schema.ts';

/** A validated sweep file with the paths it refers to made absolute. */
export interface LoadedSweep {
  readonly spec: SweepSpec;
  /** Name: `name` from the file, else the file's base name. */
  readonly name: string;
  /** Absolute path of the sweep file. */
  readonly file: string;
  /** Absolute path of the base scenario file (resolved against the sweep file's folder). */
  readonly baseFile: string;
}

function issuePath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s.length === 0 ? String(p) : `.${String(p)}`;
  }
  return s || '(top level)';
}

/** One line per problem: `<file>: <field.path>: <what was expected>`. */
export function formatSweepIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      let msg = i.message;
      if (i.code === 'unrecognized_keys') msg = `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${file}: ${issuePath(i.path)}: ${msg}`;
    })
    .join('\n');
}

/**
 * Reads a YAML or JSON document as plain data, with the scenario loader's safety rules (no YAML
 * tags, no `__proto__`/`constructor` keys, limited aliases); a syntax error names the file and line.
 */
export function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HashsimError(`${file}: sweep file not found`);
    if (code === 'EISDIR') throw new HashsimError(`${file}: expected a sweep file (YAML or JSON), but it is a folder`);
    throw new HashsimError(`cannot read ${file}: ${code ?? String(err)}`);
  }
  return parseScenarioText(text, file);
}

/** Validates a sweep object (as parsed from a file in `baseDir`). */
export function parseSweep(obj: unknown, options: { file: string; baseDir: string }): LoadedSweep {
  const r = SweepSchema.safeParse(obj);
  if (!r.success) throw new HashsimError(formatSweepIssues(options.file, r.error.issues));
  const spec = r.data;
  const stem = basename(options.file, extname(options.file));
  return {
    spec,
    name: spec.name ?? stem,
    file: resolve(options.file),
    baseFile: resolve(options.baseDir, spec.base),
  };
}

/** Reads and validates a sweep file (YAML or JSON). */
export function loadSweepFile(file: string): LoadedSweep {
  const abs = resolve(file);
  return parseSweep(readDocument(abs), { file, baseDir: dirname(abs) });
}

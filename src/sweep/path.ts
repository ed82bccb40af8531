import { HashsimError } from '../errors.ts';
import { renamedMessage } from '../scenario/errors.ts';

/** One step of a parameter path: an object key or an array index. */
export type PathSegment = { readonly key: string } | { readonly index: number };

const KEY = /^[A-Za-z_$][A-Za-z0-9_$]*/;

/**
 * Parses `price.driftAnnual`, `miners[0].aiPivot.revenueUsdPerMWYear`, `populations[1].count`.
 * Keys are identifiers; `[n]` indexes an array. Throws an Error describing the first bad character.
 */
export function parseParameterPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  if (path.length === 0) throw new Error('empty parameter path');
  while (i < path.length) {
    if (path[i] === '[') {
      if (out.length === 0) throw new Error(`"${path}" must start with a field name (the scenario is an object)`);
      const m = /^\[(0|[1-9][0-9]*)\]/.exec(path.slice(i));
      if (!m) throw new Error(`bad index at position ${i} of "${path}" (expected [n] with n a non-negative integer)`);
      out.push({ index: Number(m[1]) });
      i += m[0].length;
    } else {
      if (out.length > 0) {
        if (path[i] !== '.') throw new Error(`expected "." or "[" at position ${i} of "${path}"`);
        i++;
      }
      const m = KEY.exec(path.slice(i));
      if (!m) throw new Error(`expected a field name at position ${i} of "${path}"`);
      out.push({ key: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

/** Writes a path back in canonical form (`a.b[0].c`). */
export function formatParameterPath(segments: readonly PathSegment[]): string {
  let s = '';
  for (const seg of segments) {
    if ('index' in seg) s += `[${seg.index}]`;
    else s += s.length === 0 ? seg.key : `.${seg.key}`;
  }
  return s;
}

type Json = unknown;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The value at `path` in `root`, or a HashsimError naming the first part of the path that does not
 * exist (and what is there instead).
 */
export function getAtPath(root: Json, path: string): unknown {
  const segs = parseParameterPath(path);
  let cur: unknown = root;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    const here = formatParameterPath(segs.slice(0, k + 1));
    const parent = k === 0 ? 'the scenario' : formatParameterPath(segs.slice(0, k));
    if ('index' in seg) {
      if (!Array.isArray(cur)) {
        throw new HashsimError(`parameter "${path}": ${parent} is ${describe(cur)}, not a list, so ${here} does not exist`);
      }
      if (seg.index >= cur.length) {
        throw new HashsimError(
          `parameter "${path}": ${here} does not exist in the base scenario (${parent} has ${cur.length} entr${cur.length === 1 ? 'y' : 'ies'})`,
        );
      }
      cur = cur[seg.index];
    } else {
      if (!isRecord(cur)) {
        throw new HashsimError(`parameter "${path}": ${parent} is ${describe(cur)}, so ${here} does not exist`);
      }
      if (!Object.prototype.hasOwnProperty.call(cur, seg.key) || cur[seg.key] === undefined) {
        const renamed = renamedMessage(seg.key);
        if (renamed !== undefined) throw new HashsimError(`parameter "${path}": ${seg.key} was ${renamed}`);
        const keys = Object.keys(cur).filter((x) => cur !== null && (cur as Record<string, unknown>)[x] !== undefined);
        throw new HashsimError(
          `parameter "${path}": ${here} does not exist in the base scenario (${parent} has: ${keys.join(', ') || 'no fields'})`,
        );
      }
      cur = cur[seg.key];
    }
  }
  return cur;
}

/**
 * Sets `path` to `value` in `raw` (a scenario as written, mutated in place), after checking that the
 * path exists in `resolved` (the same scenario after defaults). Where `raw` leaves out a part that a
 * default filled in, that part is copied from `resolved` first, so the written file stays complete.
 */
export function setAtPath(raw: Record<string, unknown>, resolved: unknown, path: string, value: unknown): void {
  getAtPath(resolved, path);
  const segs = parseParameterPath(path);
  let cur: unknown = raw;
  let res: unknown = resolved;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    const last = k === segs.length - 1;
    const resChild = 'index' in seg ? (res as unknown[])[seg.index] : (res as Record<string, unknown>)[seg.key];
    const container = cur as Record<string | number, unknown>;
    const slot = 'index' in seg ? seg.index : seg.key;
    if (last) {
      container[slot] = structuredClone(value);
      return;
    }
    const rawChild = container[slot];
    const fits = Array.isArray(resChild) ? Array.isArray(rawChild) : isRecord(rawChild);
    if (!fits || ('index' in segs[k + 1]! && (rawChild as unknown[]).length <= (segs[k + 1] as { index: number }).index)) {
      container[slot] = structuredClone(resChild);
    }
    cur = container[slot];
    res = resChild;
  }
}

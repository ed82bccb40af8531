import { MINER_OUTCOME_FIELDS, SUMMARY_METRICS } from '../engine/metrics.ts';
import { SWEEP_STATS } from './stats.ts';

// Outcome-of-interest expressions for scenario discovery (PRIM, CART), e.g.
//   final_hashrate_ehs < 800
//   min_attack_cost_usd_per_hour < 2e6 and mw_pivoted > 500
//   miner("MARA").liquidations > 0
//   first_liquidation_day != null
//   final_hashrate_ehs_mean < 800          (per point: a column of sweep.parquet)
// Grammar (lowest precedence first): or; and; not; comparison (< <= > >= == !=); + -; * /; unary -;
// atoms: numbers (1.2e6, 1_000_000), null, metric names, miner("NAME").field, parentheses.
// A metric name is a run's summary metric (runs.parquet: the expression is evaluated per run) or
// `<metric>_<stat>` with stat in n, mean, sd, p5, p50, p95 (sweep.parquet: evaluated per design
// point); one expression cannot mix the two. Null (an event that never happened, a failed run)
// makes arithmetic null and every comparison false, except `x == null` and `x != null`.

export const SUMMARY_METRIC_NAMES: readonly string[] = SUMMARY_METRICS.map((m) => m.name);
export const MINER_FIELD_NAMES: readonly string[] = MINER_OUTCOME_FIELDS.map((m) => m.name);

export type OutcomeRef =
  | { readonly kind: 'run'; readonly metric: string }
  | { readonly kind: 'point'; readonly metric: string; readonly stat: string; readonly column: string }
  | { readonly kind: 'miner'; readonly miner: string; readonly field: string };

type Num = { t: 'num'; v: number } | { t: 'null' } | { t: 'ref'; ref: OutcomeRef } | { t: 'neg'; a: Num } | { t: 'arith'; op: '+' | '-' | '*' | '/'; a: Num; b: Num };
type Bool = { t: 'cmp'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; a: Num; b: Num } | { t: 'and'; a: Bool; b: Bool } | { t: 'or'; a: Bool; b: Bool } | { t: 'not'; a: Bool };
type Node = Num | Bool;

/** A parsed outcome expression. */
export interface Outcome {
  readonly text: string;
  /** "run": evaluated per run (runs.parquet, miners.parquet); "point": per design point (sweep.parquet). */
  readonly scope: 'run' | 'point';
  readonly refs: readonly OutcomeRef[];
  /** Named miners the expression reads (miner("NAME").field). */
  readonly miners: readonly string[];
  /** True/false for one row, given the value of each reference (null = missing). */
  evaluate(value: (ref: OutcomeRef) => number | null): boolean;
}

/** A syntax or name error, with the 0-based character position it refers to. */
export class OutcomeError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'OutcomeError';
  }
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length]!;
}

/** Up to three known names closest to `name` (edit distance), for "did you mean" hints. */
export function closestNames(name: string, known: readonly string[]): string[] {
  return known
    .map((k) => ({ k, d: levenshtein(name, k) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map((x) => x.k);
}

/** The explanation for a name that is not a metric. */
export function unknownMetricMessage(name: string): string {
  const all = [...SUMMARY_METRIC_NAMES, ...SUMMARY_METRIC_NAMES.flatMap((m) => SWEEP_STATS.map((s) => `${m}_${s}`))];
  const near = closestNames(name, all);
  return (
    `unknown metric "${name}"` +
    (near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : '') +
    `; a run's summary metrics are listed in docs/RESULTS.md (runs.parquet), per-point statistics are <metric>_${SWEEP_STATS.join('|')}, a named miner's outcome is miner("NAME").field`
  );
}

type Tok = { k: 'num'; v: number; p: number } | { k: 'id'; v: string; p: number } | { k: 'str'; v: string; p: number } | { k: 'op'; v: string; p: number } | { k: 'end'; p: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i));
    if (num) {
      const v = Number(num[0].replace(/_/g, ''));
      if (!Number.isFinite(v)) throw new OutcomeError(`bad number "${num[0]}" at position ${i}`, i);
      out.push({ k: 'num', v, p: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], p: i });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new OutcomeError(`unterminated string starting at position ${i}`, i);
      out.push({ k: 'str', v: src.slice(i + 1, end), p: i });
      i = end + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '==', '!=', '&&', '||'].includes(two)) {
      out.push({ k: 'op', v: two, p: i });
      i += 2;
      continue;
    }
    if ('<>+-*/()!.[]'.includes(c)) {
      out.push({ k: 'op', v: c, p: i });
      i++;
      continue;
    }
    if (c === '=') throw new OutcomeError(`"=" at position ${i}: use "==" to compare`, i);
    throw new OutcomeError(`unexpected character "${c}" at position ${i}`, i);
  }
  out.push({ k: 'end', p: src.length });
  return out;
}

function describeTok(t: Tok): string {
  if (t.k === 'end') return 'the end of the expression';
  if (t.k === 'str') return `the string "${t.v}"`;
  return `"${t.v}"`;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'null', 'miner']);

/**
 * Parses an outcome expression. Names are checked against the engine's summary metrics (and their
 * per-point statistics) and the named-miner outcome fields; throws OutcomeError with the position.
 */
export function parseOutcome(text: string): Outcome {
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): Tok => toks[pos]!;
  const next = (): Tok => toks[pos++]!;
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.k === 'op' && t.v === v;
  };
  const isWord = (v: string): boolean => {
    const t = peek();
    return t.k === 'id' && t.v === v;
  };
  const expect = (v: string, what: string): void => {
    const t = next();
    if (!(t.k === 'op' && t.v === v)) throw new OutcomeError(`expected ${what} at position ${t.p}, found ${describeTok(t)}`, t.p);
  };
  const refs: OutcomeRef[] = [];

  const asBool = (n: Node, p: number): Bool => {
    if (n.t === 'cmp' || n.t === 'and' || n.t === 'or' || n.t === 'not') return n;
    throw new OutcomeError(`expected a condition (a comparison such as x < 800) at position ${p}`, p);
  };
  const asNum = (n: Node, p: number): Num => {
    if (n.t === 'cmp' || n.t === 'and' || n.t === 'or' || n.t === 'not') throw new OutcomeError(`expected a number at position ${p}, found a condition`, p);
    return n as Num;
  };
  const opText = (t: Tok): string => (t.k === 'op' ? t.v : t.k === 'id' ? t.v : '');

  const parseOr = (): Node => {
    const p0 = peek().p;
    let a = parseAnd();
    while (isWord('or') || isOp('||')) {
      const t = next();
      const b = parseAnd();
      a = { t: 'or', a: asBool(a, p0), b: asBool(b, t.p + opText(t).length + 1) };
    }
    return a;
  };
  const parseAnd = (): Node => {
    const p0 = peek().p;
    let a = parseNot();
    while (isWord('and') || isOp('&&')) {
      const t = next();
      const b = parseNot();
      a = { t: 'and', a: asBool(a, p0), b: asBool(b, t.p + opText(t).length + 1) };
    }
    return a;
  };
  const parseNot = (): Node => {
    if (isWord('not') || isOp('!')) {
      const t = next();
      return { t: 'not', a: asBool(parseNot(), t.p + 1) };
    }
    return parseCmp();
  };
  const parseCmp = (): Node => {
    const p0 = peek().p;
    const a = parseSum();
    const t = peek();
    if (t.k === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.v)) {
      next();
      const p1 = peek().p;
      const b = parseSum();
      const na = asNum(a, p0);
      const nb = asNum(b, p1);
      const op = t.v as '<' | '<=' | '>' | '>=' | '==' | '!=';
      if ((na.t === 'null' || nb.t === 'null') && op !== '==' && op !== '!=') {
        throw new OutcomeError(`null can only be compared with == or != (position ${t.p})`, t.p);
      }
      const after = peek();
      if (after.k === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(after.v)) {
        throw new OutcomeError(`comparisons cannot be chained (position ${after.p}); join them with "and"`, after.p);
      }
      return { t: 'cmp', op, a: na, b: nb };
    }
    return a;
  };
  const parseSum = (): Node => {
    const p0 = peek().p;
    let a = parseProd();
    while (isOp('+') || isOp('-')) {
      const t = next();
      const p1 = peek().p;
      const b = parseProd();
      a = { t: 'arith', op: opText(t) as '+' | '-', a: asNum(a, p0), b: asNum(b, p1) };
    }
    return a;
  };
  const parseProd = (): Node => {
    const p0 = peek().p;
    let a = parseUnary();
    while (isOp('*') || isOp('/')) {
      const t = next();
      const p1 = peek().p;
      const b = parseUnary();
      a = { t: 'arith', op: opText(t) as '*' | '/', a: asNum(a, p0), b: asNum(b, p1) };
    }
    return a;
  };
  const parseUnary = (): Node => {
    if (isOp('-')) {
      const t = next();
      return { t: 'neg', a: asNum(parseUnary(), t.p + 1) };
    }
    return parseAtom();
  };
  const parseAtom = (): Node => {
    const t = next();
    if (t.k === 'num') return { t: 'num', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = parseOr();
      expect(')', '")"');
      return e;
    }
    if (t.k === 'id') {
      if (t.v === 'null') return { t: 'null' };
      if (t.v === 'miner') {
        let name: string;
        if (isOp('(')) {
          next();
          const s = next();
          if (s.k !== 'str') throw new OutcomeError(`expected a miner name in quotes at position ${s.p}, e.g. miner("MARA").liquidations`, s.p);
          name = s.v;
          expect(')', '")"');
        } else if (isOp('[')) {
          next();
          const s = next();
          if (s.k !== 'str') throw new OutcomeError(`expected a miner name in quotes at position ${s.p}, e.g. miner["MARA"].liquidations`, s.p);
          name = s.v;
          expect(']', '"]"');
        } else {
          const n = peek();
          throw new OutcomeError(`expected ("NAME") after miner at position ${n.p}, e.g. miner("MARA").liquidations`, n.p);
        }
        expect('.', '"." and a miner outcome field');
        const f = next();
        if (f.k !== 'id') throw new OutcomeError(`expected a miner outcome field at position ${f.p}`, f.p);
        if (!MINER_FIELD_NAMES.includes(f.v)) {
          const near = closestNames(f.v, MINER_FIELD_NAMES);
          throw new OutcomeError(
            `unknown miner outcome field "${f.v}" at position ${f.p}${near.length ? ` (did you mean ${near.map((x) => `"${x}"`).join(', ')}?)` : ''}; fields: ${MINER_FIELD_NAMES.join(', ')}`,
            f.p,
          );
        }
        const ref: OutcomeRef = { kind: 'miner', miner: name, field: f.v };
        refs.push(ref);
        return { t: 'ref', ref };
      }
      if (KEYWORDS.has(t.v)) throw new OutcomeError(`unexpected "${t.v}" at position ${t.p}`, t.p);
      let ref: OutcomeRef | null = null;
      if (SUMMARY_METRIC_NAMES.includes(t.v)) ref = { kind: 'run', metric: t.v };
      else {
        for (const s of SWEEP_STATS) {
          const m = t.v.slice(0, -(s.length + 1));
          if (t.v.endsWith(`_${s}`) && SUMMARY_METRIC_NAMES.includes(m)) {
            ref = { kind: 'point', metric: m, stat: s, column: t.v };
            break;
          }
        }
      }
      if (!ref) throw new OutcomeError(`${unknownMetricMessage(t.v)} (position ${t.p})`, t.p);
      refs.push(ref);
      return { t: 'ref', ref };
    }
    throw new OutcomeError(`expected a number, a metric or "(" at position ${t.p}, found ${describeTok(t)}`, t.p);
  };

  if (text.trim() === '') throw new OutcomeError('empty expression', 0);
  const root = parseOr();
  const end = peek();
  if (end.k !== 'end') throw new OutcomeError(`unexpected ${describeTok(end)} at position ${end.p}`, end.p);
  const cond = asBool(root, 0);
  const pointRefs = refs.filter((r) => r.kind === 'point');
  if (pointRefs.length > 0 && pointRefs.length < refs.length) {
    throw new OutcomeError(
      'the expression mixes per-point statistics (<metric>_mean, ...: one value per design point) with per-run metrics; use one kind',
      0,
    );
  }
  const miners = [...new Set(refs.flatMap((r) => (r.kind === 'miner' ? [r.miner] : [])))];

  const num = (n: Num, value: (r: OutcomeRef) => number | null): number | null => {
    switch (n.t) {
      case 'num':
        return n.v;
      case 'null':
        return null;
      case 'ref': {
        const v = value(n.ref);
        return v === null || Number.isNaN(v) ? null : v;
      }
      case 'neg': {
        const v = num(n.a, value);
        return v === null ? null : -v;
      }
      case 'arith': {
        const a = num(n.a, value);
        const b = num(n.b, value);
        if (a === null || b === null) return null;
        const r = n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b;
        return Number.isNaN(r) ? null : r;
      }
    }
  };
  const bool = (n: Bool, value: (r: OutcomeRef) => number | null): boolean => {
    switch (n.t) {
      case 'and':
        return bool(n.a, value) && bool(n.b, value);
      case 'or':
        return bool(n.a, value) || bool(n.b, value);
      case 'not':
        return !bool(n.a, value);
      case 'cmp': {
        const a = num(n.a, value);
        const b = num(n.b, value);
        if (n.op === '==' && (a === null || b === null)) return a === null && b === null;
        if (n.op === '!=' && (a === null || b === null)) return !(a === null && b === null);
        if (a === null || b === null) return false;
        switch (n.op) {
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          case '>=':
            return a >= b;
          case '==':
            return a === b;
          case '!=':
            return a !== b;
        }
      }
    }
  };
  return {
    text,
    scope: pointRefs.length > 0 ? 'point' : 'run',
    refs,
    miners,
    evaluate: (value) => bool(cond, value),
  };
}

import type { z } from 'zod';
import { HashsimError } from '../errors.ts';

/** One problem in a scenario: where (a field path like `miners[2].fleet[0].efficiencyJPerTH`) and what. */
export interface Problem {
  /** Field path; "" for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** A scenario that failed validation: every problem, each with its field path. Exit code 1. */
export class ScenarioError extends HashsimError {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], source?: string) {
    super(formatProblems(problems, source), 1);
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["miners", 2, "fleet"]` -> `miners[2].fleet`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      out += IDENTIFIER.test(s) ? (out === '' ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** One line per problem: `path: message` (a file name in front when given). */
export function formatProblems(problems: readonly Problem[], source?: string): string {
  const prefix = source === undefined ? '' : `${source}: `;
  return problems.map((p) => `${prefix}${p.path === '' ? '(scenario)' : p.path}: ${p.message}`).join('\n');
}

const ARTICLE: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value pairs)',
  array: 'a list',
  null: 'null',
  bigint: 'an integer',
};

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return String(value);
    return `${value}`;
  }
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function bound(origin: string, value: number | bigint, inclusive: boolean, small: boolean): string {
  const v = Number(value);
  if (origin === 'array' || origin === 'set') {
    return small ? `expected at least ${v} item${v === 1 ? '' : 's'}` : `expected at most ${v} item${v === 1 ? '' : 's'}`;
  }
  if (origin === 'string') {
    if (small && v === 1) return 'expected a non-empty string';
    return small ? `expected at least ${v} characters` : `expected at most ${v} characters`;
  }
  if (small && v === 0) return inclusive ? 'expected a number >= 0' : 'expected a positive number';
  return `expected a number ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${v}`;
}

/** Plain-English message of one zod issue (without its path). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      if (input === undefined) return `required: expected ${expected}`;
      if (issue.expected === 'number' && typeof input === 'number') return `expected a finite number, got ${describe(input)}`;
      if (issue.expected === 'int' && typeof input === 'number') return `expected an integer, got ${describe(input)}`;
      return `expected ${expected}, got ${describe(input)}`;
    }
    case 'too_small':
      return bound(issue.origin, issue.minimum, issue.inclusive ?? true, true) + (typeof input === 'number' ? `, got ${input}` : '');
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive ?? true, false) + (typeof input === 'number' ? `, got ${input}` : '');
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(input)}`;
    case 'invalid_format':
      if (issue.format === 'regex') return issue.message.startsWith('expected') ? issue.message : `expected text matching ${issue.pattern ?? 'the pattern'}`;
      return issue.message.startsWith('expected') ? issue.message : `expected a ${issue.format}, got ${describe(input)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      // Schema unions carry their own message ("expected model to be one of ..."); zod's default is vague.
      return issue.message === 'Invalid input' ? `expected one of the allowed forms, got ${describe(input)}` : issue.message;
    default:
      return issue.message;
  }
}

// ---------------------------------------------------------------------------------------------
// Units convention: `*Share` (and `*Fraction`, `share`) fields are fractions (0.3 means 30%), `*Pct`
// fields are percents (-30 means -30%). docs/MODEL.md, "Miner agents", has the migration table.

/** Fraction-valued fields once named `*Pct`: old key -> new key (same meaning, a fraction). */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  feePct: 'feeShare',
  poolFeePct: 'poolFeeShare',
  siteHeadroomPct: 'siteHeadroomShare',
  penaltyPct: 'penaltyShare',
  minMarginPct: 'minMarginShare',
  hysteresisPct: 'hysteresisShare',
  maxOrderPctOfFleet: 'maxOrderShareOfFleet',
  // Renamed earlier (the supply model, miner finance): still a fraction, same meaning.
  overheadPct: 'overheadShare',
  marginPct: 'marginShare',
  tranchePct: 'trancheShare',
};

/** Old `*Pct` keys whose field was replaced by one that measures something else. */
export const REPLACED_KEYS: Readonly<Record<string, string>> = {
  hurdlePct:
    'replaced by hurdleShareOfCapex, which measures something else (convert when NPV per MW exceeds this fraction of capex per MW; 0: any positive NPV); see docs/MODEL.md',
};

/** Message for an old key that was renamed or replaced. */
export function renamedMessage(key: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(REPLACED_KEYS, key)) return REPLACED_KEYS[key];
  if (!Object.prototype.hasOwnProperty.call(RENAMED_KEYS, key)) return undefined;
  return `renamed to ${RENAMED_KEYS[key]} (same meaning, a fraction: 0.025 means 2.5%)`;
}

export const FRACTION_HINT = 'a fraction: 0.3 means 30%';
export const PERCENT_HINT = 'in percent: -30 means -30%';

/** Sub-fields of a distribution that take the field's own unit. */
const DIST_VALUES = new Set(['min', 'max', 'value', 'mode', 'median', 'mean']);

/**
 * The share or percent field a path names: its last segment, or the field a distribution's value
 * belongs to (`populations[0].poolFeeShare.max` -> poolFeeShare).
 */
function fieldOf(path: string): string | undefined {
  const segs = path.split(/[.[\]"]+/).filter((x) => x !== '' && !/^\d+$/.test(x));
  let i = segs.length - 1;
  if (i > 0 && DIST_VALUES.has(segs[i]!)) i--;
  const s = segs[i];
  return s !== undefined && (/Share|Fraction|Pct$/.test(s) || s === 'share') ? s : undefined;
}

/**
 * A range problem of a share or percent field, with the unit spelled out, so a percent written as a
 * share (`overheadShare: 30`) or a share written as a percent reads as what it is.
 */
export function withUnitHint(p: Problem): Problem {
  if (!/^expected\b.*(<=?|>=?|at most|at least|between|in \[)/.test(p.message)) return p;
  if (p.message.includes(FRACTION_HINT) || p.message.includes(PERCENT_HINT)) return p;
  const f = fieldOf(p.path);
  if (f === undefined) return p;
  if (/Pct$/.test(f)) return { ...p, message: `${p.message} (${f} is ${PERCENT_HINT})` };
  return { ...p, message: `${p.message} (${f} is ${FRACTION_HINT})` };
}

/** Every zod issue as a problem with its field path. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  basePath: readonly PropertyKey[] = [],
  suggest?: (objectPath: readonly PropertyKey[], key: string) => string | undefined,
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One line per unknown key, with the key in the path, so each is easy to find.
      for (const key of issue.keys) {
        const path = formatPath([...basePath, ...issue.path, key]);
        const renamed = renamedMessage(key);
        if (renamed !== undefined) {
          out.push({ path, message: renamed });
          continue;
        }
        const near = suggest?.(issue.path, key);
        out.push({ path, message: near === undefined ? 'unknown key' : `unknown key; did you mean "${near}"?` });
      }
      continue;
    }
    out.push(withUnitHint({ path: formatPath([...basePath, ...issue.path]), message: issueMessage(issue) }));
  }
  return out;
}

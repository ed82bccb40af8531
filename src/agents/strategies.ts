import { HashsimError } from '../errors.ts';
import {
  AiPivotPolicySchema,
  ExitPolicySchema,
  ExpandPolicySchema,
  FinancingPolicySchema,
  OperatePolicySchema,
  TreasuryPolicySchema,
  type PoliciesInput,
  type ResolvedPolicies,
} from './schema.ts';

/**
 * Built-in strategies: named bundles of policy overrides on top of the policy defaults
 * (docs/MODEL.md lists them with their rationale).
 */
export const BUILTIN_STRATEGIES: Readonly<Record<string, PoliciesInput>> = {
  /** Curtails on margin, sells everything it mines, sells before borrowing. The default. */
  seller: {},
  /** Runs every machine regardless of margin (hedged or fixed-price power), sells all mined. */
  'always-on': { operate: { curtail: false } },
  /** Keeps every mined coin; covers shortfalls by borrowing against them; posts collateral on calls. */
  hodler: { treasury: { mode: 'hodl' }, financing: { order: 'borrow-first', marginCallResponse: 'post-collateral' } },
  /** HODLs but sells BTC to repay debt once LTV passes 60% (down to 30%), repays on margin calls. */
  deleverager: {
    treasury: { mode: 'hodl', deleverageAtLtv: 0.6, deleverageToLtv: 0.3 },
    financing: { order: 'sell-first', marginCallResponse: 'repay' },
  },
  /** Sells mined BTC only to hold 60 days of costs in cash. */
  'keep-cash': { treasury: { mode: 'keep-cash', cashDays: 60 } },
  /** Sells half of what it mines; buys machines when payback < 1 year, financing capex by borrowing. */
  expander: {
    treasury: { mode: 'sell-fraction', sellFraction: 0.5 },
    financing: { order: 'borrow-first' },
    expand: { enabled: true, financeCapex: true },
  },
  /** A seller that signs AI-hosting deals when their NPV beats keeping the MW mining (ai-deal.ts). */
  'ai-pivoter': { aiPivot: { enabled: true } },
};

function isPlain(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Resolved policies by (overrides, bundle) object identity. Every run of a batch worker's task
 * resolves the same objects: without the cache each run parsed every miner's six policy blocks with
 * zod again (~3% of a baseline-2026 run, and much of the code V8 compiled again per run). A hit also
 * needs the objects' content to equal a copy taken when the entry was made, so a scenario edited in
 * place between runs (a notebook's `s.miners[0].policies.treasury.mode = 'hodl'`) resolves anew.
 * The results are frozen (shared between runs).
 */
interface Resolved {
  readonly bundle: unknown;
  readonly overrides: unknown;
  readonly policies: ResolvedPolicies;
}
const RESOLVED = new WeakMap<object, WeakMap<object, Resolved>>();

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** Deep equality of plain data (what a scenario holds): Object.is on leaves, same keys on objects. */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Resolve a miner's policies: defaults, then the named strategy's bundle, then its own overrides. */
export function resolvePolicies(
  strategy: string,
  overrides: PoliciesInput,
  custom: Readonly<Record<string, PoliciesInput>>,
  where: string,
): ResolvedPolicies {
  // Own keys only: "constructor", "toString" or "__proto__" must not resolve to Object.prototype's members.
  const bundle = Object.hasOwn(custom, strategy) ? custom[strategy] : Object.hasOwn(BUILTIN_STRATEGIES, strategy) ? BUILTIN_STRATEGIES[strategy] : undefined;
  if (bundle === undefined) {
    const known = [...Object.keys(BUILTIN_STRATEGIES), ...Object.keys(custom)].join(', ');
    throw new HashsimError(`${where}.strategy: unknown strategy "${strategy}"; expected one of ${known}`);
  }
  if (typeof overrides !== 'object' || overrides === null) return deepFreeze(parsePolicies(bundle, overrides));
  let byBundle = RESOLVED.get(overrides);
  const hit = byBundle?.get(bundle);
  if (hit !== undefined && sameData(hit.bundle, bundle) && sameData(hit.overrides, overrides)) return hit.policies;
  const policies = deepFreeze(parsePolicies(bundle, overrides));
  if (byBundle === undefined) RESOLVED.set(overrides, (byBundle = new WeakMap()));
  byBundle.set(bundle, { bundle: structuredClone(bundle), overrides: structuredClone(overrides), policies });
  return policies;
}

function parsePolicies(bundle: PoliciesInput, overrides: PoliciesInput): ResolvedPolicies {
  // One level deeper for nested blocks (aiPivot.financing): a miner overriding one financing share
  // keeps the strategy's others.
  const merge = <K extends keyof PoliciesInput>(k: K) => {
    const base: Record<string, unknown> = { ...(bundle[k] ?? {}) };
    for (const [key, v] of Object.entries(overrides[k] ?? {})) {
      const b = base[key];
      base[key] = isPlain(v) && isPlain(b) ? { ...b, ...v } : v;
    }
    return base;
  };
  return {
    operate: OperatePolicySchema.parse(merge('operate')),
    treasury: TreasuryPolicySchema.parse(merge('treasury')),
    financing: FinancingPolicySchema.parse(merge('financing')),
    expand: ExpandPolicySchema.parse(merge('expand')),
    aiPivot: AiPivotPolicySchema.parse(merge('aiPivot')),
    exit: ExitPolicySchema.parse(merge('exit')),
  };
}

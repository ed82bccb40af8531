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
  /** A seller that converts MW to AI hosting when AI beats mining by the hurdle. */
  'ai-pivoter': { aiPivot: { enabled: true } },
};

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
  const merge = <K extends keyof PoliciesInput>(k: K) => ({ ...(bundle[k] ?? {}), ...(overrides[k] ?? {}) });
  return {
    operate: OperatePolicySchema.parse(merge('operate')),
    treasury: TreasuryPolicySchema.parse(merge('treasury')),
    financing: FinancingPolicySchema.parse(merge('financing')),
    expand: ExpandPolicySchema.parse(merge('expand')),
    aiPivot: AiPivotPolicySchema.parse(merge('aiPivot')),
    exit: ExitPolicySchema.parse(merge('exit')),
  };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as state from '../src/agents/state.ts';

// engine/loop.ts writes the per-miner record's slot numbers and the flag/status/treasury codes as
// function-local literals (V8 folds those). Each literal must equal the constant agents/state.ts
// exports under the mapped name, or the hot loops would read and write the wrong fields.

const LOCAL_TO_EXPORT: Readonly<Record<string, string>> = {
  ACTIVE: 'R_ACTIVE_EHS',
  POOL_FEE: 'R_POOL_FEE',
  CONVERTING: 'R_AI_MW_CONVERTING',
  PENDING: 'R_PENDING_EHS',
  OFF_THR: 'R_OP_OFF_THR',
  MINING_MW: 'R_MINING_MW',
  EMA: 'R_HASHPRICE_EMA',
  EMA_ALPHA: 'R_EMA_ALPHA',
  WON: 'R_WON_BTC',
  TREASURY: 'R_TREASURY_BTC',
  MINED: 'R_MINED_BTC',
  DEBT: 'R_DEBT_USD',
  RATE: 'R_RATE_ANNUAL',
  AI_OP: 'R_AI_MW_OPERATING',
  POWER: 'R_POWER_USD_PER_DAY',
  OPEX: 'R_OPEX_USD_PER_DAY',
  COST: 'R_COST_USD_PER_DAY',
  CASH: 'R_CASH_USD',
  SOLD: 'R_SOLD_BTC',
  COLL: 'R_COLLATERAL_BTC',
  LOAN_TRIGGER: 'R_LOAN_TRIGGER_LTV',
  MIN_CASH: 'R_MIN_CASH_USD',
  SELL_FRACTION: 'R_SELL_FRACTION',
  CASH_DAYS: 'R_CASH_DAYS',
  ORIG_LTV: 'R_ORIGINATION_LTV',
  MAX_PRINCIPAL: 'R_MAX_PRINCIPAL_USD',
  NEXT_EVENT: 'R_NEXT_EVENT_DAY',
  COUPON: 'R_COUPON_USD_PER_YEAR',
  AI_REVIEW: 'R_AI_REVIEW_DAY',
  LAST_ORDER: 'R_LAST_ORDER_DAY',
  COOLDOWN: 'R_EXPAND_COOLDOWN_DAYS',
  K_SOLO: 'KIND_SOLO',
  K_AI: 'KIND_AI',
  K_EXPAND: 'KIND_EXPAND',
  K_MODULE: 'KIND_MODULE',
  K_MODE_SHIFT: 'KIND_MODE_SHIFT',
  S_ACTIVE: 'STATUS_ACTIVE',
  S_CURTAILING: 'STATUS_CURTAILING',
  S_PIVOTING: 'STATUS_PIVOTING',
  T_HODL: 'TREASURY_HODL',
  T_SELL_ALL: 'TREASURY_SELL_ALL',
  T_SELL_FRACTION: 'TREASURY_SELL_FRACTION',
  T_KEEP_CASH: 'TREASURY_KEEP_CASH',
};

describe('engine/loop.ts literal layout', () => {
  const source = readFileSync(new URL('../src/engine/loop.ts', import.meta.url), 'utf8');
  const exported = state as unknown as Readonly<Record<string, number>>;

  it('every function-local slot or code literal equals the exported constant', () => {
    const locals = [...source.matchAll(/^ {2}const ([A-Z][A-Z0-9_]*) = (\d+);/gm)];
    expect(locals.length).toBeGreaterThan(40);
    for (const [, name, value] of locals) {
      const target = LOCAL_TO_EXPORT[name!];
      expect(target, `loop.ts local ${name} has no mapping in this test`).toBeDefined();
      expect(Number(value), `${name} vs ${target}`).toBe(exported[target!]);
    }
  });

  it('the record stride literal equals REC', () => {
    const strides = [...source.matchAll(/const b = i \* (\d+);/g)].map((m) => Number(m[1]));
    expect(strides.length).toBe(2);
    for (const s of strides) expect(s).toBe(state.REC);
  });
});

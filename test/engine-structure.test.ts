import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// One source of truth per rule (issue 15): the engine's per-miner loops call the policy functions
// of agents/policies.ts and read the record layout of agents/state.ts; they hold no copy of a
// policy (no writes to the balances a policy moves) and no slot numbers of their own.

const loop = readFileSync(new URL('../src/engine/loop.ts', import.meta.url), 'utf8');
const code = loop.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');

describe('engine/loop.ts holds no second copy of the model', () => {
  it('declares no record slot or code as a numeric literal', () => {
    expect(code.match(/const [A-Z_]+ = \d+;/g) ?? []).toEqual([]);
    expect(code).not.toMatch(/\* ?32\b/);
  });

  it('leaves selling, borrowing, collateral and debt to the policy functions', () => {
    for (const slot of ['SOLD', 'DEBT', 'COLL', 'ORIG_LTV', 'MAX_PRINCIPAL', 'SELL_FRACTION', 'CASH_DAYS']) {
      expect(code, slot).not.toMatch(new RegExp(`rec\\[b \\+ ${slot}\\] =`));
    }
    for (const f of ['treasuryPolicy', 'coverShortfall', 'monitorLoan', 'deleverage', 'operateArgs', 'paybackDays', 'dailyCostUsd']) {
      expect(code, f).toContain(`${f}(`);
    }
  });
});

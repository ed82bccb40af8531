import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COIN, MAINNET, blockSubsidy, blockSubsidySats } from '../src/consensus/index.ts';

// Bitcoin Core src/test/validation_tests.cpp: block_subsidy_test (TestBlockSubsidyHalvings) and subsidy_limit_test.
function checkHalvings(interval: number): void {
  const initial = BigInt(50 * COIN);
  let previous = initial * 2n;
  for (let halvings = 0; halvings < 64; halvings++) {
    const subsidy = blockSubsidy(halvings * interval, interval);
    expect(subsidy <= initial).toBe(true);
    expect(subsidy).toBe(previous / 2n);
    previous = subsidy;
  }
  expect(blockSubsidy(64 * interval, interval)).toBe(0n);
}

describe('blockSubsidy (Core validation_tests.cpp)', () => {
  it('halves every 210000 blocks on mainnet and is zero from 64 halvings', () => checkHalvings(MAINNET.subsidyHalvingInterval));
  it('halves for other intervals (Core checks 150 and 1000)', () => {
    checkHalvings(150);
    checkHalvings(1000);
  });

  it('subsidy_limit_test: sum over heights 0..14e6 step 1000 is 2099999997690000 sat, always in money range', () => {
    const maxMoney = 21_000_000n * BigInt(COIN);
    let sum = 0n;
    for (let height = 0; height < 14_000_000; height += 1000) {
      const s = blockSubsidy(height);
      expect(s <= BigInt(50 * COIN)).toBe(true);
      sum += s * 1000n;
      expect(sum >= 0n && sum <= maxMoney).toBe(true);
    }
    expect(sum).toBe(2099999997690000n);
  });

  it('known schedule points', () => {
    expect(blockSubsidy(0)).toBe(5_000_000_000n);
    expect(blockSubsidy(209_999)).toBe(5_000_000_000n);
    expect(blockSubsidy(210_000)).toBe(2_500_000_000n);
    expect(blockSubsidy(840_000)).toBe(312_500_000n); // April 2024 halving: 3.125 BTC
    expect(blockSubsidy(1_050_000)).toBe(156_250_000n);
    expect(blockSubsidy(6_929_999)).toBe(1n); // 33rd halving period: the last 1-satoshi era
    expect(blockSubsidy(6_930_000)).toBe(0n);
  });

  it('blockSubsidySats equals Number(blockSubsidy) at every height', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 210_000 + 5 }), (h) => {
        expect(blockSubsidySats(h)).toBe(Number(blockSubsidy(h)));
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it('rejects negative, fractional and non-numeric heights', () => {
    expect(() => blockSubsidy(-1)).toThrow(RangeError);
    expect(() => blockSubsidy(1.5)).toThrow(RangeError);
    expect(() => blockSubsidy(Number.NaN)).toThrow(RangeError);
    expect(() => blockSubsidySats(-210_000)).toThrow(RangeError);
    expect(() => blockSubsidy('1' as unknown as number)).toThrow(TypeError);
    expect(() => blockSubsidy(1, 0)).toThrow(RangeError);
  });
});

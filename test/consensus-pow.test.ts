import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAINNET,
  blockProof,
  checkProofOfWork,
  compactToTarget,
  difficultyFromBits,
  expectedHashesPerBlock,
  nextWorkRequired,
  permittedDifficultyTransition,
  targetToCompact,
  type ConsensusParams,
} from '../src/consensus/index.ts';

const POW_LIMIT = (1n << 224n) - 1n;

describe('nextWorkRequired (Core src/test/pow_tests.cpp)', () => {
  // [name, nLastRetargetTime, pindexLast height, pindexLast time, pindexLast bits, expected bits]
  const cases: Array<[string, number, number, number, number, number]> = [
    ['get_next_work', 1261130161, 32255, 1262152739, 0x1d00ffff, 0x1d00d86a],
    ['get_next_work_pow_limit', 1231006505, 2015, 1233061996, 0x1d00ffff, 0x1d00ffff],
    ['get_next_work_lower_limit_actual', 1279008237, 68543, 1279297671, 0x1c05a3f4, 0x1c0168fd],
    ['get_next_work_upper_limit_actual', 1263163443, 46367, 1269211443, 0x1c387f6f, 0x1d00e1fd],
  ];
  for (const [name, first, height, last, bits, expected] of cases) {
    it(name, () => {
      expect(nextWorkRequired(bits, first, last)).toBe(expected);
      expect(permittedDifficultyTransition(height + 1, bits, expected)).toBe(true);
    });
  }

  it('lower limit: one less nBits is not a permitted transition', () => {
    expect(permittedDifficultyTransition(68544, 0x1c05a3f4, 0x1c0168fd - 1)).toBe(false);
  });
  it('upper limit: one more nBits is not a permitted transition', () => {
    expect(permittedDifficultyTransition(46368, 0x1c387f6f, 0x1d00e1fd + 1)).toBe(false);
  });
  it('off retarget heights the bits must not change', () => {
    expect(permittedDifficultyTransition(151201, 0x1c00ffff, 0x1c00ffff)).toBe(true);
    expect(permittedDifficultyTransition(151201, 0x1c00ffff, 0x1d00ffff)).toBe(false);
    expect(permittedDifficultyTransition(152000, 0x1c00ffff, 0x1c00fffe)).toBe(false);
  });
  it('fPowAllowMinDifficultyBlocks permits anything; fPowNoRetargeting keeps the bits', () => {
    const testnetLike: ConsensusParams = { ...MAINNET, powAllowMinDifficultyBlocks: true };
    expect(permittedDifficultyTransition(151201, 0x1c00ffff, 0x1d00ffff, testnetLike)).toBe(true);
    const regtestLike: ConsensusParams = { ...MAINNET, powNoRetargeting: true, powLimit: (1n << 255n) - 1n };
    expect(nextWorkRequired(0x207fffff, 0, 1)).not.toBe(0x207fffff);
    expect(nextWorkRequired(0x207fffff, 0, 1, regtestLike)).toBe(0x207fffff);
  });
});

describe('nextWorkRequired properties', () => {
  // Normalized bits below powLimit (sizes 4..29): size byte and a mantissa with a non-zero top byte.
  const bitsArb = fc
    .tuple(fc.integer({ min: 4, max: 0x1c }), fc.integer({ min: 0x010000, max: 0x7fffff }))
    .map(([s, w]) => (s * 0x1000000 + w) >>> 0)
    .chain((b) => (compactToTarget(b).target <= POW_LIMIT ? fc.constant(b) : fc.constant(0x1d00ffff)));
  const spanArb = fc.integer({ min: -10_000_000, max: 20_000_000 });

  it('new target within [old/4, min(old*4, powLimit)] up to compact truncation, and permitted', () => {
    fc.assert(
      fc.property(bitsArb, spanArb, fc.integer({ min: 1_231_006_505, max: 1_900_000_000 }), (bits, span, t0) => {
        const old = compactToTarget(bits).target;
        const next = nextWorkRequired(bits, t0, t0 + span);
        const t = compactToTarget(next).target;
        const hi = old * 4n < POW_LIMIT ? old * 4n : POW_LIMIT;
        const lo = old / 4n;
        expect(t <= hi).toBe(true);
        // GetCompact keeps >= 15 significant bits, so truncation loses < 2^-15 of the value.
        expect(t * (1n << 15n) >= (lo - 1n) * ((1n << 15n) - 1n)).toBe(true);
        expect(permittedDifficultyTransition(2016 * 7, bits, next)).toBe(true);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('a timespan of exactly 1209600 s keeps a normalized target unchanged', () => {
    fc.assert(
      fc.property(bitsArb, (bits) => {
        expect(nextWorkRequired(bits, 1_500_000_000, 1_500_000_000 + 1_209_600)).toBe(bits);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('2015 intervals of exactly 600 s raise difficulty by 2016/2015 (~0.0496%) up to truncation', () => {
    fc.assert(
      fc.property(bitsArb.filter((b) => b !== 0x1d00ffff), (bits) => {
        const next = nextWorkRequired(bits, 1_500_000_000, 1_500_000_000 + 2015 * 600);
        const ratio = difficultyFromBits(next) / difficultyFromBits(bits);
        expect(ratio).toBeGreaterThanOrEqual(2016 / 2015 - 1e-12);
        expect(ratio).toBeLessThanOrEqual(2016 / 2015 / (1 - 2 ** -15));
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('clamps timespans to [302400, 4838400]', () => {
    for (const bits of [0x1c05a3f4, 0x17020f79, 0x1b0404cb]) {
      expect(nextWorkRequired(bits, 0, 1)).toBe(nextWorkRequired(bits, 0, 302_400));
      expect(nextWorkRequired(bits, 1000, 0)).toBe(nextWorkRequired(bits, 0, 302_400));
      expect(nextWorkRequired(bits, 0, 10 ** 9)).toBe(nextWorkRequired(bits, 0, 4_838_400));
      expect(nextWorkRequired(bits, 0, 302_401)).not.toBe(nextWorkRequired(bits, 0, 302_400 + 2000));
    }
  });
});

describe('CheckProofOfWork (Core pow_tests.cpp)', () => {
  it('negative target', () => {
    expect(checkProofOfWork(1n, targetToCompact(POW_LIMIT, true))).toBe(false);
  });
  it('overflow target', () => {
    expect(checkProofOfWork(1n, ~0x00800000 >>> 0)).toBe(false);
  });
  it('too easy target', () => {
    expect(checkProofOfWork(1n, targetToCompact(POW_LIMIT * 2n))).toBe(false);
  });
  it('bigger hash than target', () => {
    expect(checkProofOfWork(POW_LIMIT * 2n, targetToCompact(POW_LIMIT))).toBe(false);
  });
  it('zero target', () => {
    expect(checkProofOfWork(0n, targetToCompact(0n))).toBe(false);
  });
  it('genesis block hash meets 0x1d00ffff', () => {
    const genesis = BigInt('0x000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(checkProofOfWork(genesis, 0x1d00ffff)).toBe(true);
    expect(checkProofOfWork(genesis, 0x1a00ffff)).toBe(false);
  });
});

describe('difficultyFromBits (Core src/test/blockchain_tests.cpp)', () => {
  // Core compares with DoubleEquals(..., 0.00001): |a - b| < 1e-5.
  const cases: Array<[number, number]> = [
    [0x1f111111, 0.000001],
    [0x1ef88f6f, 0.000016],
    [0x1df88f6f, 0.004023],
    [0x1cf88f6f, 1.029916],
    [0x12345678, 5913134931067755359633408.0],
  ];
  for (const [bits, expected] of cases) {
    it(`0x${bits.toString(16)}`, () => {
      expect(Math.abs(difficultyFromBits(bits) - expected)).toBeLessThan(0.00001);
    });
  }
  it('genesis difficulty is 1 and matches 0xffff*2^208/target for normalized bits', () => {
    expect(difficultyFromBits(0x1d00ffff)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0x04, max: 0x20 }), fc.integer({ min: 0x8000, max: 0x7fffff }), (size, word) => {
        const bits = (size * 0x1000000 + word) >>> 0;
        const target = compactToTarget(bits).target;
        const exact = Number(((0xffffn << 208n) * (1n << 128n)) / target) / 2 ** 128;
        expect(Math.abs(difficultyFromBits(bits) / exact - 1)).toBeLessThan(1e-15);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('blockProof (Core GetBlockProof)', () => {
  it('genesis work is 0x100010001', () => {
    expect(blockProof(0x1d00ffff)).toBe(0x100010001n);
  });
  it('equals floor(2^256 / (target + 1))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x20 }), fc.integer({ min: 1, max: 0x7fffff }), (size, word) => {
        const bits = (size * 0x1000000 + word) >>> 0;
        const { target } = compactToTarget(bits);
        fc.pre(target > 0n);
        expect(blockProof(bits)).toBe((1n << 256n) / (target + 1n));
        const hashes = expectedHashesPerBlock(bits);
        expect(Math.abs(hashes / Number((1n << 256n) / (target + 1n)) - 1)).toBeLessThan(1e-15);
      }),
      { seed: 13, numRuns: 1000 },
    );
  });
  it('is zero for negative, overflowing and zero targets', () => {
    expect(blockProof(0x04923456)).toBe(0n);
    expect(blockProof(0xff123456)).toBe(0n);
    expect(blockProof(0x01003456)).toBe(0n);
    expect(expectedHashesPerBlock(0x01003456)).toBe(0);
  });
  it('expected hashes ~= difficulty * 2^48 / 65535 (the 2^32 rule of thumb)', () => {
    for (const bits of [0x1d00ffff, 0x17020f79, 0x1a05db8b]) {
      const ratio = expectedHashesPerBlock(bits) / ((difficultyFromBits(bits) * 2 ** 48) / 65535);
      expect(Math.abs(ratio - 1)).toBeLessThan(1e-9);
    }
  });
});

describe('input validation', () => {
  it('throws clear errors for bad bits, times and heights', () => {
    expect(() => nextWorkRequired(0x1d00ffff, Number.NaN, 0)).toThrow(RangeError);
    expect(() => nextWorkRequired(0x1d00ffff, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => nextWorkRequired(0x1d00ffff, 0.5, 0)).toThrow(/integer/);
    expect(() => nextWorkRequired(0x1d00ffff + 0.5, 0, 0)).toThrow(RangeError);
    expect(() => nextWorkRequired(-1, 0, 0)).toThrow(RangeError);
    expect(() => nextWorkRequired('1' as unknown as number, 0, 0)).toThrow(TypeError);
    expect(() => permittedDifficultyTransition(-1, 0x1d00ffff, 0x1d00ffff)).toThrow(/non-negative/);
    expect(() => permittedDifficultyTransition(2.5, 0x1d00ffff, 0x1d00ffff)).toThrow(RangeError);
    expect(() => permittedDifficultyTransition(2016, 0x1d00ffff, 2 ** 32)).toThrow(RangeError);
    expect(() => difficultyFromBits(Number.NaN)).toThrow(RangeError);
    expect(() => blockProof(1.25)).toThrow(RangeError);
    expect(() => nextWorkRequired(0x1d00ffff, 0, 1, { ...MAINNET, powLimit: 0n })).toThrow(RangeError);
  });
});

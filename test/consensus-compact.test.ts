import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactToTarget, targetToCompact } from '../src/consensus/index.ts';

const hex = (h: string): bigint => BigInt(`0x${h}`);

// Bitcoin Core src/test/arith_uint256_tests.cpp, test case "bignum_SetCompact":
// [bits, target as 64 hex digits, GetCompact(negative) result, negative flag passed back, fNegative, fOverflow].
const CORE_CASES: Array<[number, string, number, boolean, boolean, boolean]> = [
  [0x00000000, '0', 0, false, false, false],
  [0x00123456, '0', 0, false, false, false],
  [0x01003456, '0', 0, false, false, false],
  [0x02000056, '0', 0, false, false, false],
  [0x03000000, '0', 0, false, false, false],
  [0x04000000, '0', 0, false, false, false],
  [0x00923456, '0', 0, false, false, false],
  [0x01803456, '0', 0, false, false, false],
  [0x02800056, '0', 0, false, false, false],
  [0x03800000, '0', 0, false, false, false],
  [0x04800000, '0', 0, false, false, false],
  [0x01123456, '12', 0x01120000, false, false, false],
  [0x01fedcba, '7e', 0x01fe0000, true, true, false],
  [0x02123456, '1234', 0x02123400, false, false, false],
  [0x03123456, '123456', 0x03123456, false, false, false],
  [0x04123456, '12345600', 0x04123456, false, false, false],
  [0x04923456, '12345600', 0x04923456, true, true, false],
  [0x05009234, '92340000', 0x05009234, false, false, false],
  [0x20123456, '1234560000000000000000000000000000000000000000000000000000000000', 0x20123456, false, false, false],
];

describe('compact encoding (Core arith_uint256_tests bignum_SetCompact)', () => {
  for (const [bits, targetHex, compact, negIn, negative, overflow] of CORE_CASES) {
    it(`0x${bits.toString(16).padStart(8, '0')}`, () => {
      const r = compactToTarget(bits);
      expect(r.target).toBe(hex(targetHex));
      expect(r.negative).toBe(negative);
      expect(r.overflow).toBe(overflow);
      expect(targetToCompact(r.target, negIn)).toBe(compact);
    });
  }

  it('0xff123456 overflows and is not negative', () => {
    const r = compactToTarget(0xff123456);
    expect(r.negative).toBe(false);
    expect(r.overflow).toBe(true);
  });

  it('never produces the sign bit: GetCompact(0x80) == 0x02008000', () => {
    expect(targetToCompact(0x80n)).toBe(0x02008000);
  });

  it('powLimit 2^224-1 encodes as 0x1d00ffff (truncating)', () => {
    expect(targetToCompact((1n << 224n) - 1n)).toBe(0x1d00ffff);
    expect(compactToTarget(0x1d00ffff).target).toBe(0xffffn << 208n);
  });

  it('overflow flag boundaries follow Core (size > 34, or word > 0xff and size > 33, or word > 0xffff and size > 32)', () => {
    expect(compactToTarget(0x2200ffff).overflow).toBe(true); // size 34, word > 0xff
    expect(compactToTarget(0x220000ff).overflow).toBe(false); // 0xff * 256^31 < 2^256
    expect(compactToTarget(0x21010000).overflow).toBe(true); // size 33, word > 0xffff
    expect(compactToTarget(0x2100ffff).overflow).toBe(false);
    expect(compactToTarget(0x230000ff).overflow).toBe(true);
    expect(compactToTarget(0x23000000).overflow).toBe(false); // zero word never overflows
  });
});

/**
 * Normalized encodings, defined from Core's GetCompact independently of our code: the 23-bit word
 * is >= 0x8000 (a leading byte of 0 only when the next byte would hit the sign bit), bytes below
 * the value are zero for sizes < 3, and sizes stop at 33 (0x8000..0xffff), beyond which 256 bits overflow.
 */
const normalizedBits = fc
  .tuple(fc.integer({ min: 1, max: 33 }), fc.integer({ min: 0x8000, max: 0x7fffff }))
  .map(([size, word]) => {
    let w = size === 33 ? 0x8000 + (word % 0x8000) : word;
    if (size < 3) w -= w % 256 ** (3 - size);
    return [size, w] as const;
  })
  .filter(([, w]) => w >= 0x8000)
  .map(([size, w]) => (size * 0x1000000 + w) >>> 0);

describe('compact encoding properties', () => {
  it('targetToCompact(compactToTarget(x).target) == x for normalized x', () => {
    fc.assert(
      fc.property(normalizedBits, (bits) => {
        expect(targetToCompact(compactToTarget(bits).target)).toBe(bits);
      }),
      { seed: 20260101, numRuns: 2000 },
    );
  });

  it('truncation: the re-decoded target is <= the original and keeps its top 16+ bits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }), (t) => {
        const back = compactToTarget(targetToCompact(t)).target;
        expect(back <= t).toBe(true);
        // Mantissa keeps at least 15 significant bits below the leading one.
        const bits = t.toString(2).length;
        if (bits > 24) expect(t - back < 1n << BigInt(bits - 15)).toBe(true);
        else expect(back).toBe(t);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('negative flag round trip', () => {
    fc.assert(
      fc.property(normalizedBits, (bits) => {
        const neg = targetToCompact(compactToTarget(bits).target, true);
        expect(neg).toBe((bits | 0x00800000) >>> 0);
        expect(compactToTarget(neg).negative).toBe(true);
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe('compact encoding input validation', () => {
  it('rejects non-integer and out-of-range bits', () => {
    expect(() => compactToTarget(1.5)).toThrow(RangeError);
    expect(() => compactToTarget(-1)).toThrow(RangeError);
    expect(() => compactToTarget(2 ** 32)).toThrow(RangeError);
    expect(() => compactToTarget(Number.NaN)).toThrow(RangeError);
    expect(() => compactToTarget('0x1d00ffff' as unknown as number)).toThrow(TypeError);
  });
  it('rejects targets outside [0, 2^256)', () => {
    expect(() => targetToCompact(-1n)).toThrow(RangeError);
    expect(() => targetToCompact(1n << 256n)).toThrow(RangeError);
    expect(() => targetToCompact(5 as unknown as bigint)).toThrow(TypeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAINNET,
  calculateAsert,
  compactToTarget,
  createDifficultyAlgorithm,
  nextWorkRequired,
  targetToCompact,
} from '../src/consensus/index.ts';
import { AsertCalculator } from '../src/consensus/asert.ts';

const POW_LIMIT = MAINNET.powLimit;
const HALF_LIFE = 172_800; // two days: the aserti3-2d test vectors' half-life (see run04's time steps)

/**
 * Rows of the published aserti3-2d test vectors (bitcoin-cash-node qa-assets,
 * test_vectors/aserti3-2d/run01..run10, MIT licence; linked from the ASERT specification,
 * bitcoincash.org spec/2020-11-15-asert.md). Each row: height, time, expected nBits, for the given
 * anchor height, anchor parent ("ancestor") time and anchor nBits. A selection of rows is kept here.
 */
interface VectorRun {
  name: string;
  anchorHeight: number;
  anchorParentTime: number;
  anchorBits: number;
  consecutive: boolean;
  rows: Array<[number, number, number]>;
}

const RUNS: VectorRun[] = [
  {
    name: 'run01 steady 600 s blocks at the pow limit',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x1d00ffff,
    consecutive: true,
    rows: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((h) => [h, h * 600, 0x1d00ffff]),
  },
  {
    name: 'run02 steady 600 s blocks at 0x1a2b3c4d',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x1a2b3c4d,
    consecutive: true,
    rows: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((h) => [h, h * 600, 0x1a2b3c4d]),
  },
  {
    name: 'run03 steady 600 s blocks at the minimum target 0x01010000',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x01010000,
    consecutive: true,
    rows: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((h) => [h, h * 600, 0x01010000]),
  },
  {
    name: 'run04 half-life schedule jumps from the minimum target, doubling each block',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x01010000,
    consecutive: false,
    rows: [
      [2, 174000, 0x01020000],
      [3, 347400, 0x01040000],
      [4, 520800, 0x01080000],
      [5, 694200, 0x01100000],
      [6, 867600, 0x01200000],
      [7, 1041000, 0x01400000],
      [8, 1214400, 0x02008000],
      [9, 1387800, 0x02010000],
      [16, 2601600, 0x03008000],
      [101, 17340600, 0x0d100000],
      [200, 34507200, 0x1a008000],
      [224, 38668800, 0x1d008000],
      [225, 38842200, 0x1d00ffff],
      [226, 39015600, 0x1d00ffff],
    ],
  },
  {
    name: 'run05 half-life height jumps without time from the pow limit, halving each step',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x1d00ffff,
    consecutive: false,
    rows: [
      [2, 0, 0x1d00fec5],
      [290, 0, 0x1c7f62c0],
      [578, 0, 0x1c3fb160],
      [2306, 0, 0x1c00fec5],
      [29954, 0, 0x1000fec5],
      [59906, 0, 0x0300fec5],
      [60194, 0, 0x027f6200],
      [62210, 0, 0x0200fe00],
      [62498, 0, 0x017f0000],
      [63938, 0, 0x01030000],
      [64226, 0, 0x01010000],
      [64514, 0, 0x01010000],
    ],
  },
  {
    name: 'run06 random solve times around 0x1802aee8 (first 30 rows)',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x1802aee8,
    consecutive: true,
    rows: [
      [2, 1200, 0x1802aee8], [3, 1310, 0x1802ad91], [4, 1327, 0x1802abf8], [5, 1739, 0x1802ab73],
      [6, 2219, 0x1802ab20], [7, 2604, 0x1802aa89], [8, 2746, 0x1802a94b], [9, 7099, 0x1802b39c],
      [10, 7099, 0x1802b1f2], [11, 7657, 0x1802b1d4], [12, 8626, 0x1802b2db], [13, 8816, 0x1802b1b7],
      [14, 9632, 0x1802b252], [15, 10804, 0x1802b3e7], [16, 11727, 0x1802b4ce], [17, 11761, 0x1802b33c],
      [18, 13000, 0x1802b501], [19, 14144, 0x1802b686], [20, 15302, 0x1802b816], [21, 15443, 0x1802b6cf],
      [22, 18902, 0x1802bed6], [23, 19348, 0x1802be68], [24, 20359, 0x1802bf92], [25, 20760, 0x1802bf01],
      [26, 21285, 0x1802becb], [27, 21425, 0x1802bd7c], [28, 21985, 0x1802bd61], [29, 22100, 0x1802bc02],
      [30, 22170, 0x1802ba85], [31, 23287, 0x1802bbf9],
    ],
  },
  {
    name: 'run09 300 s blocks across the signed 32-bit height limit',
    anchorHeight: 2147483642,
    anchorParentTime: 1234567290,
    anchorBits: 0x1802aee8,
    consecutive: true,
    rows: [
      [2147483643, 1234568190, 0x1802ae16], [2147483644, 1234568490, 0x1802ad44],
      [2147483645, 1234568790, 0x1802ac71], [2147483646, 1234569090, 0x1802ab9e],
      [2147483647, 1234569390, 0x1802aacd], [2147483648, 1234569690, 0x1802a9fa],
      [2147483649, 1234569990, 0x1802a929], [2147483650, 1234570290, 0x1802a858],
      [2147483651, 1234570590, 0x1802a787], [2147483652, 1234570890, 0x1802a6b7],
    ],
  },
  {
    // Heights beyond 2^63 in the original; only the differences enter the formula, so they are
    // re-based here to anchor height 1 (height diff 1..10, time diff 1500 + 900 s per block).
    name: 'run10 900 s blocks (re-based from the signed 64-bit height limit)',
    anchorHeight: 1,
    anchorParentTime: 0,
    anchorBits: 0x1802aee8,
    consecutive: true,
    rows: [
      [2, 1500, 0x1802afbb], [3, 2400, 0x1802b08f], [4, 3300, 0x1802b166], [5, 4200, 0x1802b23a],
      [6, 5100, 0x1802b30e], [7, 6000, 0x1802b3e5], [8, 6900, 0x1802b4bb], [9, 7800, 0x1802b592],
      [10, 8700, 0x1802b669], [11, 9600, 0x1802b73d],
    ],
  },
];

describe('aserti3-2d against the published test vectors', () => {
  for (const run of RUNS) {
    it(`${run.name}: exact reference`, () => {
      const ref = compactToTarget(run.anchorBits).target;
      for (const [h, t, expected] of run.rows) {
        const got = targetToCompact(calculateAsert(ref, 600, t - run.anchorParentTime, h - run.anchorHeight, POW_LIMIT, HALF_LIFE));
        expect(got, `height ${h}`).toBe(expected);
      }
    });

    it(`${run.name}: allocation-free calculator`, () => {
      const calc = new AsertCalculator(run.anchorBits, 600, HALF_LIFE, POW_LIMIT, 0x1d00ffff);
      for (const [h, t, expected] of run.rows) {
        expect(calc.bits(t - run.anchorParentTime, h - run.anchorHeight), `height ${h}`).toBe(expected);
      }
    });

    if (run.consecutive) {
      it(`${run.name}: through the DifficultyAlgorithm interface`, () => {
        // The simulation's tip is the anchor's parent; the anchor is the first simulated block.
        const algo = createDifficultyAlgorithm(
          { algorithm: 'asert', halfLifeSeconds: HALF_LIFE },
          { height: run.anchorHeight - 1, bits: run.anchorBits, time: run.anchorParentTime },
        );
        expect(algo.nextBits).toBe(run.anchorBits);
        let height = run.anchorHeight;
        algo.onBlock(height, run.anchorParentTime + 600);
        for (const [h, t, expected] of run.rows) {
          expect(h).toBe(height + 1);
          height = h;
          expect(algo.onBlock(h, t + 0.9), `height ${h}`).toBe(expected); // fractional seconds are floored
          expect(algo.nextBits).toBe(expected);
        }
      });
    }
  }
});

describe('aserti3-2d properties', () => {
  const anchorArb = fc
    .tuple(fc.integer({ min: 0x04, max: 0x1c }), fc.integer({ min: 0x010000, max: 0x7fffff }))
    .map(([s, w]) => (s * 0x1000000 + w) >>> 0);

  it('blocks exactly on schedule never change the target', () => {
    fc.assert(
      fc.property(anchorArb, fc.integer({ min: 0, max: 10_000_000 }), (bits, h) => {
        const calc = new AsertCalculator(bits, 600, HALF_LIFE, POW_LIMIT, 0x1d00ffff);
        expect(calc.bits(600 * (h + 1), h)).toBe(bits);
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('one half-life behind/ahead of schedule doubles/halves the target', () => {
    fc.assert(
      fc.property(anchorArb, fc.integer({ min: 0, max: 100_000 }), (bits, h) => {
        const calc = new AsertCalculator(bits, 600, HALF_LIFE, POW_LIMIT, 0x1d00ffff);
        const ref = compactToTarget(bits).target;
        // Whole half-lives hit frac = 0, where the factor is exactly 65536: exact doubling/halving.
        expect(compactToTarget(calc.bits(600 * (h + 1) + HALF_LIFE, h)).target).toBe(
          compactToTarget(targetToCompact(ref * 2n)).target,
        );
        expect(compactToTarget(calc.bits(600 * (h + 1) - HALF_LIFE, h)).target).toBe(
          compactToTarget(targetToCompact(ref / 2n)).target,
        );
      }),
      { seed: 2, numRuns: 500 },
    );
  });

  it('the fixed-point target is within 0.013% (spec bound) + truncation of target * 2^x in floating point', () => {
    fc.assert(
      fc.property(anchorArb, fc.integer({ min: -3 * HALF_LIFE, max: 3 * HALF_LIFE }), (bits, drift) => {
        const ref = compactToTarget(bits).target;
        const next = compactToTarget(targetToCompact(calculateAsert(ref, 600, 600 + drift, 0, POW_LIMIT, HALF_LIFE))).target;
        const exponent = Math.trunc((drift * 65536) / HALF_LIFE) / 65536;
        const ideal = Number(ref) * 2 ** exponent;
        fc.pre(ideal < Number(POW_LIMIT) / 2 && ideal > 2 ** 40);
        const rel = Number(next) / ideal - 1;
        expect(rel).toBeLessThan(0.00013);
        expect(rel).toBeGreaterThan(-0.00013 - 2 ** -15);
      }),
      { seed: 3, numRuns: 1000 },
    );
  });

  it('the allocation-free calculator equals the exact 256-bit reference', () => {
    const anyBits = fc
      .tuple(fc.integer({ min: 0x01, max: 0x1d }), fc.integer({ min: 1, max: 0x7fffff }))
      .map(([s, w]) => (s * 0x1000000 + w) >>> 0)
      .filter((b) => {
        const { target, negative, overflow } = compactToTarget(b);
        return !negative && !overflow && target > 0n && target <= POW_LIMIT;
      });
    fc.assert(
      fc.property(
        anyBits,
        fc.integer({ min: -50_000_000, max: 50_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (bits, drift, h, halfLife) => {
          const calc = new AsertCalculator(bits, 600, halfLife, POW_LIMIT, 0x1d00ffff);
          const timeDiff = 600 * h + drift;
          const exact = calculateAsert(compactToTarget(bits).target, 600, timeDiff, h, POW_LIMIT, halfLife);
          expect(calc.bits(timeDiff, h)).toBe(targetToCompact(exact));
        },
      ),
      { seed: 4, numRuns: 3000 },
    );
  });

  it('targets stay within [1, powLimit]', () => {
    const calc = new AsertCalculator(0x1d00ffff, 600, HALF_LIFE, POW_LIMIT, 0x1d00ffff);
    expect(calc.bits(10 ** 9, 0)).toBe(0x1d00ffff);
    expect(calc.bits(-(10 ** 9), 0)).toBe(0x01010000);
    expect(calculateAsert(1n, 600, -(10 ** 9), 0, POW_LIMIT, HALF_LIFE)).toBe(1n);
    expect(calculateAsert(POW_LIMIT, 600, 10 ** 9, 0, POW_LIMIT, HALF_LIFE)).toBe(POW_LIMIT);
  });
});

describe('bitcoin DifficultyAlgorithm', () => {
  it('retargets exactly at period ends with the period-first-block time (2015 intervals)', () => {
    const algo = createDifficultyAlgorithm({ algorithm: 'bitcoin' }, { height: 2015, bits: 0x1c05a3f4, time: 1_000_000 });
    const times: number[] = [];
    let t = 1_000_000;
    for (let h = 2016; h < 2016 * 3; h++) {
      t += 500 + (h % 7) * 37;
      times[h] = t;
      const before = algo.nextBits;
      const bits = algo.onBlock(h, t);
      if ((h + 1) % 2016 === 0) {
        expect(bits).toBe(nextWorkRequired(before, times[h - 2015]!, t));
      } else {
        expect(bits).toBe(before);
      }
    }
    expect(algo.nextBits).not.toBe(0x1c05a3f4);
  });

  it('reproduces Core get_next_work when started mid-period with the period start time', () => {
    const algo = createDifficultyAlgorithm(
      { algorithm: 'bitcoin' },
      { height: 32254, bits: 0x1d00ffff, time: 1262152000, epochFirstBlockTime: 1261130161 },
    );
    expect(algo.onBlock(32255, 1262152739)).toBe(0x1d00d86a);
  });

  it('assumes on-schedule 600 s blocks back to the period start when its time is not given', () => {
    const tip = 2016 * 10 + 1000;
    const algo = createDifficultyAlgorithm({ algorithm: 'bitcoin' }, { height: tip, bits: 0x1b0404cb, time: 2_000_000 });
    let t = 2_000_000;
    for (let h = tip + 1; h < 2016 * 11; h++) algo.onBlock(h, (t += 600));
    // The whole period ran at 600 s, so the timespan is 2015 * 600 s.
    expect(algo.nextBits).toBe(nextWorkRequired(0x1b0404cb, 2_000_000 - 1000 * 600, t));
  });

  it('validates its inputs', () => {
    const mk = (start: Partial<{ height: number; bits: number; time: number }>) =>
      createDifficultyAlgorithm({ algorithm: 'bitcoin' }, { height: 10, bits: 0x1d00ffff, time: 0, ...start });
    expect(() => mk({ height: -1 })).toThrow(RangeError);
    expect(() => mk({ bits: 0x1d00ffff + 0.5 })).toThrow(RangeError);
    expect(() => mk({ bits: 0x1e00ffff })).toThrow(/powLimit/);
    expect(() => mk({ bits: 0x04923456 })).toThrow(RangeError);
    expect(() => mk({ time: Number.NaN })).toThrow(RangeError);
    const algo = mk({});
    expect(() => algo.onBlock(12, 600)).toThrow(/expected height 11/);
    expect(() => algo.onBlock(11, Number.NaN)).toThrow(RangeError);
    expect(() =>
      createDifficultyAlgorithm({ algorithm: 'asert', halfLifeSeconds: 0 }, { height: 1, bits: 0x1d00ffff, time: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      createDifficultyAlgorithm({ algorithm: 'lwma' } as never, { height: 1, bits: 0x1d00ffff, time: 0 }),
    ).toThrow(/unknown difficulty algorithm/);
  });
});

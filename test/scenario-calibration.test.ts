import { describe, expect, it } from 'vitest';
import { difficultyFromBits, permittedDifficultyTransition } from '../src/consensus/index.ts';
import { EPOCH_BITS } from '../src/scenario/retarget-data.ts';
import { bitsAtHeight, dateToUnix, epochStartTime, heightAtTime, resolveStart } from '../src/scenario/calibration.ts';

describe('calibrated start from the retarget data', () => {
  it('the embedded bits form a chain of permitted difficulty transitions', () => {
    for (let i = 1; i < EPOCH_BITS.length; i++) {
      expect(permittedDifficultyTransition(i * 2016, EPOCH_BITS[i - 1]!, EPOCH_BITS[i]!)).toBe(true);
    }
    expect(EPOCH_BITS.length).toBe(474);
    expect(bitsAtHeight(953_568)).toBe(0x170240c3);
    expect(difficultyFromBits(bitsAtHeight(921_312)) / 1e12).toBeCloseTo(155.97, 2);
  });

  // Real block timestamps (the halvings) that the estimate was NOT fitted to, except 840,000 (the anchor).
  // Expected error: one block interval (~10 min) per epoch as a random walk, plus the within-epoch
  // interpolation (hashrate fell after some halvings, so blocks were not evenly spaced): < 1 day.
  const realTimes: [number, string][] = [
    [210_000, '2012-11-28T15:24:38Z'],
    [420_000, '2016-07-09T16:46:13Z'],
    [630_000, '2020-05-11T19:23:43Z'],
    [840_000, '2024-04-20T00:09:27Z'],
  ];
  it.each(realTimes)('block %i is placed within a day of its real time', (height, iso) => {
    const real = Date.parse(iso) / 1000;
    const epoch = Math.floor(height / 2016);
    const t0 = epochStartTime(epoch)!;
    const est = t0 + ((height - epoch * 2016) * (epochStartTime(epoch + 1)! - t0)) / 2016;
    expect(Math.abs(est - real)).toBeLessThan(86_400);
    expect(Math.abs(heightAtTime(real) - height)).toBeLessThan(150); // ~1 day of blocks
  });

  it('matches the dated facts of DESIGN section 12', () => {
    // 155.97T at height 921,312: October 2025; ~133.8T in March 2026.
    expect(new Date(epochStartTime(921_312 / 2016)! * 1000).toISOString().slice(0, 7)).toBe('2025-10');
    const mar = Math.floor(941_472 / 2016);
    expect(difficultyFromBits(EPOCH_BITS[mar]!) / 1e12).toBeCloseTo(133.79, 1);
    expect(new Date(epochStartTime(mar)! * 1000).toISOString().slice(0, 7)).toBe('2026-03');
  });

  it('resolveStart: default date, consistent fields, monotone in the date', () => {
    const s = resolveStart({ start: { date: '2026-03-01' } });
    expect(s.time).toBe(dateToUnix('2026-03-01'));
    expect(s.bits).toBe(bitsAtHeight(s.height + 1));
    const epochStart = Math.floor(s.height / 2016) * 2016;
    expect(s.epochFirstBlockTime).toBeLessThanOrEqual(s.time);
    // The epoch ran at roughly 10 minutes per block up to the tip.
    expect((s.time - s.epochFirstBlockTime) / Math.max(1, s.height - epochStart)).toBeGreaterThan(500);
    expect((s.time - s.epochFirstBlockTime) / Math.max(1, s.height - epochStart)).toBeLessThan(700);
    let prev = 0;
    for (let d = 0; d < 400; d += 3) {
      const date = new Date(Date.parse('2025-06-01') + d * 86_400_000).toISOString().slice(0, 10);
      const h = resolveStart({ start: { date } }).height;
      expect(h).toBeGreaterThan(prev);
      // ~144 blocks a day.
      if (prev > 0) expect(h - prev).toBeGreaterThan(3 * 110);
      if (prev > 0) expect(h - prev).toBeLessThan(3 * 180);
      prev = h;
    }
  });

  it('beyond the data: nominal 600 s blocks with the last known bits; explicit height/bits win', () => {
    const late = resolveStart({ start: { date: '2027-01-01' } });
    const lastStart = epochStartTime(473)!;
    expect(late.height).toBe(953_568 + Math.floor((dateToUnix('2027-01-01') - lastStart) / 600));
    expect(late.bits).toBe(0x170240c3);
    const own = resolveStart({ start: { date: '2026-03-01', height: 1000, bits: '0x1d00ffff' } });
    expect(own).toMatchObject({ height: 1000, bits: 0x1d00ffff });
    expect(() => resolveStart({ start: { date: '2009-01-03' } })).toThrow(/start\.date: no calibration before 2010/);
  });
});

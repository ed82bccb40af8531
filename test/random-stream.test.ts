import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream, deriveStream, streamKey, type StreamIdentity } from '../src/random/index.ts';

const ID: StreamIdentity = { seed: 20260101, scenario: 'base', runIndex: 0, component: 'price' };

function draw(s: RandomStream, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(s.uniform());
  return out;
}

/** A mixed sequence exercising every method, so state round trips cover the cached normal deviate too. */
function mixed(s: RandomStream, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(s.uniform(), s.normal(), s.exponential(2), s.poisson(4), s.poisson(80), s.gamma(0.7), s.beta(2, 3));
    out.push(s.triangular(0, 1, 3), s.lognormal(0, 1), s.int(10), s.normal(5, 2));
  }
  return out;
}

describe('reproducibility', () => {
  it('the same identity gives the same sequence, regardless of what else was created or drawn first', () => {
    const a = mixed(deriveStream(ID), 200);
    const noise = deriveStream({ ...ID, component: 'fees' });
    draw(noise, 1234);
    const b = mixed(deriveStream({ ...ID }), 200);
    expect(b).toEqual(a);
  });

  it('numbers and equal strings as seeds name the same stream (a seed typed on the CLI arrives as text)', () => {
    expect(draw(deriveStream({ ...ID, seed: '20260101' }), 10)).toEqual(draw(deriveStream(ID), 10));
  });

  it('uniform draws lie in [0, 1) and uniformOpen in (0, 1)', () => {
    const s = deriveStream(ID);
    let ok = true;
    for (let i = 0; i < 100_000; i++) {
      const u = s.uniform();
      const v = s.uniformOpen();
      ok &&= u >= 0 && u < 1 && v > 0 && v < 1;
    }
    expect(ok).toBe(true);
  });
});

describe('state save and restore', () => {
  it('a restored stream continues exactly where the saved one stood (odd normal count: spare cached)', () => {
    const s = deriveStream(ID);
    mixed(s, 37);
    s.normal(); // leaves a spare deviate in the state
    const saved = s.state();
    const expected = mixed(s, 100);
    expect(mixed(RandomStream.fromState(saved), 100)).toEqual(expected);
  });

  it('round trips through JSON', () => {
    const s = deriveStream({ ...ID, runIndex: 7 });
    mixed(s, 11);
    s.normal();
    const json = JSON.stringify(s.state());
    const expected = mixed(s, 100);
    expect(mixed(RandomStream.fromState(JSON.parse(json)), 100)).toEqual(expected);
  });

  it('saving does not disturb the stream and state() is a snapshot, not a live view', () => {
    const a = deriveStream(ID);
    const b = deriveStream(ID);
    draw(a, 10);
    draw(b, 10);
    const snap = a.state();
    const snapJson = JSON.stringify(snap);
    expect(draw(a, 50)).toEqual(draw(b, 50));
    expect(JSON.stringify(snap)).toBe(snapJson);
  });

  it('rejects a state saved for another key or a malformed state', () => {
    const st = deriveStream(ID).state();
    expect(() => new RandomStream('other', st)).toThrow(RangeError);
    expect(() => RandomStream.fromState({ ...st, prng: {} })).toThrow(RangeError);
    expect(() => RandomStream.fromState({ ...st, prng: { X: [1, 2, 3], i: 0, w: 0 } })).toThrow(RangeError);
  });
});

/** Pearson correlation. */
function corr(x: number[], y: number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('independence of derived streams', () => {
  const n = 50_000;
  // Under independence the sample correlation is ~N(0, 1/n): 5 standard errors.
  const tol = 5 / Math.sqrt(n);
  const variants: Array<[string, StreamIdentity]> = [
    ['next run index', { ...ID, runIndex: 1 }],
    ['distant run index', { ...ID, runIndex: 123_456 }],
    ['other component', { ...ID, component: 'fees' }],
    ['other scenario', { ...ID, scenario: 'base2' }],
    ['other seed', { ...ID, seed: 20260102 }],
  ];
  const base = draw(deriveStream(ID), n + 3);

  for (const [name, id] of variants) {
    it(`${name}: uncorrelated at lags -3..3`, () => {
      const other = draw(deriveStream(id), n + 3);
      for (let lag = -3; lag <= 3; lag++) {
        const x = base.slice(Math.max(0, lag), Math.max(0, lag) + n);
        const y = other.slice(Math.max(0, -lag), Math.max(0, -lag) + n);
        expect(Math.abs(corr(x, y)), `lag ${lag}`).toBeLessThan(tol);
      }
    });
  }

  it('streams of 200 consecutive runs share no draws among their first 1000', () => {
    const seen = new Set<number>();
    for (let run = 0; run < 200; run++) {
      for (const u of draw(deriveStream({ ...ID, runIndex: run }), 1000)) seen.add(u);
    }
    // 200k 53-bit uniforms: a collision by chance has probability ~2e-6.
    expect(seen.size).toBe(200 * 1000);
  });
});

describe('streamKey', () => {
  it('distinct identities give distinct keys (fields are length-prefixed)', () => {
    expect(streamKey({ ...ID, scenario: 'a|1', runIndex: 2 })).not.toBe(streamKey({ ...ID, scenario: 'a', runIndex: 12 }));
    fc.assert(
      fc.property(
        fc.record({ seed: fc.oneof(fc.integer(), fc.string()), scenario: fc.string(), runIndex: fc.nat(), component: fc.string() }),
        fc.record({ seed: fc.oneof(fc.integer(), fc.string()), scenario: fc.string(), runIndex: fc.nat(), component: fc.string() }),
        (a, b) => {
          const same = String(a.seed) === String(b.seed) && a.scenario === b.scenario && a.runIndex === b.runIndex && a.component === b.component;
          expect(streamKey(a) === streamKey(b)).toBe(same);
        },
      ),
      { seed: 99, numRuns: 2000 },
    );
  });

  it('rejects invalid run indexes and seeds', () => {
    expect(() => streamKey({ ...ID, runIndex: -1 })).toThrow(RangeError);
    expect(() => streamKey({ ...ID, runIndex: 1.5 })).toThrow(RangeError);
    expect(() => streamKey({ ...ID, seed: Number.NaN })).toThrow(RangeError);
  });
});

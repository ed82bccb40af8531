// The engine's xor4096 (src/random/xor4096.ts) against seedrandom 3.0.5's own (the implementation
// every earlier result was drawn with): the same doubles draw for draw, from the same keys, and the
// same saved states, in both directions.
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { deriveStream, streamKey } from '../src/random/index.ts';
import { RandomStream } from '../src/random/stream.ts';
import { Xor4096, type Xor4096State } from '../src/random/xor4096.ts';

type Reference = { double(): number; state(): Xor4096State };
const reference = (key: string, state?: Xor4096State): Reference =>
  seedrandom.xor4096(key, { state: (state ?? true) as true }) as unknown as Reference;

const draws = (g: { double(): number }, n: number): number[] => Array.from({ length: n }, () => g.double());

describe('xor4096 against seedrandom', () => {
  it('the same doubles from the keys the engine derives (every component of a run)', () => {
    for (const component of ['price', 'fees', 'blocks', 'population', 'finance', 'winners', 'fringe-noise']) {
      for (const runIndex of [0, 1, 17, 4095]) {
        const key = streamKey({ seed: 2026, scenario: 'hashsim', runIndex, component });
        expect(draws(new Xor4096(key), 2000)).toStrictEqual(draws(reference(key), 2000));
      }
    }
  });

  it('the same doubles from any string key (empty, long, non-ASCII, astral)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 200 })), (key) => {
        expect(draws(new Xor4096(key), 300)).toStrictEqual(draws(reference(key), 300));
      }),
      { numRuns: 300 },
    );
  });

  it('saved states are seedrandom\'s format and continue identically in either implementation', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.nat({ max: 500 }), (key, skip) => {
        const ours = new Xor4096(key);
        const theirs = reference(key);
        draws(ours, skip);
        draws(theirs, skip);
        const saved = ours.state();
        expect(JSON.stringify(saved)).toBe(JSON.stringify(theirs.state()));
        const restored = JSON.parse(JSON.stringify(saved)) as Xor4096State;
        const next = draws(new Xor4096(key, restored), 200);
        expect(next).toStrictEqual(draws(reference(key, restored), 200));
        expect(next).toStrictEqual(draws(ours, 200));
      }),
      { numRuns: 100 },
    );
  });

  it('a RandomStream restored from its state continues with the same draws', () => {
    const a = deriveStream({ seed: 1, scenario: 'x', runIndex: 3, component: 'price' });
    for (let k = 0; k < 77; k++) a.normal();
    const b = RandomStream.fromState(JSON.parse(JSON.stringify(a.state())));
    expect(Array.from({ length: 500 }, () => b.normal())).toStrictEqual(Array.from({ length: 500 }, () => a.normal()));
  });
});

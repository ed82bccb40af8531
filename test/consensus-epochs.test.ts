import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { difficultyFromBits, permittedDifficultyTransition } from '../src/consensus/index.ts';

// Real mainnet retargets (see test/fixtures/README.md for provenance and licence).
const rows = readFileSync(new URL('./fixtures/btc-retarget-epochs.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [epoch, start, bits, difficulty] = line.split(',');
    return { epoch: Number(epoch), start: Number(start), bits: Number.parseInt(bits!, 16), difficulty: Number(difficulty) };
  });

describe('real Bitcoin mainnet retargets', () => {
  it('has 474 contiguous epochs of 2016 blocks', () => {
    expect(rows).toHaveLength(474);
    rows.forEach((r, i) => {
      expect(r.epoch).toBe(i);
      expect(r.start).toBe(i * 2016);
    });
  });

  it('every consecutive pair is a permitted difficulty transition', () => {
    for (let i = 1; i < rows.length; i++) {
      expect(permittedDifficultyTransition(rows[i]!.start, rows[i - 1]!.bits, rows[i]!.bits), `epoch ${i}`).toBe(true);
    }
  });

  it('a transition at a non-retarget height is rejected whenever the bits changed', () => {
    let changed = 0;
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.bits === rows[i - 1]!.bits) continue;
      changed++;
      expect(permittedDifficultyTransition(rows[i]!.start + 1, rows[i - 1]!.bits, rows[i]!.bits)).toBe(false);
    }
    expect(changed).toBeGreaterThan(400);
  });

  it('the difficulty column matches difficultyFromBits to float precision', () => {
    for (const r of rows) {
      expect(Math.abs(difficultyFromBits(r.bits) / r.difficulty - 1), `epoch ${r.epoch}`).toBeLessThan(1e-14);
    }
  });
});

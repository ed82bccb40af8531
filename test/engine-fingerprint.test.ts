import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_FILE, fingerprint, shippedScenarios } from '../scripts/fingerprints.ts';

// Every shipped scenario's output, bit for bit, against the committed fingerprints: a change meant
// to be a pure speed-up or refactor must leave them all unchanged; a change of the model regenerates
// them on purpose (`npx tsx scripts/fingerprints.ts --write`, with the reason in the commit).

describe('engine fingerprints of the shipped scenarios', () => {
  const want = JSON.parse(readFileSync(FINGERPRINT_FILE, 'utf8')) as Record<string, string[]>;
  it('covers every shipped scenario', () => {
    expect(Object.keys(want).sort()).toEqual(shippedScenarios().map((f) => f.slice(f.indexOf('scenarios/'))).sort());
  });
  for (const [file, fps] of Object.entries(want)) {
    it(`${file}: runs 0 and 1 (120 days) are unchanged`, () => {
      const path = new URL(`../${file}`, import.meta.url).pathname;
      fps.forEach((fp, k) => expect(fingerprint(path, k)).toBe(fp));
    });
  }
});

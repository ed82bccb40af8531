// Fingerprints of the engine's output for every shipped scenario (two runs each, first 120 days):
// a sha256 of the series, summary and named-miner outcomes. test/engine-fingerprint.test.ts checks
// them, so a change meant to be a pure speed-up (issue 15) cannot change a single bit of a result.
// When the model changes on purpose: `npx tsx scripts/fingerprints.ts --write` and say why in the commit.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioForRun } from '../src/calibrate/apply.ts';
import { simulate } from '../src/engine/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const FINGERPRINT_FILE = `${root}test/fixtures/fingerprints.json`;

/** sha256 of a run's outputs (numbers as their exact IEEE bits, via Float64Array bytes). */
export function fingerprint(file: string, runIndex: number): string {
  const loaded = loadScenarioFile(file);
  const sc = { ...scenarioForRun(loaded.scenario, 7, runIndex), horizonDays: Math.min(loaded.scenario.horizonDays, 120) };
  const r = simulate(sc, { seed: 7, runIndex });
  const h = createHash('sha256');
  for (const [k, v] of Object.entries(r.series)) {
    h.update(k);
    h.update(new Uint8Array(Float64Array.from(v as ArrayLike<number>).buffer));
  }
  h.update(JSON.stringify(r.summary));
  h.update(JSON.stringify(r.miners));
  return h.digest('hex');
}

export function shippedScenarios(): string[] {
  return readdirSync(`${root}scenarios`)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `${root}scenarios/${f}`);
}

if (process.argv.includes('--write')) {
  const out: Record<string, string[]> = {};
  for (const f of shippedScenarios()) out[f.slice(root.length)] = [0, 1].map((k) => fingerprint(f, k));
  writeFileSync(FINGERPRINT_FILE, JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${FINGERPRINT_FILE}`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const want = JSON.parse(readFileSync(FINGERPRINT_FILE, 'utf8')) as Record<string, string[]>;
  let bad = 0;
  for (const [f, fps] of Object.entries(want)) {
    fps.forEach((fp, k) => {
      const got = fingerprint(`${root}${f}`, k);
      if (got !== fp) {
        bad++;
        console.log(`${f} run ${k}: ${got} (expected ${fp})`);
      }
    });
  }
  console.log(bad === 0 ? 'all fingerprints match' : `${bad} differ`);
  process.exitCode = bad === 0 ? 0 : 1;
}

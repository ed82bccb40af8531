import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { loadScenarioFile, scenarioNotes, setAllowOutsideFiles } from '../../scenario/load.ts';
import { resolveStart } from '../../scenario/calibration.ts';
import { ScenarioError } from '../../scenario/errors.ts';
import { readDocument } from '../../sweep/load.ts';
import { prepareSweep } from '../../sweep/run.ts';

/** A sweep file rather than a scenario: an object with `design` and `base` (docs/SWEEPS.md). */
function looksLikeSweep(file: string): boolean {
  let doc: unknown;
  try {
    doc = readDocument(file);
  } catch {
    return false; // the scenario loader reports the problem
  }
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'design' in doc && 'base' in doc;
}

function validateSweep(file: string): string[] {
  const p = prepareSweep(file);
  const s = p.sweep.spec;
  const d = s.design;
  const k = Object.keys(d.parameters).length;
  const size =
    d.type === 'sobol'
      ? `N = ${d.samples}${d.secondOrder ? ', second order' : ''}`
      : d.type === 'morris'
        ? `r = ${d.trajectories} trajectories, ${d.levels} levels`
        : d.type === 'lhs'
          ? `${d.points} points`
          : '';
  const runs = p.points.length * s.replications;
  const analysis = s.analysis.outcome ? `; outcome "${s.analysis.outcome}"` : '';
  return [
    `OK ${file}: sweep "${p.sweep.name}", ${d.type} design (${size ? `${size}; ` : ''}${k} parameter${k === 1 ? '' : 's'}: ${p.points.length} points) x ${s.replications} replications = ` +
      `${runs.toLocaleString('en-US')} runs${s.baseline ? ` + ${s.replications} of the base scenario` : ''}, base "${p.base.name}"${analysis}`,
  ];
}

/** Checks one file (a scenario or a sweep file); returns the lines to print and whether it is valid. */
export function validateFile(file: string): { ok: boolean; lines: string[] } {
  try {
    if (looksLikeSweep(file)) return { ok: true, lines: validateSweep(file) };
    const { scenario } = loadScenarioFile(file, { requireHashrate: true });
    const start = resolveStart(scenario);
    const who = `${scenario.miners.length} miner${scenario.miners.length === 1 ? '' : 's'}, ${scenario.populations.length} population${scenario.populations.length === 1 ? '' : 's'}`;
    return {
      ok: true,
      lines: [`OK ${file}: "${scenario.name}", ${scenario.horizonDays} days from ${start.dateIso} (height ${start.height}), price ${scenario.price.model}, ${who}`, ...scenarioNotes(scenario).map((n) => `${file}: ${n}`)],
    };
  } catch (err) {
    if (err instanceof ScenarioError) {
      return { ok: false, lines: err.problems.map((p) => `${file}: ${p.path === '' ? '(scenario)' : p.path}: ${p.message}`) };
    }
    if (err instanceof HashsimError) {
      const lines = err.message.split('\n').map((l) => (l.startsWith(file) ? l : `${file}: ${l}`));
      return { ok: false, lines };
    }
    throw err;
  }
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario and sweep files (YAML or JSON): prints OK per valid file, else every problem with its field path')
    .argument('<file...>', 'scenario or sweep files')
    .option('--allow-outside-files', "accept data files outside the scenario's folder and the working folder")
    .action((files: string[], flags: { allowOutsideFiles?: boolean }) => {
      if (flags.allowOutsideFiles) setAllowOutsideFiles(true);
      let failed = 0;
      for (const file of files) {
        const { ok, lines } = validateFile(file);
        (ok ? process.stdout : process.stderr).write(lines.join('\n') + '\n');
        if (!ok) failed++;
      }
      if (failed > 0) {
        if (files.length > 1) process.stderr.write(`${failed} of ${files.length} files invalid\n`);
        process.exitCode = 1;
      }
    });
}

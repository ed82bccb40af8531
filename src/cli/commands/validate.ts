import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { loadScenarioFile } from '../../scenario/load.ts';
import { resolveStart } from '../../scenario/calibration.ts';
import { ScenarioError } from '../../scenario/errors.ts';

/** Checks one file; returns the lines to print and whether it is valid. */
export function validateFile(file: string): { ok: boolean; lines: string[] } {
  try {
    const { scenario } = loadScenarioFile(file);
    const start = resolveStart(scenario);
    const who = `${scenario.miners.length} miner${scenario.miners.length === 1 ? '' : 's'}, ${scenario.populations.length} population${scenario.populations.length === 1 ? '' : 's'}`;
    return {
      ok: true,
      lines: [`OK ${file}: "${scenario.name}", ${scenario.horizonDays} days from ${start.dateIso} (height ${start.height}), price ${scenario.price.model}, ${who}`],
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
    .description('check scenario files (YAML or JSON): prints OK per valid file, else every problem with its field path')
    .argument('<file...>', 'scenario files')
    .action((files: string[]) => {
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

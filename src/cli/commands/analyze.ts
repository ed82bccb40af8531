import type { Command } from 'commander';
import { HashsimError } from '../../errors.ts';
import { analysisSettings, analyzeSweepSet, readSensitivity, readSweepDocument } from '../../sweep/analyze.ts';
import type { AnalysisInput } from '../../sweep/schema.ts';

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[0-9]+$/.test(v) || !Number.isInteger(n) || n < 1) throw new HashsimError(`${flag}: expected a positive integer, got "${v}"`);
    return n;
  };
}

function fraction(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new HashsimError(`${flag}: expected a number between 0 and 1, got "${v}"`);
    return n;
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

interface AnalyzeFlags {
  metric?: string[];
  outcome?: string;
  bootstrap?: number;
  confidence?: number;
  threshold?: number;
  x?: string;
  y?: string;
  charts: boolean;
  png: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description(
      're-run the analysis of an existing sweep folder without simulating: Sobol or Morris indices with bootstrap intervals per metric, ' +
        'main effects around the base scenario, scenario discovery (PRIM, CART) for --outcome; rewrites sensitivity.parquet, sensitivity.json, ' +
        'discovery.json and the charts',
    )
    .argument('<sweep-dir>', 'folder written by hashsim sweep (sweep.json, sweep.parquet, points/)')
    .option('--metric <M>', 'summary metric to analyse (repeat or comma-separate; default: as before, else the headline metrics)', collect)
    .option('--outcome <EXPR>', 'outcome of interest for PRIM/CART, e.g. "final_hashrate_ehs < 800" or \'miner("MARA").liquidations > 0\'; "" for none')
    .option('--bootstrap <B>', 'bootstrap resamples (default 1000)', positiveInt('--bootstrap'))
    .option('--confidence <C>', 'confidence level of the intervals (default 0.95)', fraction('--confidence'))
    .option('--threshold <D>', 'density the PRIM box must reach (default 0.8)', fraction('--threshold'))
    .option('--x <path>', 'heatmap x parameter (default: the first)')
    .option('--y <path>', 'heatmap y parameter (default: the second)')
    .option('--no-charts', 'do not redraw the charts')
    .option('--no-png', 'charts as SVG and Vega-Lite only')
    .option('--quiet', 'print nothing but errors')
    .action(async (dir: string, opts: AnalyzeFlags) => {
      readSweepDocument(dir);
      // Start from the settings of the last analysis (the sweep file's), then apply the flags.
      const previous = readSensitivity(dir)?.settings as AnalysisInput | undefined;
      const base: AnalysisInput = { ...(previous ?? {}) };
      if (opts.outcome !== undefined && opts.outcome.trim() === '') delete (base as Record<string, unknown>)['outcome'];
      const prim = opts.threshold !== undefined ? { ...(base.prim ?? {}), threshold: opts.threshold } : undefined;
      let settings;
      try {
        settings = analysisSettings(base, {
          metrics: opts.metric,
          outcome: opts.outcome !== undefined && opts.outcome.trim() !== '' ? opts.outcome : undefined,
          bootstrap: opts.bootstrap,
          confidence: opts.confidence,
          prim,
        });
      } catch (err) {
        // Name the flag rather than the sweep file's field.
        if (err instanceof HashsimError) {
          const flags: Record<string, string> = { metrics: '--metric', outcome: '--outcome', bootstrap: '--bootstrap', confidence: '--confidence', prim: '--threshold' };
          throw new HashsimError(err.message.replace(/^analysis\.([A-Za-z]+)[^:]*:/, (m, k: string) => (flags[k] ? `${flags[k]}:` : m)));
        }
        throw err;
      }
      const res = await analyzeSweepSet(dir, settings);
      if (!opts.quiet) process.stdout.write(`${res.lines.join('\n')}\n`);
      if (opts.charts) {
        const { renderSweepCharts } = await import('../../charts/sweepset.ts');
        const charts = await renderSweepCharts(dir, { png: opts.png, metrics: opts.metric, x: opts.x, y: opts.y });
        if (!opts.quiet) process.stderr.write(`charts: ${charts.length} in ${dir}/charts\n`);
      }
    });
}

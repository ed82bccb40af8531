// Runs a batch through runBatch with the replay engine (bench/replay-engine.ts): the batch layer
// (workers, spool, Parquet assembly, bands) at the full 10,000-run size in the time the engine
// would need for a few runs. Usage: node --import tsx bench/batch-child.ts <scenario> <runs> <workers> <out>
import { runBatch } from '../src/batch/index.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';

const [file, runs, workers, out] = process.argv.slice(2);
const loaded = loadScenarioFile(file!);
const t0 = performance.now();
await runBatch({
  scenario: loaded.scenario as typeof loaded.scenario & Record<string, unknown>,
  seed: 1,
  runs: Number(runs),
  workers: Number(workers),
  out: out!,
  force: true,
  progress: 'none',
  runModule: new URL('./replay-engine.ts', import.meta.url).href,
  log: () => {},
});
process.stdout.write(`${JSON.stringify({ wallSeconds: (performance.now() - t0) / 1000 })}\n`);

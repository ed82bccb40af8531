import { runBatch } from './src/batch/index.ts';
const r = await runBatch({ scenario: { name: 'fake', horizonDays: 30, failRuns: [3] }, seed: 1, runs: 20, out: '/tmp/pq/set1', workers: 2, force: true,
  runModule: new URL('./test/fixtures/batch-fake-engine.ts', import.meta.url).href, progress: 'lines' });
console.log(r.status, r.manifest.counts, r.manifest.files);

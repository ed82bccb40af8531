// Writes bench/results/latest.json (or the given result file) into docs/PERFORMANCE.md's latest figures.
// Usage: node --import tsx bench/update-docs.ts [bench/results/<file>.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateDocs } from './report.ts';
import { ROOT } from './scenario-util.ts';

const file = process.argv[2] ?? join(ROOT, 'bench', 'results', 'latest.json');
updateDocs(join(ROOT, 'docs', 'PERFORMANCE.md'), JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
process.stdout.write(`docs/PERFORMANCE.md: latest figures from ${file}\n`);

#!/usr/bin/env bash
# npm run bench [-- --quick | --skip-engine | --skip-mc | --skip-memory | --skip-first | --mc-runs N |
#                   --max-workers W | --batch-budget S | --no-write]
# Benchmarks the engine and the batch layer (bench/run.ts); see docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ ! -e node_modules/.bin/tsx ]; then
  echo "bench: installing node_modules (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
# The CLI runs compiled JavaScript when dist/ matches the sources: build so start-up is measured as users get it.
npm run --silent build >&2 || echo "build did not complete: the CLI runs the TypeScript sources through tsx" >&2
exec node --import tsx bench/run.ts "$@"

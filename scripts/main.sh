#!/usr/bin/env bash
# The main job: the default scenario end to end (Monte Carlo batch, result set, charts, report).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build >&2 || echo "build did not complete: the CLI runs the TypeScript sources through tsx" >&2
node bin/hashsim.mjs run scenarios/baseline-2026.yaml --runs "${RUNS:-200}" --seed "${SEED:-2026}" "$@"

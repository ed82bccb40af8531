#!/usr/bin/env bash
# The main job: the default scenario end to end (Monte Carlo batch, result set, charts, report).
# The result set goes to results/<scenario>/seed-<SEED>-runs-<RUNS>/, so every batch has its own folder.
# dist/ is rebuilt only when the sources changed since the last build (scripts/ensure-build.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
node scripts/ensure-build.mjs
node bin/hashsim.mjs run scenarios/baseline-2026.yaml --runs "${RUNS:-200}" --seed "${SEED:-2026}" "$@"

#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, Debian packages), type-checks, runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/install-system-deps.sh
npx tsc --noEmit
npx vitest run "$@"

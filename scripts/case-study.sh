#!/usr/bin/env bash
# Reproduces every number and chart of docs/case-study-2026.md from a fresh clone:
#   npm ci && bash scripts/case-study.sh
# Result sets go to results/ (git-ignored); the charts the case study shows are copied to docs/img/.
# Everything is seeded (seed 2026): re-running gives byte-identical result sets.
# Takes a few minutes on 2 cores. RUNS=... overrides the number of runs of the main scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
H="node bin/hashsim.mjs"
RUNS="${RUNS:-200}"
SEED=2026

for f in scenarios/baseline-2026.yaml scenarios/ai-pivot-wave-2026.yaml scenarios/cango-deleveraging.yaml \
         scenarios/cango-margin-call.yaml scenarios/halving-2028.yaml scenarios/price-crash-stress.yaml \
         scenarios/historical-2025-10.yaml; do
  $H validate "$f"
done

# 1. The pivot wave: baseline vs AI pivot, same seed -> paired runs (common random numbers).
$H run scenarios/baseline-2026.yaml      --runs "$RUNS" --seed $SEED --out results/baseline-2026      --force --quiet
$H run scenarios/ai-pivot-wave-2026.yaml --runs "$RUNS" --seed $SEED --out results/ai-pivot-wave-2026 --force --quiet
$H compare results/baseline-2026 results/ai-pivot-wave-2026 --out results/compare-baseline-vs-pivot --seed 0

# 2. Price crash stress (1 year): margin calls, liquidations, exits and sales of its own runs.
$H run scenarios/price-crash-stress.yaml --runs "$RUNS" --seed $SEED --out results/price-crash-stress --force --quiet

# 3. Halving 2028 (3 years).
$H run scenarios/halving-2028.yaml --runs 100 --seed $SEED --out results/halving-2028 --force --quiet

# 4. Cango: de-leveraging trigger vs margin-call driven, on the reported price path.
$H run scenarios/cango-deleveraging.yaml --runs 50 --seed $SEED --out results/cango-deleveraging --force --quiet
$H run scenarios/cango-margin-call.yaml  --runs 50 --seed $SEED --out results/cango-margin-call  --force --quiet

# 5. Sensitivity: AI revenue per MW-year x price drift (15 points x 20 replications).
$H sweep scenarios/sweeps/ai-revenue-x-drift.yaml --out results/sweeps/ai-revenue-x-drift --force --quiet

# 6. Historical check (writes docs/historical-check.md).
npx tsx scripts/historical-check.ts --runs 100 --seed $SEED

# 7. Numbers quoted in the case study (medians, 90% bands, paired CIs), from the result sets.
npx tsx scripts/case-study-numbers.ts > results/case-study-numbers.md
echo "wrote results/case-study-numbers.md"

# 8. Charts, and the ones the case study shows copied into docs/img/.
for d in baseline-2026 ai-pivot-wave-2026 price-crash-stress halving-2028 cango-deleveraging cango-margin-call; do
  $H chart "results/$d" --quiet
done
mkdir -p docs/img
for pair in baseline-2026:hashrate ai-pivot-wave-2026:hashrate ai-pivot-wave-2026:difficulty \
            ai-pivot-wave-2026:hashprice ai-pivot-wave-2026:sold-cumulative baseline-2026:sold-cumulative \
            price-crash-stress:price price-crash-stress:sell-pressure price-crash-stress:miners-by-status \
            halving-2028:hashrate cango-deleveraging:treasury cango-margin-call:treasury; do
  d="${pair%%:*}"; c="${pair##*:}"
  if [ -f "results/$d/charts/$c.png" ]; then cp "results/$d/charts/$c.png" "docs/img/$d-$c.png"
  else echo "no $c.png in results/$d/charts" >&2; fi
done

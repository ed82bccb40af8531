#!/usr/bin/env bash
# Submit a sharded hashsim batch to Slurm: an array job (one shard per task, hashsim-array.sbatch)
# plus a merge job that starts only when every task succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh --scenario FILE --runs N --seed S --shards K --out DIR
#                           [--wait] [--timeout SECONDS] [--partition P] [--cpus-per-task C]
#                           [--sbatch-arg ARG]... [-- hashsim run flags...]
#
# Prints `array=<jobid> merge=<jobid>`. Layout: DIR/shards/<task>/ (one result set per shard),
# DIR/merged/ (the joined result set), DIR/logs/ (Slurm output of every task and of the merge).
# With --wait: polls squeue until both jobs have left the queue (at most --timeout seconds, default
# 3600), then exits 0 if DIR/merged/manifest.json exists, otherwise prints the logs and exits 1.
#
# Environment: HASHSIM (command that runs the CLI; default: node <this checkout>/bin/hashsim.mjs),
# SLURM_CONF (as usual for the Slurm client commands). Paths are made absolute before submitting,
# since jobs run with --chdir set to the current directory on the compute node.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCENARIO=; RUNS=; SEED=; SHARDS=; OUT=; WAIT=0; TIMEOUT=3600; EXTRA_SBATCH=(); RUN_FLAGS=()
CPUS=1

die() { echo "submit.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) SCENARIO=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --shards) SHARDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --wait) WAIT=1; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --partition) EXTRA_SBATCH+=("--partition=$2"); shift 2 ;;
    --cpus-per-task) CPUS=$2; shift 2 ;;
    --sbatch-arg) EXTRA_SBATCH+=("$2"); shift 2 ;;
    --) shift; RUN_FLAGS=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$SCENARIO" ] || die "--scenario FILE is required"
[ -f "$SCENARIO" ] || die "--scenario: no such file '$SCENARIO'"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"
[ -n "$SEED" ] || die "--seed is required"
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive integer, got '$SHARDS'"
[ -n "$OUT" ] || die "--out DIR is required"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds, got '$TIMEOUT'"
command -v sbatch >/dev/null || die "sbatch not found (is the Slurm client installed?)"

SCENARIO=$(cd "$(dirname "$SCENARIO")" && pwd)/$(basename "$SCENARIO")
mkdir -p "$OUT/logs" "$OUT/shards"
OUT=$(cd "$OUT" && pwd)
export HASHSIM=${HASHSIM:-node $REPO/bin/hashsim.mjs}

ARRAY_JOB=$(sbatch --parsable --job-name=hashsim-shards --array=0-$((SHARDS - 1)) \
  --cpus-per-task="$CPUS" --output="$OUT/logs/shard-%A_%a.out" --chdir="$PWD" "${EXTRA_SBATCH[@]}" \
  "$HERE/hashsim-array.sbatch" "$SCENARIO" "$RUNS" "$SEED" "$OUT" "${RUN_FLAGS[@]}")
ARRAY_JOB=${ARRAY_JOB%%;*}   # --parsable prints "jobid[;cluster]"

# Shard directories are listed explicitly (0..K-1) so a missing shard is an error in merge, never
# silently skipped by a glob.
SHARD_DIRS=""
for ((i = 0; i < SHARDS; i++)); do SHARD_DIRS+=" '$OUT/shards/$i'"; done
MERGE_JOB=$(sbatch --parsable --job-name=hashsim-merge --dependency=afterok:"$ARRAY_JOB" \
  --kill-on-invalid-dep=yes --cpus-per-task=1 --output="$OUT/logs/merge-%j.out" --chdir="$PWD" \
  "${EXTRA_SBATCH[@]}" --wrap "set -e; $HASHSIM merge$SHARD_DIRS --out '$OUT/merged'")
MERGE_JOB=${MERGE_JOB%%;*}
echo "array=$ARRAY_JOB merge=$MERGE_JOB"

[ "$WAIT" = 1 ] || exit 0
DEADLINE=$(( $(date +%s) + TIMEOUT ))
while [ -n "$(squeue -h -j "$ARRAY_JOB,$MERGE_JOB" 2>/dev/null)" ]; do
  if [ "$(date +%s)" -ge "$DEADLINE" ]; then
    echo "submit.sh: jobs still queued after ${TIMEOUT}s:" >&2
    squeue -j "$ARRAY_JOB,$MERGE_JOB" >&2 || true
    exit 1
  fi
  sleep 0.5
done
if [ -f "$OUT/merged/manifest.json" ]; then
  echo "merged result set: $OUT/merged"
  exit 0
fi
echo "submit.sh: no merged result set in $OUT/merged; job logs:" >&2
for f in "$OUT"/logs/*.out; do [ -f "$f" ] && { echo "----- $f" >&2; tail -n 40 "$f" >&2; }; done
exit 1

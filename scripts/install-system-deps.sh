#!/usr/bin/env bash
# Debian packages the tests use: Slurm + munge (local cluster test), Chromium (report test),
# Jupyter nbconvert (notebook execution), gcc (the bench-model's C program, held against its JS
# port). Idempotent; skips apt when everything is present.
set -euo pipefail
need=()
command -v slurmctld >/dev/null || need+=(slurmctld)
command -v slurmd >/dev/null || need+=(slurmd)
command -v sbatch >/dev/null || need+=(slurm-client)
command -v munged >/dev/null || need+=(munge)
command -v chromium >/dev/null || need+=(chromium)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v jupyter-nbconvert >/dev/null || need+=(jupyter-nbconvert python3-nbclient python3-ipykernel)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing Debian packages (${need[*]}); run as root" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Registers Deno's Jupyter kernel inside the project (.jupyter/), not in the user's home:
#   source <(bash scripts/notebooks/register-kernel.sh --env)   # exports JUPYTER_PATH/JUPYTER_DATA_DIR
#   jupyter nbconvert --to notebook --execute notebooks/quickstart.ipynb --output-dir /tmp/nb
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
deno="$root/node_modules/deno/deno"
[ -x "$deno" ] || { echo "deno binary missing at $deno: run npm ci" >&2; exit 1; }
kdir="$root/.jupyter/kernels/deno-hashsim"
mkdir -p "$kdir"
cat > "$kdir/kernel.json" <<JSON
{
  "argv": ["$deno", "jupyter", "--kernel", "--conn", "{connection_file}"],
  "display_name": "Deno (hashsim)",
  "language": "typescript",
  "env": { "DENO_NO_UPDATE_CHECK": "1", "NO_COLOR": "1" }
}
JSON
if [ "${1:-}" = "--env" ]; then
  echo "export JUPYTER_PATH=\"$root/.jupyter\""
  echo "export JUPYTER_DATA_DIR=\"$root/.jupyter\""
else
  echo "registered kernel 'deno-hashsim' in $kdir (set JUPYTER_PATH=$root/.jupyter to use it)"
fi

#!/usr/bin/env bash
# Runs the peers an analyst would use today (PySAL esda for Gi*, DuckDB for filtered weekly
# counts, a vectorised numpy + scipy cKDTree Knox) and trygg on the same seeded data, and
# prints the ratios. Usage: bench/peers.sh [--skip-install] [--with-esda-permutations]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="$here/.venv"
data="$here/data"

if [[ "${1:-}" != "--skip-install" ]]; then
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet esda libpysal duckdb numpy scipy pandas
else
  shift
fi

# Same data for everyone: trygg writes the CSVs and its own timings (min of several runs).
(cd "$root" && cargo run --release -p trygg-analyze-cli --example gen_bench_data -- "$data")

"$venv/bin/python" "$here/peers.py" "$data" "$@"

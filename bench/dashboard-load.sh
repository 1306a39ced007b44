#!/usr/bin/env bash
# Load test of the lägesbild endpoints against a scaled demo (release build).
#
#   bench/dashboard-load.sh                # --scale 10 (about a million incidents)
#   SCALE=1 DURATION=5s bench/dashboard-load.sh
#
# Starts `trygg demo --scale $SCALE` on a temporary SQLite database, then for every endpoint:
#   cold  = the first request for a view (computed from the snapshot, not cached),
#   fresh = median and max of single requests over 6 other filters never asked before,
#   p50/p99 under load (wrk, $CONNECTIONS connections, $DURATION) for the dashboard's default
#           view (the last 12 whole weeks, all categories), i.e. what a room of viewers gets
#           (answers are cached per filter and snapshot version).
# Needs wrk (apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-10}
PORT=${PORT:-18089}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
BIN=${TRYGG_BIN:-target/release/trygg}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [ -n "${TRYGG_URL:-}" ]; then
  # An already running server (e.g. a demo started by hand): TRYGG_URL and TRYGG_TOKEN.
  base="$TRYGG_URL/api/v1/lagesbild"; token=$TRYGG_TOKEN
else
if [ -z "${TRYGG_BIN:-}" ]; then cargo build --release -p trygg >&2; fi
tmp=$(mktemp -d)
log="$tmp/demo.log"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
start=$(date +%s)
TRYGG_LOG=warn "$BIN" demo --scale "$SCALE" --database "sqlite://$tmp/demo.db" --listen "127.0.0.1:$PORT" >"$log" 2>&1 &
pid=$!
echo "filling the demo (scale $SCALE) on $tmp/demo.db …" >&2
until grep -q "API token" "$log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "the demo stopped" >&2; exit 1; }
  sleep 2
done
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 1; done
token=$(grep -o 'API token (analytiker@demo): [0-9a-f]*' "$log" | awk '{print $NF}')
base="http://127.0.0.1:$PORT/api/v1/lagesbild"
echo "demo ready after $(( $(date +%s) - start )) s" >&2
fi
count=$(curl -s -H "Authorization: Bearer $token" "${base%/lagesbild}/stats/weekly" | grep -o '"total":[0-9]*' | tail -1 | cut -d: -f2 || true)
echo "incidents visible to the caller: ${count:-?}" >&2

today=$(date +%F)
monday=$(date -d "$today -$(( $(date +%u) - 1 )) days" +%F)
from=$(date -d "$monday -11 weeks" +%F)
to=$(date -d "$today +1 day" +%F)
default="from=$from&to=$to"
fresh=(
  "from=$(date -d "$today -1 year" +%F)&to=$to"
  "from=$from&to=$to&category=ordning"
  "from=$from&to=$to&category=skadegorelse"
  "from=$(date -d "$today -2 years" +%F)&to=$(date -d "$today -1 year" +%F)&category=ordning.inbrott"
  "from=$from&to=$to&source=est"
  "from=$(date -d "$today -4 weeks" +%F)&to=$to"
)
ms() { awk -v s="$1" 'BEGIN{printf "%.1f", s*1000}'; }
once() { curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" "$base/$1"; }
printf '%-13s %9s %11s %10s %9s %9s %9s\n' endpoint "cold ms" "fresh p50" "fresh max" "wrk p50" "wrk p99" "req/s"
for ep in points kde hotspots areas trend hour-weekday top-places near-repeat; do
  read -r code t <<<"$(once "$ep?$default")"
  [ "$code" = 200 ] || { echo "$ep answered $code" >&2; exit 1; }
  cold=$(ms "$t")
  times=()
  for q in "${fresh[@]}"; do read -r code t <<<"$(once "$ep?$q")"; times+=("$(ms "$t")"); done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  fp50=$(echo "$sorted" | sed -n 3p); fmax=$(echo "$sorted" | tail -1)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$base/$ep?$default")
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  printf '%-13s %9s %11s %10s %9s %9s %9s\n' "$ep" "$cold" "$fp50" "$fmax" "$p50" "$p99" "$rps"
done
echo "default view: $default; fresh filters: ${fresh[*]}" >&2

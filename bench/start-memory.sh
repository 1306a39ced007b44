#!/usr/bin/env bash
# Start time and resident memory of `trygg serve` over a scaled demo database (release build).
#
#   bench/start-memory.sh              # SCALE=10: about a million incidents
#   SCALE=1 RUNS=2 bench/start-memory.sh
#
# Fills a temporary SQLite database with `trygg demo --scale $SCALE` (then stops that process,
# whose memory also holds the generator's), starts `trygg serve` on it $RUNS times and on an
# empty database once, and prints the seconds from start to the first ready /readyz and the
# resident set 2 s after that. Bytes per incident = (RSS − empty RSS) / incidents.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-10}
RUNS=${RUNS:-3}
PORT=${PORT:-18097}
BIN=${TRYGG_BIN:-target/release/trygg}
if [ -z "${TRYGG_BIN:-}" ]; then cargo build --release -p trygg >&2; fi
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

echo "filling the demo (scale $SCALE) on $tmp/demo.db …" >&2
TRYGG_LOG=warn "$BIN" demo --scale "$SCALE" --database "sqlite://$tmp/demo.db" --listen "127.0.0.1:$PORT" >"$tmp/demo.out" 2>&1 &
pid=$!
until grep -q "API token" "$tmp/demo.out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/demo.out" >&2; echo "the demo stopped" >&2; exit 1; }
  sleep 1
done
incidents=$(sed -n 's/^Demo city: .*, \([0-9]*\) incidents.*/\1/p' "$tmp/demo.out")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

# serve DB → "seconds rss_kib"
serve() {
  local t0 t1 rss
  t0=$(date +%s.%N)
  TRYGG_LOG=warn "$BIN" serve --database "$1" --listen "127.0.0.1:$PORT" >"$tmp/serve.out" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.out" >&2; echo "the server stopped" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  sleep 2
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  echo "$(echo "$t1 - $t0" | bc) $rss"
}

read -r _ empty < <(serve "sqlite://$tmp/empty.db")
echo "incidents: $incidents; empty server: $((empty / 1024)) MiB resident"
echo "run  ready_s  rss_MiB  bytes_per_incident"
for run in $(seq 1 "$RUNS"); do
  read -r secs rss < <(serve "sqlite://$tmp/demo.db")
  printf '%3d  %7.2f  %7d  %18d\n' "$run" "$secs" $((rss / 1024)) $(((rss - empty) * 1024 / incidents))
done

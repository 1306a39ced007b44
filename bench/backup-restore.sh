#!/usr/bin/env bash
# Backup while serving, then restore into PostgreSQL and into a new SQLite file (release build).
#
#   bench/backup-restore.sh                 # SCALE=10: about a million incidents
#   SCALE=1 bench/backup-restore.sh
#
# Fills a temporary SQLite database with `trygg demo --scale $SCALE`, serves it with
# `trygg serve`, takes `trygg backup` while the server runs, stops the server, and restores the
# file into a fresh PostgreSQL database (created beside $PG_ADMIN, dropped afterwards) and into a
# new SQLite file. Prints each step's time, the file's size and the rows per table, and fails if
# a restore's rows differ from the backup's. Needs a PostgreSQL server at $PG_ADMIN and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-10}
PORT=${PORT:-18095}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}
BIN=${TRYGG_BIN:-target/release/trygg}
if [ -z "${TRYGG_BIN:-}" ]; then cargo build --release -p trygg >&2; fi
tmp=$(mktemp -d)
db="trygg_bench_restore_$$"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

echo "filling the demo (scale $SCALE) on $tmp/demo.db …" >&2
TRYGG_LOG=warn "$BIN" demo --scale "$SCALE" --database "sqlite://$tmp/demo.db" --listen "127.0.0.1:$PORT" >"$tmp/demo.out" 2>&1 &
pid=$!
until grep -q "API token" "$tmp/demo.out" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/demo.out" >&2; echo "the demo stopped" >&2; exit 1; }
  sleep 1
done
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

TRYGG_LOG=warn "$BIN" serve --database "sqlite://$tmp/demo.db" --listen "127.0.0.1:$PORT" >"$tmp/serve.out" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.out" >&2; exit 1; }
  sleep 0.2
done

t0=$(date +%s.%N)
TRYGG_LOG=warn "$BIN" backup --database "sqlite://$tmp/demo.db" --output "$tmp/b.trygg.gz" | tee "$tmp/backup.out"
t1=$(date +%s.%N)
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "the server stopped answering during the backup" >&2; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
size=$(du -m "$tmp/b.trygg.gz" | cut -f1)
echo "backup while serving: $(secs "$t0" "$t1") s, ${size} MB" >&2

psql -q "$PG_ADMIN" -c "CREATE DATABASE $db" >/dev/null
pg="${PG_ADMIN%/*}/$db"
t0=$(date +%s.%N)
TRYGG_LOG=warn "$BIN" restore "$tmp/b.trygg.gz" --database "$pg" | tee "$tmp/pg.out"
t1=$(date +%s.%N)
echo "restore into PostgreSQL: $(secs "$t0" "$t1") s" >&2

t0=$(date +%s.%N)
TRYGG_LOG=warn "$BIN" restore "$tmp/b.trygg.gz" --database "sqlite://$tmp/restored.db" | tee "$tmp/sqlite.out"
t1=$(date +%s.%N)
echo "restore into SQLite: $(secs "$t0" "$t1") s" >&2

rows() { sed -n 's/^\(Backed up\|Restored\) \(.*\) \(to\|from\) .*/\2/p' "$1"; }
[ "$(rows "$tmp/backup.out")" = "$(rows "$tmp/pg.out")" ] || { echo "PostgreSQL's rows differ from the backup's" >&2; exit 1; }
[ "$(rows "$tmp/backup.out")" = "$(rows "$tmp/sqlite.out")" ] || { echo "SQLite's rows differ from the backup's" >&2; exit 1; }
echo "every table's rows restored, into both backends" >&2

#!/usr/bin/env bash
# Mixed load on one server (release build, loopback only): the dashboard with a fresh filter per
# request, EST report submission and report documents, all at the same time.
#
#   bench/load.sh                          # SCALE=1 (about 100 000 incidents), 50 clients, 30 s
#   SCALE=10 bench/load.sh                 # about a million incidents
#   DURATION=5s bench/load.sh              # a quick check of the script
#   DASH_CONN=0 DURATION=10s bench/load.sh # a workload with 0 connections is left out
#
# Fills a temporary SQLite database with `trygg demo --scale $SCALE`, stops the demo (its memory
# holds the generator's), makes API tokens for analytiker@demo and rapportor@demo with
# `trygg token add`, signs samordnare@demo in through /login (session cookie), starts
# `trygg serve` on the database and runs three wrk processes at once for $DURATION:
#   dashboard  $DASH_CONN connections: GET /api/v1/lagesbild/{points,kde,hotspots,areas,trend,
#              hour-weekday,top-places,near-repeat} in turn, each with a random from/to (1 week to
#              2 years since 2020), and at random one or two categories, a district, a source,
#              so the per-filter cache does not answer (analyst token);
#   reports    $REPORT_CONN connections: POST /api/v1/reports, $EVENTS events each at random
#              positions in Uppsala city, EST categories, times in the last 60 days (reporter
#              token); every filed report also refreshes the snapshot and empties the cache;
#   documents  $DOC_CONN connections: GET /rapporter/rapport?kind=weekly&format=html for a random
#              ISO week of the last two years (coordinator session).
# Errors are every non-2xx answer and every socket error (connect, read, write, timeout after
# $WRK_TIMEOUT), per workload. It records the server's VmRSS before and after and its VmHWM
# (peak), and the incidents before and after (should grow by reports × $EVENTS), and writes all
# of it to bench/load.results.txt ($RESULTS). Needs wrk (apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
PORT=${PORT:-18093}
DURATION=${DURATION:-30s}
DASH_CONN=${DASH_CONN:-40}
REPORT_CONN=${REPORT_CONN:-8}
DOC_CONN=${DOC_CONN:-2}
EVENTS=${EVENTS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
RESULTS=${RESULTS:-bench/load.results.txt}
BIN=${TRYGG_BIN:-target/release/trygg}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
if [ -z "${TRYGG_BIN:-}" ]; then cargo build --release -p trygg >&2; fi
host="127.0.0.1:$PORT"
url="http://$host"

tmp=$(mktemp -d)
pid=
wrks=()
cleanup() {
  for w in "${wrks[@]}"; do kill "$w" 2>/dev/null || true; done
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
db="sqlite://$tmp/demo.db"

# Waits (at most $2 seconds) until the log $1 says "API token" or /readyz answers, while $pid lives.
wait_for() {
  local what=$1 limit=$2 t=0
  while [ "$t" -lt "$limit" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp"/*.log >&2; echo "the server stopped" >&2; exit 1; }
    if [ "$what" = banner ]; then grep -q "API token" "$tmp/demo.log" 2>/dev/null && return 0
    else curl -sf "$url/readyz" >/dev/null 2>&1 && return 0; fi
    sleep 1; t=$((t + 1))
  done
  echo "gave up waiting for $what after $limit s" >&2; exit 1
}

echo "filling the demo (scale $SCALE) on $tmp/demo.db …" >&2
t0=$(date +%s)
TRYGG_LOG=warn "$BIN" demo --scale "$SCALE" --database "$db" --listen "$host" >"$tmp/demo.log" 2>&1 &
pid=$!
wait_for banner 3600
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "demo filled in $(( $(date +%s) - t0 )) s" >&2

token_for() {
  "$BIN" token add --user "$1" --name "bench/load.sh" --days 1 --database "$db" | awk '{print $NF}'
}
analyst=$(token_for analytiker@demo)
reporter=$(token_for rapportor@demo)

TRYGG_LOG=${TRYGG_LOG:-warn} "$BIN" serve --database "$db" --listen "$host" >"$tmp/serve.log" 2>&1 &
pid=$!
wait_for readyz 600
echo "server ready (pid $pid)" >&2

api() { curl -sf -H "Authorization: Bearer $analyst" "$url/api/v1/$1"; }
total() { api "incidents?limit=1" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2; }
mem() { awk -v k="$1:" '$1==k{print $2}' "/proc/$pid/status"; }   # KiB

# The coordinator's session: the login form's CSRF token and cookie, then the form.
jar="$tmp/cookies"
csrf=$(curl -sf -c "$jar" "$url/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
[ -n "$csrf" ] || { echo "no CSRF token on /login" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
  --data-urlencode "csrf=$csrf" --data-urlencode "email=samordnare@demo" \
  --data-urlencode "password=demo" --data-urlencode "next=/" "$url/login")
[ "$code" = 303 ] || [ "$code" = 302 ] || { echo "sign-in answered $code" >&2; exit 1; }
cookie=$(awk -F'\t' 'NF>=7 && $3!="/login" {printf "%s%s=%s", (n++?"; ":""), $6, $7}' "$jar")
[ -n "$cookie" ] || { echo "no session cookie after sign-in" >&2; exit 1; }

# What the Lua scripts draw from.
categories=$(api categories | grep -o '"code":"[^"]*"[^{}]*"est":true' | sed 's/^"code":"\([^"]*\)".*/"\1"/' | paste -sd, -)
all_categories=$(api categories | grep -o '"code":"[^"]*"' | sed 's/^"code"://' | paste -sd, -)
districts=$(api "areas?kind=district" | grep -o '"id":[0-9]*' | cut -d: -f2 | sort -un | paste -sd, -)
[ -n "$categories" ] && [ -n "$all_categories" ] || { echo "no categories" >&2; exit 1; }
[ -n "$districts" ] || { echo "no districts" >&2; exit 1; }
weeks=$(for i in $(seq 1 104); do date -d "-$((i * 7)) days" +'"%G-W%V"'; done | paste -sd, -)
start_day=$(date -d 2020-01-01 +%s)
today=$(date +%s)

# Common Lua: per-thread counters of non-2xx answers by status, gathered in done() into one line.
common() {
  cat <<EOF
local name = "$1"
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  non2xx = 0
  codes = {}
  first_error = ""
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    codes[tostring(status)] = (codes[tostring(status)] or 0) + 1
    if first_error == "" then first_error = string.sub(tostring(body or ""), 1, 300) end
  end
end
function done(summary, latency, requests)
  local n, all, first = 0, {}, ""
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
    for k, v in pairs(t:get("codes")) do all[k] = (all[k] or 0) + v end
    if first == "" then first = t:get("first_error") end
  end
  local cs = {}
  for k, v in pairs(all) do table.insert(cs, k .. ":" .. v) end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT %s requests=%d rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d codes=%s connect=%d read=%d write=%d timeout=%d\n",
    name, summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, n, (#cs > 0 and table.concat(cs, ",") or "-"),
    e.connect, e.read, e.write, e.timeout))
  if first ~= "" then io.write("FIRST_ERROR " .. name .. " " .. string.gsub(first, "%s+", " ") .. "\n") end
end
EOF
}

{ common dashboard; cat <<EOF
local panels = {"points", "kde", "hotspots", "areas", "trend", "hour-weekday", "top-places", "near-repeat"}
local categories = {$all_categories}
local districts = {$districts}
local sources = {"est", "polisen", "import", "api"}
local start_day, today = $start_day, $today
local k = 0
function request()
  k = k + 1
  local span = math.random(7, 730) * 86400
  local from = math.random(start_day, today - span)
  local q = "from=" .. os.date("!%Y-%m-%d", from) .. "&to=" .. os.date("!%Y-%m-%d", from + span)
  if math.random() < 0.5 then
    q = q .. "&category=" .. categories[math.random(#categories)]
    if math.random() < 0.3 then q = q .. "," .. categories[math.random(#categories)] end
  end
  if math.random() < 0.3 then q = q .. "&area=" .. districts[math.random(#districts)] end
  if math.random() < 0.2 then q = q .. "&source=" .. sources[math.random(#sources)] end
  local panel = panels[(k + id) % #panels + 1]
  return wrk.format("GET", "/api/v1/lagesbild/" .. panel .. "?" .. q,
    {["Authorization"] = "Bearer $analyst"})
end
EOF
} >"$tmp/dashboard.lua"

{ common reports; cat <<EOF
local categories = {$categories}
local places = {"street", "park", "school", "shopping", "public_transport", "residential", "parking", "leisure", "other"}
local words = {"klotter", "bråk", "nedskräpning", "oro", "krossad ruta", "glas", "ungdomar samlas", "larm"}
local now = $today
local function event()
  local t = now - math.random(86400, 60 * 86400)
  return string.format(
    '{"occurred_from":"%s","occurred_to":"%s","category":"%s","place_type":"%s","position":{"lat":%.5f,"lon":%.5f},"description":"Belastningstest: %s"}',
    os.date("!%Y-%m-%dT%H:%M", t), os.date("!%Y-%m-%dT%H:%M", t + 1800),
    categories[math.random(#categories)], places[math.random(#places)],
    59.840 + math.random() * 0.030, 17.600 + math.random() * 0.080, words[math.random(#words)])
end
function request()
  local ev = {}
  for i = 1, $EVENTS do ev[i] = event() end
  return wrk.format("POST", "/api/v1/reports",
    {["Authorization"] = "Bearer $reporter", ["Content-Type"] = "application/json"},
    '{"events":[' .. table.concat(ev, ",") .. ']}')
end
EOF
} >"$tmp/reports.lua"

{ common documents; cat <<EOF
local weeks = {$weeks}
function request()
  return wrk.format("GET", "/rapporter/rapport?kind=weekly&format=html&week=" .. weeks[math.random(#weeks)],
    {["Cookie"] = "$cookie"})
end
EOF
} >"$tmp/documents.lua"

# One request of each kind first, so a broken setup fails here and not as 30 s of errors.
check() {
  local got
  got=$(curl -s -o "$tmp/check.out" -w '%{http_code}' "$@")
  case "$got" in 2??) ;; *) echo "check failed ($got): $*" >&2; head -c 500 "$tmp/check.out" >&2; echo >&2; exit 1 ;; esac
}
check -H "Authorization: Bearer $analyst" "$url/api/v1/lagesbild/kde?from=2023-01-01&to=2023-03-01"
check -H "Authorization: Bearer $reporter" -H "Content-Type: application/json" \
  --data "{\"events\":[{\"occurred_from\":\"$(date -d '-2 days' +%Y-%m-%dT%H:%M)\",\"category\":${categories%%,*},\"position\":{\"lat\":59.858,\"lon\":17.639}}]}" \
  "$url/api/v1/reports"
check -H "Cookie: $cookie" "$url/rapporter/rapport?kind=weekly&format=html&week=$(date -d '-7 days' +%G-W%V)"

sleep 2
loadavg=$(cut -d" " -f1-3 /proc/loadavg)
before_inc=$(total)
rss_before=$(mem VmRSS)
echo "incidents $before_inc, VmRSS $((rss_before / 1024)) MiB; load for $DURATION …" >&2
load_from=$(date -u +%T)
# A workload with 0 connections is left out (to measure the others alone).
run() {
  local name=$1 conns=$2 threads=$3
  : >"$tmp/$name.out"
  [ "$conns" -gt 0 ] || return 0
  [ "$threads" -le "$conns" ] || threads=$conns
  wrk -t"$threads" -c"$conns" -d"$DURATION" --timeout "$WRK_TIMEOUT" -s "$tmp/$name.lua" "$url" >"$tmp/$name.out" 2>&1 &
  wrks+=($!)
}
run dashboard "$DASH_CONN" 2
run reports "$REPORT_CONN" 1
run documents "$DOC_CONN" 1
for w in "${wrks[@]}"; do wait "$w" || { echo "wrk failed" >&2; cat "$tmp"/*.out >&2; exit 1; }; done
wrks=()
rss_after=$(mem VmRSS)
hwm=$(mem VmHWM)
after_inc=$(total)
kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; echo "the server died under load" >&2; exit 1; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
filed=$(field requests "$(grep '^RESULT' "$tmp/reports.out" || echo " requests=0")")
filed_bad=$(field non2xx "$(grep '^RESULT' "$tmp/reports.out" || echo " non2xx=0")")
{
  echo "# bench/load.sh $(date -u +'%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m), load average before the load: $loadavg"
  echo "# SCALE=$SCALE, $DURATION, connections: dashboard $DASH_CONN, reports $REPORT_CONN ($EVENTS events each), documents $DOC_CONN; wrk timeout $WRK_TIMEOUT; SQLite"
  printf '%-10s %9s %8s %8s %8s %8s %8s %7s  %s\n' workload requests "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors "detail (non-2xx by status; socket errors)"
  for w in dashboard reports documents; do
    line=$(grep '^RESULT' "$tmp/$w.out" || true)
    if [ -z "$line" ]; then printf '%-10s %9s\n' "$w" "(left out)"; continue; fi
    sock=$(( $(field connect "$line") + $(field read "$line") + $(field write "$line") + $(field timeout "$line") ))
    printf '%-10s %9s %8s %8s %8s %8s %8s %7s  %s\n' "$w" "$(field requests "$line")" "$(field rps "$line")" \
      "$(field p50_ms "$line")" "$(field p90_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" \
      "$(( $(field non2xx "$line") + sock ))" \
      "non-2xx $(field codes "$line"); connect $(field connect "$line") read $(field read "$line") write $(field write "$line") timeout $(field timeout "$line")"
  done
  echo "server VmRSS before $((rss_before / 1024)) MiB, after $((rss_after / 1024)) MiB, peak (VmHWM) $((hwm / 1024)) MiB"
  echo "incidents before $before_inc, after $after_inc (+$((after_inc - before_inc)); reports answered 2xx in time × $EVENTS = $(( (filed - filed_bad) * EVENTS )), plus those in flight at the stop)"
  grep -h '^FIRST_ERROR' "$tmp"/*.out | cut -c1-400 || true
  # The server's warnings and errors (TRYGG_LOG=warn), without colours: how many, by message.
  sed 's/\x1b\[[0-9;]*m//g' "$tmp/serve.log" | grep -E ' (WARN|ERROR) ' >"$tmp/warnings" || true
  echo "server log: $(wc -l <"$tmp/warnings") WARN/ERROR lines$( [ -s "$tmp/warnings" ] && echo ", first at $(head -1 "$tmp/warnings" | cut -c12-19), last at $(tail -1 "$tmp/warnings" | cut -c12-19) UTC (load from $load_from)")"
  sed -E 's/^[^ ]+ +//; s/[0-9]+\.[0-9]+/N/g' "$tmp/warnings" | sort | uniq -c | sort -rn | head -5 | cut -c1-300
} | tee "$RESULTS"

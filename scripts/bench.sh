#!/usr/bin/env bash
# make bench: end-to-end figures on 1,000,000 generated messages.
#   1. generate the demo stream as JSON lines (not part of the import figure)
#   2. `ecoute import --stats`: JSONL -> decode -> normalise + language id ->
#      SQLite with FTS5 and rollups; messages/s overall and per stage, peak RSS,
#      bytes per message
#   3. the same import with 1,000 monitored queries, and without (sync normal)
#   4. full-text search latency over the 1M messages (two-word queries)
#   5. the same messages through POST /api/v1/mentions in batches of 1,000
#   6. the web dashboard: the same file imported with the demo's monitored
#      queries, `ecoute serve` on it, `ecoute_bench dashboard` (every request
#      of one dashboard load, last 30 days and whole range, hourly and daily)
#   7. module micro-benchmarks (text, store, demo generator, query engine,
#      understanding: model load time and messages/s per core of the four tasks)
# Environment: BENCH_MESSAGES (default 1000000), BENCH_DIR (default a temp dir).
set -euo pipefail
BUILD=${1:-build}
N=${BENCH_MESSAGES:-1000000}
DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ecoute-bench.XXXXXX")}
ECOUTE="$BUILD/ecoute"
BENCH="$BUILD/ecoute_bench"
mkdir -p "$DIR"
rm -f "$DIR"/*.db "$DIR"/*.db-wal "$DIR"/*.db-shm
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; true' EXIT

# An admin account with an API token in database $1; prints the token.
bench_token() {
  "$ECOUTE" --db "$1" user add bench --role admin --token bench 2>/dev/null | grep -o 'ect_[A-Za-z0-9_-]*'
}
# Starts `ecoute serve` with the remaining arguments (log in $DIR/serve.log),
# sets SERVER and PORT.
start_server() {
  "$ECOUTE" "$@" serve --listen 127.0.0.1:0 --log-level info > "$DIR/serve.log" 2>&1 &
  SERVER=$!
  PORT=""
  for _ in $(seq 1 300); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$DIR/serve.log" | grep -o '[0-9]*$' | head -1 || true)
    [ -n "$PORT" ] && break; sleep 0.1
  done
  [ -n "$PORT" ] || { echo "ecoute serve did not start:"; cat "$DIR/serve.log"; exit 1; }
}

echo "== ecoute bench: $N messages, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
t0=$(date +%s.%N)
"$ECOUTE" demo --count "$N" --seed 1 --start 2024-01-01T00:00:00Z --per-day 20000 -o "$DIR/demo.jsonl"
t1=$(date +%s.%N)
awk -v n="$N" -v mb="$(( $(stat -c %s "$DIR/demo.jsonl") / 1048576 ))" -v a="$t0" -v b="$t1" \
  'BEGIN { printf "demo: generated %s messages (%s MB) in %.1f s\n", n, mb, b - a }'

echo "== import (file -> store), synchronous=full"
"$ECOUTE" --db "$DIR/import.db" import --no-progress --no-care --stats "$DIR/demo.jsonl"

echo "== import with 1,000 monitored queries (match stage in the pipeline), synchronous=normal"
"$BUILD/src/match/match_bench" --yaml 1000 > "$DIR/queries.yaml"
printf 'store: {synchronous: normal}\n' >> "$DIR/queries.yaml"
"$ECOUTE" --config "$DIR/queries.yaml" --db "$DIR/queries.db" import --no-progress --no-care --stats "$DIR/demo.jsonl"
echo "== import without queries, synchronous=normal (the same file, for comparison)"
printf 'store: {synchronous: normal}\n' > "$DIR/plain.yaml"
"$ECOUTE" --config "$DIR/plain.yaml" --db "$DIR/plain.db" import --no-progress --no-care --stats "$DIR/demo.jsonl"
rm -f "$DIR"/queries.db* "$DIR"/plain.db*

echo "== search"
"$BENCH" search --db "$DIR/import.db" --queries 400

echo "== HTTP push (batches of 1,000, 4 connections)"
TOKEN=$(bench_token "$DIR/http.db")
start_server --db "$DIR/http.db"
"$BENCH" http --url "http://127.0.0.1:$PORT" --token "$TOKEN" --file "$DIR/demo.jsonl" --batch 1000 --connections 4
echo "http: server peak RSS $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' /proc/$SERVER/status)"
kill -TERM $SERVER; wait $SERVER || true; SERVER=""

echo "== web dashboard: import with the demo's monitored queries (synchronous=normal), then ecoute serve"
"$BENCH" demo-queries > "$DIR/dashboard.yaml"
printf 'store: {synchronous: normal}\n' >> "$DIR/dashboard.yaml"
"$ECOUTE" --config "$DIR/dashboard.yaml" --db "$DIR/dashboard.db" import --no-progress --no-care --stats "$DIR/demo.jsonl" \
  | grep -E 'end to end|stage store|bytes/mention'
TOKEN=$(bench_token "$DIR/dashboard.db")
start_server --config "$DIR/dashboard.yaml" --db "$DIR/dashboard.db"
"$BENCH" dashboard --url "http://127.0.0.1:$PORT" --token "$TOKEN" --rounds 5 --parallel 6
kill -TERM $SERVER; wait $SERVER || true; SERVER=""
rm -f "$DIR"/dashboard.db*

for micro in text/text_bench store/store_bench demo/demo_bench match/match_bench classify/classifier_bench alert/detector_bench; do
  if [ -x "$BUILD/src/$micro" ]; then
    echo "== ${micro#*/}"
    "$BUILD/src/$micro" 2>&1 | tail -n 25
  fi
done
[ -z "${BENCH_DIR:-}" ] && rm -rf "$DIR"
echo "== done"

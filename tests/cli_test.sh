#!/usr/bin/env bash
# End-to-end tests of the ecoute binary: imports of the public datasets,
# idempotency, accent-insensitive search, rejects with line numbers, the HTTP
# API against a running `ecoute serve`, and kill -9 during an import.
#
# Usage: cli_test.sh SCENARIO   (run by CTest; see tests/CMakeLists.txt)
# Environment: ECOUTE (the binary), SHARED_DATA, SOURCE_DIR.
set -uo pipefail

ECOUTE=${ECOUTE:?path to the ecoute binary}
SHARED_DATA=${SHARED_DATA:?path to shared/data}
SOURCE_DIR=${SOURCE_DIR:?path to the source tree}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecoute-cli.XXXXXX")
DB="$WORK/e.db"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
checks=0
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*" >&2; }
expect_contains() {  # haystack needle description
  if grep -qF -- "$2" <<<"$1"; then pass; else fail "$3: expected to find [$2] in:"; echo "$1" | head -20 >&2; fi
}
expect_eq() {  # actual expected description
  if [ "$1" == "$2" ]; then pass; else fail "$3: expected [$2], got [$1]"; fi
}
e() { "$ECOUTE" --db "$DB" "$@"; }
# The API needs credentials: every scenario but demo_serve starts with an
# admin account and its API token (see the end of this file).
TOKEN=""
ADMIN_PASSWORD="cli-test-admin-password"
api() { curl -s -H "Authorization: Bearer $TOKEN" "$@"; }
# Number of stored mentions, read from `ecoute stats`.
stored_count() { e stats | head -1 | awk '{gsub(",", "", $1); print $1}'; }
need_data() { [ -f "$1" ] || { echo "missing test data $1" >&2; exit 1; }; }

scenario_twcs() {
  local f="$SHARED_DATA/twcs/first5000/twcs.csv"; need_data "$f"
  local out; out=$(e import --no-progress "$f" 2>&1)
  expect_contains "$out" "format twcs: 5,000 stored, 0 updated, 0 duplicates, 0 rejected" "twcs first import"
  out=$(e import --no-progress "$f" 2>&1)
  expect_contains "$out" "0 stored, 0 updated, 5,000 duplicates, 0 rejected" "twcs re-import changes nothing"
  expect_eq "$(stored_count)" "5000" "twcs stored count"
  # Reply links become threads: the conversation rooted at tweet 8 has 7
  # tweets, the one rooted at 7442 has 130 (computed from the raw CSV).
  expect_eq "$(e search --thread 8 --limit 1000 --json | wc -l)" "7" "twcs thread 8"
  expect_eq "$(e search --thread 7442 --limit 1000 --json | wc -l)" "130" "twcs thread 7442"
  out=$(e search --thread 8 --json --limit 1000)
  expect_contains "$out" '"native_id":"1"' "tweet 1 is in thread 8"
  expect_contains "$out" '"direction":"outbound"' "brand replies are outbound"
}

scenario_airline() {
  local f="$SHARED_DATA/airline-tweets/Tweets.csv"; need_data "$f"
  local out; out=$(e import --no-progress --map airline-tweets "$f" 2>&1)
  expect_contains "$out" "14,640 records read" "airline read count"
  expect_contains "$out" "14,485 stored" "airline unique tweets stored"
  # 155 tweet ids appear twice with the same text; labels differ in some.
  local upd dup
  upd=$(grep -o '[0-9,]* updated' <<<"$out" | tr -d ', updated')
  dup=$(grep -o '[0-9,]* duplicates' <<<"$out" | tr -d ', duplicates')
  expect_eq "$((upd + dup))" "155" "airline repeated ids are updates or duplicates"
  expect_eq "$(stored_count)" "14485" "airline stored count"
  out=$(e search --lang en --limit 1 --json)
  expect_contains "$out" '"lang":"en"' "airline tweets identified as English"
}

scenario_free() {
  local f="$SHARED_DATA/free-fr-tweets/free_tweets.csv"; need_data "$f"
  local out; out=$(e import --no-progress --map free-tweets "$f" 2>&1)
  expect_contains "$out" "3,464 stored" "free tweets stored"
  expect_eq "$(stored_count)" "3464" "free tweets count"
  out=$(e search freebox --limit 5)
  expect_contains "$out" "5 results" "free tweets searchable"
}

scenario_accents() {
  cat > "$WORK/a.jsonl" <<'JSON'
{"channel":"twitter","native_id":"a1","created_at":"2024-05-01T10:00:00Z","text":"Le réseau est coupé depuis ce matin"}
{"channel":"twitter","native_id":"a2","created_at":"2024-05-01T11:00:00Z","text":"RÉSEAU COUPÉ ENCORE !!!"}
{"channel":"forum","native_id":"a3","created_at":"2024-05-01T12:00:00Z","title":"Reseau","text":"plus de reseau a Lyon"}
{"channel":"twitter","native_id":"a4","created_at":"2024-05-01T13:00:00Z","text":"Les réseaux sociaux, quelle plaie"}
JSON
  local out; out=$(e import --no-progress "$WORK/a.jsonl" 2>&1)
  expect_contains "$out" "4 stored" "accent sample stored"
  out=$(e search reseau --json)
  expect_eq "$(wc -l <<<"$out")" "3" "reseau finds réseau, RÉSEAU and reseau, not réseaux"
  expect_eq "$(e search 'RESEAU' 'coupe' --json | wc -l)" "2" "two words, any case or accent"
  expect_eq "$(e search reseau --channel forum --json | wc -l)" "1" "channel filter"
}

scenario_rejects() {
  "$ECOUTE" demo --count 200 --seed 3 --start 2024-01-01T00:00:00Z -o "$WORK/good.jsonl"
  # Corrupt lines 5 (broken JSON), 17 (invalid UTF-8), 42 (no text), 99 (bad date).
  awk 'NR==5 {print "{\"channel\":\"twitter\",\"native_id\":"; next}
       NR==17 {print "{\"channel\":\"twitter\",\"native_id\":\"u17\",\"created_at\":\"2024-01-01T00:00:00Z\",\"text\":\"caf\xe9\"}"; next}
       NR==42 {print "{\"channel\":\"twitter\",\"native_id\":\"t42\",\"created_at\":\"2024-01-01T00:00:00Z\"}"; next}
       NR==99 {print "{\"channel\":\"twitter\",\"native_id\":\"d99\",\"created_at\":\"the day after\",\"text\":\"x\"}"; next}
       {print}' "$WORK/good.jsonl" > "$WORK/bad.jsonl"
  local out; out=$(e import --no-progress "$WORK/bad.jsonl" 2>&1)
  expect_contains "$out" "196 stored, 0 updated, 0 duplicates, 4 rejected" "valid lines stored, bad ones rejected"
  for l in 5 17 42 99; do expect_contains "$out" "bad.jsonl:$l:" "reject names line $l"; done
  out=$(e rejects --limit 10)
  expect_contains "$out" "bad.jsonl:42: text" "rejects table keeps line 42 and the field"
  expect_contains "$out" "bad.jsonl:99: created_at" "rejects table keeps line 99 and the field"
  expect_contains "$out" "4 rejects shown" "four rejects kept"
}

scenario_cli_errors() {
  local out code
  out=$("$ECOUTE" import --db "$DB" "$WORK/does-not-exist.jsonl" 2>&1); code=$?
  expect_eq "$code" "1" "missing file exits 1"
  expect_contains "$out" "does-not-exist.jsonl" "missing file named"
  out=$("$ECOUTE" import --db "$DB" --format yaml x 2>&1); code=$?
  expect_eq "$code" "1" "bad format exits 1"
  expect_contains "$out" "--format" "bad format names the flag"
  printf 'store:\n  path: x.db\n  sotre: 1\n' > "$WORK/bad.yaml"
  out=$("$ECOUTE" --config "$WORK/bad.yaml" stats 2>&1); code=$?
  expect_eq "$code" "1" "bad config exits 1"
  expect_contains "$out" "bad.yaml:3:3: store.sotre: unknown key" "config error has line and column"
  printf 'auth:\n  session_idle_hours: 0\n' > "$WORK/bad-auth.yaml"
  out=$("$ECOUTE" --config "$WORK/bad-auth.yaml" stats 2>&1); code=$?
  expect_eq "$code" "1" "bad auth config exits 1"
  expect_contains "$out" "bad-auth.yaml:2:23: auth.session_idle_hours: must be between 1 and 720, got 0" \
    "auth config error has line and column"
  out=$("$ECOUTE" --db "$DB" user add x --role boss 2>&1); code=$?
  expect_eq "$code" "1" "an unknown role exits 1"
  expect_contains "$out" "roles: viewer, analyst, agent, lead, admin" "an unknown role lists the roles"
  # A server without any account says how to create the first admin.
  "$ECOUTE" --db "$WORK/empty.db" serve --listen 127.0.0.1:0 > "$WORK/empty.log" 2>&1 &
  local empty_pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$WORK/empty.log" && break; sleep 0.1; done
  kill -TERM "$empty_pid"; wait "$empty_pid"
  expect_contains "$(cat "$WORK/empty.log")" "ecoute --db $WORK/empty.db user add NAME --role admin" \
    "serve without accounts logs the command that creates the first admin"
  out=$("$ECOUTE" frobnicate 2>&1); code=$?
  expect_eq "$code" "2" "unknown command is a usage error"
  out=$("$ECOUTE" --help 2>&1); code=$?
  expect_eq "$code" "0" "--help works"
  expect_contains "$out" "import" "--help lists commands"
}

start_server() {  # extra args...
  "$ECOUTE" --db "$DB" serve --listen 127.0.0.1:0 "$@" > "$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$WORK/serve.log" >&2; return 1
}

scenario_http() {
  start_server || { fail "server start"; return; }
  local base="http://127.0.0.1:$PORT" out
  out=$(curl -s "$base/healthz"); expect_contains "$out" '"status":"ok"' "healthz"
  # Authentication: /healthz is open, nothing else without credentials.
  status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
  expect_eq "$(status "$base/api/v1/mentions")" "401" "no token, no mentions"
  expect_eq "$(status -H 'Authorization: Bearer ect_nope' "$base/api/v1/mentions")" "401" "an unknown token is refused"
  expect_eq "$(status -H "Authorization: Bearer $TOKEN" "$base/api/v1/mentions")" "200" "the admin's token is accepted"
  local headers; headers=$(curl -s -D - -o "$WORK/login.json" -H 'Content-Type: application/json' \
    -d "{\"login\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" "$base/api/v1/auth/login")
  expect_contains "$headers" "Set-Cookie: ecoute_session=ecs_" "login with the password sets the session cookie"
  expect_contains "$headers" "HttpOnly; SameSite=Strict; Path=/" "the cookie is HttpOnly and SameSite=Strict"
  local cookie csrf
  cookie=$(grep -o 'ecoute_session=[^;]*' <<<"$headers")
  csrf=$(grep -o '"csrf_token":"[^"]*"' "$WORK/login.json" | cut -d'"' -f4)
  expect_contains "$(curl -s -H "Cookie: $cookie" "$base/api/v1/auth/me")" '"login":"admin"' "the cookie signs requests in"
  expect_eq "$(status -H "Cookie: $cookie" -H 'Content-Type: application/json' -d '{"query":"colis"}' "$base/api/v1/queries/lint")" \
    "403" "a cookie without its CSRF token cannot POST"
  expect_eq "$(status -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"query":"colis"}' "$base/api/v1/queries/lint")" \
    "200" "with its CSRF token it can"
  expect_eq "$(status -H 'Content-Type: application/json' -d '{"login":"admin","password":"wrong-password"}' "$base/api/v1/auth/login")" \
    "401" "a wrong password is refused"
  # A viewer added while the server runs: reads, but may not create queries.
  local viewer vtoken vid
  viewer=$(e user add vic --role viewer --token readonly 2>&1)
  vtoken=$(grep -o 'ect_[A-Za-z0-9_-]*' <<<"$viewer")
  expect_eq "$(status -H "Authorization: Bearer $vtoken" "$base/api/v1/stats/summary")" "200" "a viewer token reads"
  expect_eq "$(status -H "Authorization: Bearer $vtoken" -H 'Content-Type: application/json' -d '{"name":"v","query":"colis"}' "$base/api/v1/queries")" \
    "403" "a viewer token gets 403 on POST /api/v1/queries"
  vid=$(e token list vic | awk '$3 == "readonly" {print $1}')
  e token revoke "$vid" > /dev/null
  expect_eq "$(status -H "Authorization: Bearer $vtoken" "$base/api/v1/stats/summary")" "401" "a revoked token is refused at once"
  printf '%s\n%s\n%s\n' \
    '{"channel":"twitter","native_id":"h1","created_at":"2024-05-01T10:00:00Z","text":"Colis perdu, livraison ratée !"}' \
    '{"channel":"twitter","native_id":"h2","created_at":"2024-05-01T10:30:00Z"}' \
    '{"channel":"email","native_id":"h3","created_at":"2024-05-01T11:00:00Z","title":"Commande","text":"My parcel never arrived"}' > "$WORK/batch.jsonl"
  out=$(api -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/batch.jsonl" "$base/api/v1/mentions")
  expect_contains "$out" '"accepted":2' "POST accepts the two valid records"
  expect_contains "$out" '"rejected":1' "POST rejects the one without text"
  expect_contains "$out" '"index":1' "POST error names the batch index"
  out=$(api -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/batch.jsonl" "$base/api/v1/mentions")
  expect_contains "$out" '"duplicates":2' "replayed POST duplicates nothing"
  out=$(api "$base/api/v1/mentions?q=livraison")
  expect_contains "$out" '"native_id":"h1"' "GET search finds the French message"
  local id; id=$(grep -o '"id":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
  out=$(api "$base/api/v1/mentions/$id"); expect_contains "$out" '"native_id":"h1"' "GET by id"
  expect_eq "$(api -o /dev/null -w '%{http_code}' "$base/api/v1/mentions/999999")" "404" "unknown id is 404"
  expect_eq "$(api -o /dev/null -w '%{http_code}' "$base/api/v1/mentions?from=yesterday")" "400" "bad date is 400"
  out=$(api "$base/api/v1/stats/volume?interval=hour&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&group_by=channel")
  expect_contains "$out" '"count":1' "volume from rollups"
  out=$(api "$base/metrics")
  expect_contains "$out" 'ecoute_ingest_mentions_total{outcome="inserted"} 2' "metrics count ingested"
  expect_contains "$out" "ecoute_ingest_rejected_total 2" "metrics count rejected (the batch was posted twice)"
  expect_contains "$out" 'ecoute_pipeline_queue_depth' "metrics show queue depths"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; local code=$?; SERVER_PID=""
  expect_eq "$code" "0" "SIGTERM drains and exits 0"
  expect_eq "$(stored_count)" "2" "acknowledged records are durable after shutdown"
}

scenario_demo_serve() {
  printf 'demo: {backlog_days: 2, messages_per_day: 500, live_per_minute: 600}\n' > "$WORK/demo.yaml"
  "$ECOUTE" --config "$WORK/demo.yaml" --db "$DB" serve --listen 127.0.0.1:0 --demo > "$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  local n=0
  for _ in $(seq 1 100); do
    grep -q 'streaming about' "$WORK/serve.log" && break; sleep 0.1
  done
  PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
  # The demo accounts: one password, an admin API token, a file only its owner reads.
  local creds="$WORK/demo-credentials.txt"
  expect_eq "$(stat -c %a "$creds" 2>/dev/null)" "600" "the demo credentials are written with mode 0600"
  expect_contains "$(cat "$WORK/serve.log")" "demo: created the accounts admin, lead, agent1, agent2, analyst and viewer" \
    "the demo accounts are logged"
  TOKEN=$(grep -o 'ect_[A-Za-z0-9_-]*' "$creds")
  local password; password=$(grep '^password: ' "$creds" | cut -d' ' -f2)
  expect_contains "$(curl -s -H 'Content-Type: application/json' -d "{\"login\":\"agent1\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/login")" '"role":"agent"' "a demo agent signs in with the demo password"
  expect_contains "$(api "http://127.0.0.1:$PORT/api/v1/teams")" '"name":"care"' "the demo team care"
  local before; before=$(api "http://127.0.0.1:$PORT/api/v1/stats/summary" | grep -o '"mentions":[0-9]*' | cut -d: -f2)
  sleep 2
  local after; after=$(api "http://127.0.0.1:$PORT/api/v1/stats/summary" | grep -o '"mentions":[0-9]*' | cut -d: -f2)
  local queries; queries=$(api "http://127.0.0.1:$PORT/api/v1/queries")
  expect_contains "$queries" '"name":"brand_telemax"' "the demo installs its monitored queries"
  local tagged; tagged=$(api "http://127.0.0.1:$PORT/api/v1/mentions?query_id=1&limit=5" | grep -o '"matched_queries":\[1' | wc -l)
  if [ "$tagged" -gt 0 ]; then pass; else fail "demo mentions are tagged with the demo queries"; fi
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
  if [ "${before:-0}" -ge 900 ]; then pass; else fail "demo backlog loaded (~1000 expected, got ${before:-none})"; fi
  if [ "${after:-0}" -gt "${before:-0}" ]; then pass; else fail "live demo messages keep arriving (${before:-?} -> ${after:-?})"; fi
}

scenario_kill9() {
  "$ECOUTE" demo --count 200000 --seed 9 --start 2024-01-01T00:00:00Z -o "$WORK/big.jsonl"
  # The binary itself (not the e() function) so that $! is its pid.
  "$ECOUTE" --db "$DB" import --no-progress "$WORK/big.jsonl" > "$WORK/first.log" 2>&1 &
  local pid=$!
  # Kill once part of the file is committed.
  for _ in $(seq 1 200); do
    [ -f "$DB" ] && [ "$(sqlite3 "$DB" 'select count(*) from mentions' 2>/dev/null || echo 0)" -gt 1000 ] && break
    sleep 0.05
  done
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  if grep -q "records read" "$WORK/first.log"; then fail "the import finished before kill -9: nothing tested"; fi
  local partial; partial=$(stored_count)
  if [ "$partial" -gt 0 ] && [ "$partial" -lt 200000 ]; then pass; else fail "kill -9 should interrupt a partial import (stored $partial)"; fi
  local out; out=$(e import --no-progress "$WORK/big.jsonl" 2>&1)
  local dup; dup=$(grep -o '[0-9,]* duplicates' <<<"$out" | tr -d ', duplicates')
  expect_eq "$dup" "$partial" "re-import sees what was committed before the kill as duplicates"
  expect_eq "$(stored_count)" "200000" "nothing lost, nothing duplicated after kill -9 and re-import"
}

scenario_sigint() {
  "$ECOUTE" demo --count 200000 --seed 5 --start 2024-01-01T00:00:00Z -o "$WORK/big.jsonl"
  "$ECOUTE" --db "$DB" import --no-progress "$WORK/big.jsonl" > "$WORK/import.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 200); do
    [ -f "$DB" ] && [ "$(sqlite3 "$DB" 'select count(*) from mentions' 2>/dev/null || echo 0)" -gt 1000 ] && break
    sleep 0.05
  done
  kill -INT "$pid"; wait "$pid"; local code=$?
  local out; out=$(cat "$WORK/import.log")
  if grep -q "interrupted" <<<"$out"; then
    expect_eq "$code" "130" "an interrupted import exits 130"
    # Everything read before the signal is committed: stored == read.
    local read stored
    read=$(grep -o '^[^:]*: [0-9,]* records read' <<<"$out" | grep -o '[0-9,]* records' | tr -d ', records')
    stored=$(grep -o '[0-9,]* stored' <<<"$out" | head -1 | tr -d ', stored')
    expect_eq "$stored" "$read" "records read before SIGINT are all stored"
    expect_eq "$(stored_count)" "$read" "and durable"
  else
    fail "the import finished before SIGINT: nothing tested"; echo "$out" >&2
  fi
}

scenario_query() {
  local out code
  out=$("$ECOUTE" query lint '(pixmania OR "pix mania") AND (livraison OR colis) NOT emploi' 2>&1); code=$?
  expect_eq "$code" "0" "a valid query lints"
  expect_contains "$out" 'canonical: ((pixmania OR "pix mania") AND (livraison OR colis) AND NOT emploi)' "canonical form"
  expect_contains "$out" 'PHRASE "pix mania" @14' "parse tree with columns"
  out=$("$ECOUTE" query lint 'pixmania AND colis OR ' 2>&1); code=$?
  expect_eq "$code" "1" "a syntax error exits 1"
  expect_contains "$out" "col 23: expected a term after OR" "error names the column"
  out=$("$ECOUTE" query lint 'li* AND le' 2>&1)
  expect_contains "$out" "short-wildcard" "linter warns on a short wildcard"
  expect_contains "$out" "stop-word" "linter warns on a stop word"
  out=$("$ECOUTE" query explain 'colis NEAR/3 perdu NOT {Orange}' --text "Mon COLIS a été perdu par le transporteur" 2>&1); code=$?
  expect_eq "$code" "0" "explain exits 0 on a match"
  expect_contains "$out" "[COLIS] a été [perdu]" "explain highlights the matched words"
  out=$("$ECOUTE" query explain 'réseau AND lang:fr' --lang en --text "Le RESEAU est coupé" 2>&1); code=$?
  expect_eq "$code" "3" "explain exits 3 when the query does not match"
  expect_contains "$out" "lang:fr: no match" "explain shows the part that failed"
}

# Monitored queries end to end: defined in ecoute.yaml (with a positioned
# error for a bad one), matched live during an import, the same set through
# the per-query index (--saved) and the history search (--query); created
# over HTTP, applied to history by the backfill, protected when they come
# from the file, counted per query in the volume series.
scenario_monitor() {
  local out code
  cat > "$WORK/bad.yaml" <<'YAML'
queries:
  - name: delivery
    query: colis OR
YAML
  out=$("$ECOUTE" --config "$WORK/bad.yaml" --db "$DB" search --query colis 2>&1); code=$?
  expect_eq "$code" "1" "a bad query in ecoute.yaml stops the command"
  expect_contains "$out" "bad.yaml:3:12: queries[0] (delivery): query: col 9: expected a term after OR" \
    "the error names file:line:col and the query column"
  cat > "$WORK/q.yaml" <<'YAML'
queries:
  - name: telemax
    kind: brand
    query: 'telemax OR "tele max" OR @Telemax_FR OR #telemax'
  - name: delivery
    query: (colis OR livraison OR delivery OR parcel) NOT emploi
  - name: telemax_delivery
    query: '@telemax AND @delivery'
YAML
  "$ECOUTE" demo --count 3000 --seed 5 --start 2024-02-01T00:00:00Z -o "$WORK/d.jsonl"
  out=$("$ECOUTE" --config "$WORK/q.yaml" --db "$DB" import --no-progress "$WORK/d.jsonl" 2>&1)
  expect_contains "$out" "3,000 stored" "import stores the demo messages"
  expect_contains "$out" "matching 3 monitored queries" "import matches the configured queries"
  out=$("$ECOUTE" --config "$WORK/q.yaml" --db "$DB" query explain '@telemax_delivery' --text "Telemax a perdu mon colis" 2>&1); code=$?
  expect_eq "$code" "0" "explain resolves a configured query by name"
  expect_contains "$out" "[Telemax] a perdu mon [colis]" "explain highlights through references"
  out=$("$ECOUTE" --config "$WORK/q.yaml" --db "$DB" query list 2>&1)
  expect_contains "$out" "3 monitored queries" "query list shows the configured queries"
  local saved history
  for q in delivery telemax_delivery; do
    saved=$("$ECOUTE" --config "$WORK/q.yaml" --db "$DB" search --saved "$q" --json --limit 1000 | wc -l)
    local text; text=$(grep -A0 "name: $q\$" -A1 "$WORK/q.yaml" | grep -o "query: .*" | sed "s/^query: //; s/^'//; s/'\$//")
    history=$("$ECOUTE" --config "$WORK/q.yaml" --db "$DB" search --query "$text" --json --limit 1000 | wc -l)
    if [ "$saved" -gt 0 ]; then pass; else fail "query $q tags some mentions live ($saved)"; fi
    expect_eq "$history" "$saved" "query $q: the history search finds what was tagged live"
  done

  "$ECOUTE" --config "$WORK/q.yaml" --db "$DB" serve --listen 127.0.0.1:0 > "$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
    [ -n "$PORT" ] && break; sleep 0.1
  done
  local base="http://127.0.0.1:$PORT"
  out=$(api -H 'Content-Type: application/json' -d '{"name":"refunds","query":"rembours* OR refund*"}' "$base/api/v1/queries")
  expect_contains "$out" '"name":"refunds"' "POST /api/v1/queries creates a query"
  local id; id=$(grep -o '"id":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
  for _ in $(seq 1 100); do
    api "$base/api/v1/queries/$id" | grep -q '"pending":false' && break; sleep 0.1
  done
  out=$(api "$base/api/v1/queries/$id")
  expect_contains "$out" '"pending":false' "the new query is applied to history"
  local by_id by_text
  by_id=$(api "$base/api/v1/mentions?query_id=$id&limit=1000" | grep -o '"native_id"' | wc -l)
  by_text=$(api -G "$base/api/v1/mentions" --data-urlencode 'query=rembours* OR refund*' -d limit=1000 | grep -o '"native_id"' | wc -l)
  if [ "$by_id" -gt 0 ]; then pass; else fail "the backfilled query has mentions"; fi
  expect_eq "$by_id" "$by_text" "backfilled index == history search"
  out=$(api -H 'Content-Type: application/json' -d '{"name":"x","query":"colis AND (perdu"}' "$base/api/v1/queries")
  expect_contains "$out" '"field":"query"' "a bad query names the field"
  # SIGHUP reloads ecoute.yaml's queries without a restart; a bad file changes nothing.
  printf '  - name: outage\n    query: panne OR outage\n' >> "$WORK/q.yaml"
  kill -HUP "$SERVER_PID"
  for _ in $(seq 1 100); do
    api "$base/api/v1/queries" | grep -q '"name":"outage"' && break; sleep 0.1
  done
  expect_contains "$(api "$base/api/v1/queries")" '"name":"outage"' "SIGHUP adds a query from ecoute.yaml"
  printf '  - name: broken\n    query: colis AND (\n' >> "$WORK/q.yaml"
  kill -HUP "$SERVER_PID"
  for _ in $(seq 1 50); do grep -q "configuration not reloaded" "$WORK/serve.log" && break; sleep 0.1; done
  expect_contains "$(cat "$WORK/serve.log")" "configuration not reloaded: $WORK/q.yaml:12:12: queries[4] (broken): query: col 12:" \
    "a bad reload is reported with file:line and changes nothing"
  expect_contains "$(api "$base/api/v1/queries")" '"name":"outage"' "the previous queries stay"
  local tid; tid=$(api "$base/api/v1/queries" | tr '{' '\n' | grep '"name":"telemax"' | grep -o '"id":[0-9]*' | cut -d: -f2)
  code=$(api -o /dev/null -w '%{http_code}' -X DELETE "$base/api/v1/queries/$tid")
  expect_eq "$code" "409" "a query from ecoute.yaml cannot be deleted over HTTP"
  out=$(api "$base/api/v1/stats/volume?group_by=query&interval=week&from=2024-01-29T00:00:00Z&to=2024-03-01T00:00:00Z")
  expect_contains "$out" '"group":"refunds"' "volume per query, named"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
}

# Understanding end to end: `enrich` labels JSON lines and explains them
# (bad lines named), `eval` prints per-language scores, imported mentions
# carry the labels, the query fields and the label rollups use them, a user
# correction over HTTP sticks, and `train --quick` rebuilds loadable models.
scenario_understanding() {
  local out code
  out=$(printf '%s\n' \
    '{"id":"a","text":"Le chargeur a pris feu dans la chambre de mon fils, vous vendez des produits dangereux !","lang":"fr"}' \
    '{"id":"b","text":"Thanks a lot for the quick refund, great service!","channel":"twitter"}' \
    '{oops' '{"id":"c"}' | "$ECOUTE" enrich 2>"$WORK/enrich.err"); code=$?
  expect_eq "$code" "1" "enrich exits 1 when a line was rejected"
  expect_contains "$(cat "$WORK/enrich.err")" "stdin:3: not a JSON object" "enrich names the bad line"
  expect_contains "$(cat "$WORK/enrich.err")" "stdin:4: field \"text\"" "enrich names the missing field"
  expect_contains "$out" '"id":"a"' "enrich keeps the input fields"
  expect_contains "$out" '"severity_level":"critical"' "a fire is critical"
  expect_contains "$out" '"safety_risk"' "with its reason"
  expect_contains "$out" '"explanation":{' "enrich explains"
  expect_contains "$(sed -n 2p <<<"$out")" '"sentiment":"positive"' "thanks are positive"
  expect_contains "$(sed -n 2p <<<"$out")" '"lang":"en"' "language detected when not given"
  out=$("$ECOUTE" eval "$SOURCE_DIR/src/train/testdata/eval_small.jsonl" 2>&1); code=$?
  expect_eq "$code" "0" "eval exits 0"
  expect_contains "$out" "needs_reply / fr" "eval scores per language"
  expect_contains "$out" "macro-F1" "eval prints macro-F1"
  expect_contains "$out" "confusion" "eval prints confusion matrices"
  printf '%s\n' \
    '{"id":"u1","channel":"twitter","created_at":"2024-05-01T10:00:00Z","author":{"handle":"a1"},"text":"@Telemax_FR on m a prélevé 200 euros sans mon accord, c est une arnaque","lang":"fr"}' \
    '{"id":"u2","channel":"twitter","created_at":"2024-05-01T10:05:00Z","author":{"handle":"a2"},"text":"Quel beau match hier soir au stade","lang":"fr"}' \
    > "$WORK/u.jsonl"
  e import --no-progress "$WORK/u.jsonl" > /dev/null 2>&1
  out=$(e search --query 'severity:critical' 2>&1)
  expect_contains "$out" "arnaque" "severity: query field over stored labels"
  out=$(e search --query 'needs_reply:false' 2>&1)
  expect_contains "$out" "beau match" "needs_reply: query field"
  start_server || { fail "server start"; return; }
  local base="http://127.0.0.1:$PORT" id
  id=$(api "$base/api/v1/mentions?q=match" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  out=$(api -X PATCH -H 'Content-Type: application/json' -d '{"sentiment":"positive"}' "$base/api/v1/mentions/$id/labels")
  expect_contains "$out" '"corrected":["sentiment"]' "a correction is recorded on the mention"
  code=$(api -o "$WORK/p.json" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' -d '{"category":"weather"}' "$base/api/v1/mentions/$id/labels")
  expect_eq "$code" "400" "an unknown category is refused"
  expect_contains "$(cat "$WORK/p.json")" "category" "the error names the field"
  out=$(api "$base/api/v1/mentions/$id/explain")
  expect_contains "$out" '"explanation"' "explain endpoint"
  out=$(api "$base/api/v1/stats/volume?interval=day&group_by=severity&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z")
  expect_contains "$out" '"group":"critical"' "volume by severity from the rollups"
  out=$(api "$base/api/v1/categories")
  expect_contains "$out" '"label_fr":"Livraison"' "the taxonomy with its French labels"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
  # The correction survives a re-import of the same record.
  e import --no-progress "$WORK/u.jsonl" > /dev/null 2>&1
  out=$(e search --query 'sentiment:positive' 2>&1)
  expect_contains "$out" "beau match" "a user's correction beats the model on re-import"
  printf 'understanding:\n  rules:\n    - reason: fraud\n      query: "arnaque OR"\n' > "$WORK/r.yaml"
  out=$(echo '{"text":"x"}' | "$ECOUTE" --config "$WORK/r.yaml" enrich 2>&1); code=$?
  expect_eq "$code" "1" "a bad cue rule stops ecoute"
  expect_contains "$out" "r.yaml:4:14: understanding.rules[0].query: query: col 11: expected a term after OR" "the rule error names file, line and column"
  mkdir -p "$WORK/models" && cp -r "$SOURCE_DIR/models/lexicons" "$WORK/models/"
  out=$(e train --quick --data "$SHARED_DATA" --care "$SOURCE_DIR/training/customer-care" --out "$WORK/models" 2>&1); code=$?
  expect_eq "$code" "0" "train --quick succeeds"
  expect_contains "$(cat "$WORK/models/sentiment-fr.md")" "xlmt-sentiment" "model card names its training data"
  expect_contains "$(cat "$WORK/models/sentiment-fr.md")" "| correction | 1 |" "model card counts the user's correction"
  printf 'understanding:\n  models: %s\n' "$WORK/models" > "$WORK/u.yaml"
  out=$(echo '{"text":"colis perdu, personne ne répond"}' | "$ECOUTE" --config "$WORK/u.yaml" enrich 2>&1); code=$?
  expect_eq "$code" "0" "the retrained models load"
  printf 'oops' > "$WORK/models/category.ecm"
  out=$(echo '{"text":"colis perdu"}' | "$ECOUTE" --config "$WORK/u.yaml" enrich 2>&1); code=$?
  expect_eq "$code" "1" "a broken model file is refused"
  expect_contains "$out" "category.ecm" "the error names the model file"
}

# Real-time alerts end to end: a webhook (signed) and an e-mail arrive at
# local receivers, the SSE stream shows the alert, ack/resolve and the
# delivery log work over HTTP; the backtest replays twcs in event time.
scenario_alerts() {
  local out code pids=()
  python3 "$SOURCE_DIR/tests/tools/receivers.py" webhook "$WORK" & pids+=($!)
  python3 "$SOURCE_DIR/tests/tools/receivers.py" smtp "$WORK" & pids+=($!)
  for _ in $(seq 1 50); do [ -s "$WORK/webhook.port" ] && [ -s "$WORK/smtp.port" ] && break; sleep 0.1; done
  local hook_port smtp_port; hook_port=$(cat "$WORK/webhook.port"); smtp_port=$(cat "$WORK/smtp.port")
  cat > "$WORK/a.yaml" <<YAML
store:
  path: $DB
queries:
  - name: telemax
    kind: brand
    query: 'telemax OR @Telemax_FR'
alerts:
  notifiers:
    - name: ops
      type: webhook
      url: http://127.0.0.1:$hook_port/hooks/ecoute
      secret_env: ECOUTE_TEST_SECRET
    - name: care-mail
      type: email
      smtp_url: smtp://127.0.0.1:$smtp_port
      from: ecoute@example.org
      to: [care@example.org]
  rules:
    - name: negative-telemax
      kind: mention
      queries: [telemax]
      sentiments: [negative]
      group_minutes: 0
      notify: [ops]
    - name: critical
      kind: severity
      min_severity: critical
      group_minutes: 0
      notify: [care-mail]
YAML
  ECOUTE_TEST_SECRET=s3cret "$ECOUTE" --config "$WORK/a.yaml" serve --listen 127.0.0.1:0 > "$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
    [ -n "$PORT" ] && grep -q "alerts: 2 rules, 2 notifiers" "$WORK/serve.log" && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { fail "server start"; cat "$WORK/serve.log" >&2; kill "${pids[@]}"; return; }
  local base="http://127.0.0.1:$PORT"
  api -N "$base/api/v1/alerts/stream" > "$WORK/sse.txt" & pids+=($!)
  sleep 0.3
  local now; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  out=$(api -X POST -H 'Content-Type: application/json' --data-binary @- "$base/api/v1/mentions" <<JSON
[{"channel":"twitter","native_id":"t1","created_at":"$now","author":{"handle":"marie"},"lang":"fr",
  "text":"@Telemax_FR colis perdu depuis deux semaines, personne ne répond, c'est honteux"},
 {"channel":"twitter","native_id":"t2","created_at":"$now","author":{"handle":"paul"},"lang":"fr",
  "text":"Le chargeur Telemax a pris feu dans la chambre de mon fils, vous vendez des produits dangereux !"},
 {"channel":"twitter","native_id":"t3","created_at":"2020-01-01T10:00:00Z","author":{"handle":"old"},"lang":"fr",
  "text":"@Telemax_FR colis perdu, service client nul"}]
JSON
)
  expect_contains "$out" '"inserted":3' "three messages stored"
  for _ in $(seq 1 50); do [ -s "$WORK/webhook.jsonl" ] && [ -s "$WORK/mail.jsonl" ] && break; sleep 0.1; done
  out=$(cat "$WORK/webhook.jsonl" 2>/dev/null)
  expect_contains "$out" 'New negative message on telemax' "the webhook carries the alert"
  expect_contains "$out" '"X-Ecoute-Signature": "sha256=' "the webhook is signed"
  expect_eq "$(wc -l < "$WORK/webhook.jsonl")" "2" "one webhook per new negative message, none for history"
  out=$(cat "$WORK/mail.jsonl" 2>/dev/null)
  expect_contains "$out" 'care@example.org' "the e-mail goes to the configured address"
  expect_contains "$out" 'Severity critical' "the e-mail names the severity"
  expect_contains "$(cat "$WORK/sse.txt")" "event: alert.opened" "the live stream shows the alert"
  out=$(api "$base/api/v1/alerts?rule=negative-telemax")
  local id; id=$(grep -o '"id":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
  [ -n "$id" ] || { fail "no alert listed: $out"; }
  out=$(api -X POST -H 'Content-Type: application/json' -d '{"note":"on it"}' "$base/api/v1/alerts/$id/ack")
  expect_contains "$out" '"status":"acknowledged"' "acknowledge"
  expect_contains "$out" '"acknowledged_by":"admin"' "the actor is the signed-in account"
  out=$(api -X POST -H 'Content-Type: application/json' -d '{"note":"answered"}' "$base/api/v1/alerts/$id/resolve")
  expect_contains "$out" '"status":"resolved"' "resolve"
  code=$(api -o /dev/null -w '%{http_code}' -X POST -d '' "$base/api/v1/alerts/$id/ack")
  expect_eq "$code" "409" "a resolved alert cannot be acknowledged"
  out=$(api "$base/api/v1/alerts/$id")
  expect_contains "$out" '"type":"acknowledged"' "the history has the acknowledgement"
  expect_contains "$out" '"state":"delivered"' "the delivery log has the webhook"
  out=$(api -X POST -H 'Content-Type: application/json' -d '{"name":"bad","kind":"volume_spike","min_volume":0}' "$base/api/v1/alert-rules")
  expect_contains "$out" "min_volume" "a bad API rule names its field"
  # SIGHUP re-reads the file's rules: a new one appears, a bad file changes none.
  printf '    - name: influencers\n      kind: high_reach\n' >> "$WORK/a.yaml"
  kill -HUP "$SERVER_PID"
  for _ in $(seq 1 50); do grep -q "3 alert rules" "$WORK/serve.log" && break; sleep 0.1; done
  expect_contains "$(api "$base/api/v1/alert-rules")" '"name":"influencers"' "a rule added to the file is live after SIGHUP"
  printf '      min_followers: -5\n' >> "$WORK/a.yaml"
  kill -HUP "$SERVER_PID"
  for _ in $(seq 1 50); do grep -q "alert rules not reloaded" "$WORK/serve.log" && break; sleep 0.1; done
  expect_contains "$(cat "$WORK/serve.log")" "alert rules not reloaded (the queries were): $WORK/a.yaml:" "a bad rule on reload is reported with its place"
  expect_contains "$(api "$base/api/v1/alert-rules/influencers")" '"min_followers":50000' "and changes nothing"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
  kill "${pids[@]}" 2>/dev/null

  # A bad rule in the file names file:line:col.
  printf 'alerts:\n  rules:\n    - name: x\n      kind: volume_spike\n      min_volume: 0\n' > "$WORK/bad.yaml"
  out=$("$ECOUTE" --config "$WORK/bad.yaml" alerts replay "$WORK/bad.yaml" 2>&1); code=$?
  expect_eq "$code" "1" "a bad alert rule stops ecoute"
  expect_contains "$out" "bad.yaml:5:19: alerts.rules[0].min_volume: must be between 1 and 1000000, got 0" "the rule error names its place"

  # Backtest over the twcs sample, in event time (October-December 2017).
  local f="$SHARED_DATA/twcs/first5000/twcs.csv"; need_data "$f"
  cat > "$WORK/rules.yaml" <<'YAML'
queries:
  - name: airlines
    kind: brand
    query: '@AmericanAir OR @Delta OR @British_Airways OR @SouthwestAir'
alerts:
  rules:
    - name: airline-negative
      kind: mention
      queries: [airlines]
      sentiments: [negative]
      group_minutes: 60
    - name: severe
      kind: severity
      min_severity: high
      group_minutes: 0
      throttle_per_hour: 5
    - name: conversations
      kind: snowball
      cascade_per_minute: 0.5
      cascade_window_minutes: 60
      cascade_min: 8
YAML
  out=$("$ECOUTE" alerts replay "$f" --rules "$WORK/rules.yaml" 2>"$WORK/replay.err"); code=$?
  expect_eq "$code" "0" "replay succeeds"
  expect_contains "$(cat "$WORK/replay.err")" "5,000 records, 5,000 messages in event time" "replay reads the whole sample"
  expect_contains "$out" "2017-" "alerts carry the stream's own timestamps"
  expect_contains "$out" "opened   info     airline-negative" "negative airline messages fire"
  expect_contains "$out" "severe" "severe messages fire"
  expect_contains "$out" "conversations" "a snowballing conversation fires"
  expect_contains "$out" "not notified: throttled" "throttling shows in the backtest"
  local again; again=$("$ECOUTE" alerts replay "$f" --rules "$WORK/rules.yaml" 2>/dev/null)
  expect_eq "$(md5sum <<<"$again")" "$(md5sum <<<"$out")" "the backtest is deterministic"
}

# The care inbox end to end: the twcs replay and its SLA report; then a
# running server: a message that needs a reply opens a case, a team and an
# agent made through the API take it by a routing rule, the agent's reply
# goes out through the signed webhook connector and meets the first
# response; the e-mail of Monday and the tweet of Thursday become one
# contact once their link is accepted; roles are enforced.
scenario_care() {
  local f="$SHARED_DATA/twcs/first5000/twcs.csv"; need_data "$f"
  local out; out=$(e import --no-progress "$f" 2>&1)
  expect_contains "$out" "new cases" "the import builds cases"
  local cases; cases=$(grep -o 'care: [0-9,]* new cases' <<<"$out" | grep -o '[0-9,]*' | tr -d ,)
  [ "${cases:-0}" -gt 500 ] && pass || fail "twcs gives hundreds of cases, got [$cases]"
  out=$(e report sla --target 3h --group-by account 2>&1)
  expect_contains "$out" "First response (wall-clock time)" "the report measures first responses"
  expect_contains "$out" "AppleSupport" "per brand"
  expect_contains "$out" "met %" "with the share met"
  out=$(e report sla --target 3h --group-by account --json 2>&1)
  expect_contains "$out" '"group_by": "account"' "the JSON report"
  # Replaying again changes nothing (idempotent import, no new case).
  out=$(e import --no-progress "$f" 2>&1)
  expect_eq "$(grep -c 'new cases' <<<"$out")" "0" "a re-import opens no case"

  python3 "$SOURCE_DIR/tests/tools/receivers.py" webhook "$WORK" & local hook=$!
  for _ in $(seq 1 50); do [ -s "$WORK/webhook.port" ] && break; sleep 0.1; done
  local hook_port; hook_port=$(cat "$WORK/webhook.port")
  cat > "$WORK/c.yaml" <<YAML
store:
  path: $WORK/care.db
care:
  own_accounts: ["@AcmeSupport"]
  connectors:
    - name: social
      type: webhook
      channels: [twitter]
      url: http://127.0.0.1:$hook_port/replies
      secret: s3cret
YAML
  local admin_out; admin_out=$(printf '%s\n' "$ADMIN_PASSWORD" | "$ECOUTE" --config "$WORK/c.yaml" user add admin --role admin --password-stdin --token t 2>&1)
  local atok; atok=$(grep -o 'ect_[A-Za-z0-9_-]*' <<<"$admin_out")
  "$ECOUTE" --config "$WORK/c.yaml" serve --listen 127.0.0.1:0 > "$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
    [ -n "$PORT" ] && grep -q "care: " "$WORK/serve.log" && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { fail "server start"; cat "$WORK/serve.log" >&2; kill "$hook"; return; }
  local base="http://127.0.0.1:$PORT"
  A() { curl -s -H "Authorization: Bearer $atok" -H 'Content-Type: application/json' "$@"; }
  status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
  # A team and an agent, then the routing rule naming them.
  local agent_out agent_id team_id
  agent_out=$(A -d '{"login":"ana","display_name":"Ana Martin","role":"agent","password":"ana-password-123"}' "$base/api/v1/users")
  agent_id=$(grep -o '"id":[0-9]*' <<<"$agent_out" | head -1 | cut -d: -f2)
  out=$(A -d "{\"name\":\"delivery\",\"assignment\":\"round_robin\",\"member_ids\":[$agent_id]}" "$base/api/v1/teams")
  team_id=$(grep -o '"id":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
  expect_contains "$out" '"name":"delivery"' "a team is created"
  out=$(A -X PUT -d '{"items":[{"name":"parcels","when":"colis OR livraison OR parcel","team":"nope"}]}' "$base/api/v1/care/routing-rules")
  expect_contains "$out" 'items[0].team: unknown team' "a rule naming an unknown team is refused with its place"
  out=$(A -X PUT -d '{"items":[{"name":"parcels","when":"colis OR livraison OR parcel","team":"delivery"}]}' "$base/api/v1/care/routing-rules")
  expect_contains "$out" '"parcels"' "the routing rule is stored"
  # The agent signs in (a session cookie and its CSRF token).
  local login; login=$(curl -s -D "$WORK/h.txt" -H 'Content-Type: application/json' -d '{"login":"ana","password":"ana-password-123"}' "$base/api/v1/auth/login")
  local cookie csrf; cookie=$(grep -o 'ecoute_session=[^;]*' "$WORK/h.txt"); csrf=$(grep -o '"csrf_token":"[^"]*"' <<<"$login" | cut -d'"' -f4)
  G() { curl -s -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$@"; }
  expect_contains "$(G -d '{"status":"online"}' "$base/api/v1/presence")" '"status":"online"' "the agent goes online"
  # Monday: an e-mail; Thursday: a tweet about the same parcel that quotes the address.
  local now; now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '%s\n%s\n' \
    "{\"channel\":\"email\",\"native_id\":\"<m1@example.fr>\",\"created_at\":\"$now\",\"author\":{\"handle\":\"jean.dupont@example.fr\",\"display_name\":\"Jean Dupont\"},\"direction\":\"inbound\",\"title\":\"Colis jamais arrivé\",\"text\":\"Bonjour, mon colis n'est jamais arrivé, commande 4711-AB12. Pouvez-vous m'aider ? Je veux être remboursé.\"}" \
    "{\"channel\":\"twitter\",\"native_id\":\"tw1\",\"created_at\":\"$now\",\"author\":{\"handle\":\"jdupont\",\"display_name\":\"Jean Dupont\"},\"direction\":\"inbound\",\"text\":\"@AcmeSupport toujours pas de colis, commande 4711-AB12, écrivez-moi à jean.dupont@example.fr ! Vous pouvez m'aider ?\"}" \
    > "$WORK/care.jsonl"
  out=$(A -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/care.jsonl" "$base/api/v1/mentions")
  expect_contains "$out" '"accepted":2' "the two messages are stored"
  local case_json=""
  for _ in $(seq 1 50); do
    case_json=$(A "$base/api/v1/cases?channel=twitter")
    grep -q '"total":1' <<<"$case_json" && break
    sleep 0.1
  done
  expect_contains "$case_json" '"total":1' "the tweet that needs a reply opened a case"
  expect_contains "$case_json" "\"team\":{\"id\":$team_id" "routed to the delivery team by its rule"
  expect_contains "$case_json" '"login":"ana"' "assigned to the online agent"
  local case_id; case_id=$(grep -o '"id":[0-9]*' <<<"$case_json" | head -1 | cut -d: -f2)
  # Collision: the agent types; the admin's reply to the same message is refused.
  G -d '{"state":"typing"}' "$base/api/v1/cases/$case_id/presence" > /dev/null
  expect_contains "$(A "$base/api/v1/cases/$case_id/presence")" '"state":"typing"' "who is typing is visible"
  expect_eq "$(status -H "Authorization: Bearer $atok" -H 'Content-Type: application/json' -d '{"text":"Je regarde"}' "$base/api/v1/cases/$case_id/replies")" \
    "409" "a second agent cannot answer the message being answered"
  out=$(G -d '{"text":"Bonjour Jean, nous retrouvons votre colis tout de suite.","status_after":"pending"}' "$base/api/v1/cases/$case_id/replies")
  expect_contains "$out" '"state":"queued"' "the agent's reply is queued"
  for _ in $(seq 1 50); do [ -s "$WORK/webhook.jsonl" ] && break; sleep 0.1; done
  out=$(cat "$WORK/webhook.jsonl" 2>/dev/null)
  expect_contains "$out" 'nous retrouvons votre colis' "the reply reaches the social connector"
  expect_contains "$out" 'X-Ecoute-Signature' "signed"
  expect_contains "$out" '\"in_reply_to\":\"tw1\"' "in reply to the customer's tweet"
  for _ in $(seq 1 50); do
    out=$(A "$base/api/v1/cases/$case_id")
    grep -q '"status":"pending"' <<<"$out" && grep -q '"first_response_at":"2' <<<"$out" && break
    sleep 0.1
  done
  expect_contains "$out" '"status":"pending"' "the case waits for the customer"
  expect_contains "$out" '"first_response_at":"2' "the first response is measured"
  expect_contains "$(A "$base/api/v1/cases/$case_id/events")" '"type":"reply"' "the history has the reply"
  # One customer: the tweet quotes the e-mail's address: a suggested link.
  local sugg; sugg=$(A "$base/api/v1/link-suggestions")
  expect_contains "$sugg" 'quoted_email' "the quoted address is the evidence"
  local sid; sid=$(grep -o '"id":[0-9]*' <<<"$sugg" | head -1 | cut -d: -f2)
  expect_contains "$(G -d '{}' "$base/api/v1/link-suggestions/$sid/accept")" '"into"' "the agent accepts the link"
  local contact; contact=$(grep -o '"contact_id":[0-9]*' <<<"$case_json" | head -1 | cut -d: -f2)
  out=$(A "$base/api/v1/contacts/$contact/timeline")
  expect_contains "$out" '"channel":"email"' "the timeline has the e-mail"
  expect_contains "$out" '"channel":"twitter"' "and the tweet"
  # Roles: a viewer reads reports but not cases.
  local vtok; vtok=$("$ECOUTE" --config "$WORK/c.yaml" user add val --role viewer --token v 2>&1 | grep -o 'ect_[A-Za-z0-9_-]*')
  expect_eq "$(status -H "Authorization: Bearer $vtok" "$base/api/v1/cases")" "403" "a viewer may not read cases"
  expect_eq "$(status -H "Authorization: Bearer $vtok" "$base/api/v1/reports/sla")" "200" "a viewer reads the SLA report"
  expect_eq "$(status "$base/api/v1/cases")" "401" "nobody anonymous"
  kill "$hook" 2>/dev/null
}

scenario=${1:?scenario}
# demo_serve checks the demo accounts, made only when there is none.
if [ "$scenario" != demo_serve ]; then
  admin_out=$(printf '%s\n' "$ADMIN_PASSWORD" | "$ECOUTE" --db "$DB" user add admin --role admin --password-stdin --token cli-test 2>&1) ||
    { echo "cannot create the admin account: $admin_out" >&2; exit 1; }
  TOKEN=$(grep -o 'ect_[A-Za-z0-9_-]*' <<<"$admin_out")
  [ -n "$TOKEN" ] || { echo "no API token in: $admin_out" >&2; exit 1; }
fi
"scenario_$scenario"
echo "$scenario: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# End-to-end test of the web app in headless Debian Chromium, driven by
# Playwright (playwright-core, web/node_modules): starts `ecoute serve --demo`
# on a free port with its own data directory, then runs one spec file with
# Node's test runner (web/e2e/*.test.js). Installs Debian's chromium when
# /usr/bin/chromium is missing (root or sudo).
#
# Usage: web_test.sh SPEC.test.js   (run by CTest; see web/CMakeLists.txt)
# Environment: ECOUTE (the binary), ECOUTE_WEB_DIST (the built app),
#   SOURCE_DIR, SCREENSHOT_DIR (where the specs save screenshots).
set -euo pipefail

SPEC=${1:?spec file}
ECOUTE=${ECOUTE:?path to the ecoute binary}
ECOUTE_WEB_DIST=${ECOUTE_WEB_DIST:?path to the built web app}
SOURCE_DIR=${SOURCE_DIR:?path to the source tree}
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$(pwd)/screenshots}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ecoute-web.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "web_test: installing Debian's chromium" >&2
  # Two specs may start at once: apt's lock serialises them (the second
  # finds chromium installed).
  flock /tmp/ecoute-chromium-install.lock bash -c \
    "[ -x /usr/bin/chromium ] || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || { echo "web_test: Playwright needs Node.js 20 or later, this machine has $(node --version 2>/dev/null || echo none)" >&2; exit 1; }
[ -f "$ECOUTE_WEB_DIST/index.html" ] || { echo "web_test: the web app is not built in $ECOUTE_WEB_DIST (make build)" >&2; exit 1; }
[ -d "$SOURCE_DIR/web/node_modules/playwright-core" ] || { echo "web_test: web/node_modules is missing (make build runs npm ci)" >&2; exit 1; }
mkdir -p "$SCREENSHOT_DIR"

# A small demo: three days of history, a live stream, care on.
printf 'demo: {backlog_days: 3, messages_per_day: 800, live_per_minute: 300}\n' > "$WORK/ecoute.yaml"
"$ECOUTE" --config "$WORK/ecoute.yaml" --db "$WORK/ecoute.db" serve --listen 127.0.0.1:0 --demo \
  --web-root "$ECOUTE_WEB_DIST" > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  grep -q 'streaming about' "$WORK/serve.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done
PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/serve.log" | grep -o '[0-9]*$' | head -1)
[ -n "$PORT" ] || { echo "web_test: the server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }
export ECOUTE_URL="http://127.0.0.1:$PORT"
export ECOUTE_TOKEN; ECOUTE_TOKEN=$(grep -o 'ect_[A-Za-z0-9_-]*' "$WORK/demo-credentials.txt")
export ECOUTE_PASSWORD; ECOUTE_PASSWORD=$(grep '^password: ' "$WORK/demo-credentials.txt" | cut -d' ' -f2)
export NODE_PATH="$SOURCE_DIR/web/node_modules"

cd "$SOURCE_DIR/web"
status=0
node --test --test-reporter=spec "$SPEC" || status=$?
if [ "$status" -ne 0 ]; then
  echo "---- server log (last 40 lines)" >&2
  tail -40 "$WORK/serve.log" >&2
fi
exit "$status"

#!/usr/bin/env bash
# Installs what ecoute needs to build and test on Debian 12, from Debian's
# packages only. Idempotent: does nothing when everything is there.
# Uses sudo when not root. Extra package names given as arguments are
# installed too (scripts/fuzz.sh adds clang's).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libsqlite3-dev sqlite3
  libsimdjson-dev nlohmann-json3-dev
  libcld2-dev libutf8proc-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  libcurl4-openssl-dev libsodium-dev libicu-dev libphonenumber-dev
  libvectorscan-dev libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl python3
)
# The web app's build (web/): Node.js and npm, Debian's when the machine has
# none of its own. Building needs Node.js 18 or later (Debian 12 has 18);
# the browser tests (Playwright) need 20 or later.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Tests of the WebAssembly binding: installs what a fresh machine lacks (the
# wasm32-unknown-unknown target, wasm-bindgen-cli of the version pinned in Cargo.lock, Debian's
# chromium and chromium-driver, the npm packages of package-lock.json), builds the package
# (build.sh), then runs the Node tests and the headless-Chromium tests (node --test). Prints
# `N passed, M failed` last and exits non-zero on any failure.
#
#   bash bindings-wasm/test.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

say() { echo "== bindings-wasm: $*"; }

# Rust target (RUSTUP_AUTO_INSTALL=0 here: a toolchain file installs nothing by itself).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen crate's version (else "schema version").
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$want" ]; then
  echo "bindings-wasm: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (have: ${have:-none})"
  # No --locked: its lockfile pins a crate version this registry may lack.
  cargo install wasm-bindgen-cli --version "$want"
fi

# Debian's Chromium (playwright-core drives it; nothing is downloaded from elsewhere).
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "installing nodejs and npm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

say "npm ci"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

say "building the package"
bash "$here/build.sh"

say "running the tests"
mkdir -p "$here/test-artifacts"
tap="$here/test-artifacts/tests.tap"
status=0
(cd "$here" && node --test \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  tests/*.test.mjs) || status=$?

passed="$(awk '/^# pass / { print $3 }' "$tap" | tail -1)"
failed="$(awk '/^# fail / { print $3 }' "$tap" | tail -1)"
passed="${passed:-0}"
failed="${failed:-0}"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
if [ "$passed" -eq 0 ]; then
  echo "bindings-wasm: no test ran" >&2
  failed=$((failed > 0 ? failed : 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

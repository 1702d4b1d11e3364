#!/usr/bin/env bash
# Builds the Python binding into a virtual environment (target/venv, made if missing) and runs
# its tests. Called by ./scripts/test; run it alone after `cargo build -p mixmaster-cli` (the
# session test compares with the command's render).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=$root/target/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r bindings-python/requirements-test.txt
# The wheel, built by maturin with the workspace's target dir (shared with everything else).
PATH="$venv/bin:$PATH" CARGO_TARGET_DIR="$root/target" \
    "$venv/bin/pip" install -q --disable-pip-version-check --no-build-isolation --no-deps \
    --force-reinstall ./bindings-python
cd bindings-python
MIXMASTER_BIN="${MIXMASTER_BIN:-$root/target/debug/mixmaster}" "$venv/bin/python" -m pytest -q tests

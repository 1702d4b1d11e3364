#!/usr/bin/env bash
# Builds the npm package `mixmaster-wasm` into bindings-wasm/pkg: the Rust crate for
# wasm32-unknown-unknown (release, with wasm SIMD), the wasm-bindgen glue (--target web), and
# the package's JS modules, types and package.json from bindings-wasm/js.
#
# Needs: the wasm32-unknown-unknown rustup target and wasm-bindgen-cli of the exact version of
# the wasm-bindgen crate in Cargo.lock (test.sh installs both when missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

# SIMD only for this build of this target: passed here, not in a workspace .cargo/config.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128"
cargo build -p mixmaster-wasm --release --target wasm32-unknown-unknown

target_dir="${CARGO_TARGET_DIR:-$root/target}"
rm -rf "$here/pkg"
mkdir -p "$here/pkg"
wasm-bindgen --target web --out-dir "$here/pkg" --out-name mixmaster_wasm \
  "$target_dir/wasm32-unknown-unknown/release/mixmaster_wasm.wasm"
cp "$here"/js/*.js "$here"/js/*.d.ts "$here"/js/package.json "$here/pkg/"
cp "$here/README.md" "$here/pkg/README.md" 2>/dev/null || true
echo "built $here/pkg ($(du -k "$here/pkg/mixmaster_wasm_bg.wasm" | cut -f1) KiB of wasm)"

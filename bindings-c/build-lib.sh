#!/usr/bin/env bash
# Builds libmixmaster.so and libmixmaster.a (release, in the workspace's target directory) and
# prints where everything is, as shell assignments:
#   libdir=...            the directory holding libmixmaster.so and libmixmaster.a
#   generated_header=...  the header build.rs generated from the current sources and registry
# Usage: eval "$(bash bindings-c/build-lib.sh)"   (cargo's progress goes to stderr)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
json="$(cargo build -p mixmaster-c --release --message-format=json-render-diagnostics)"
# The library's files and the build script's OUT_DIR, from cargo's JSON messages.
lib="$(printf '%s\n' "$json" | grep '"reason":"compiler-artifact"' | grep '"name":"mixmaster"' \
  | grep -o '"[^"]*/libmixmaster\.so"' | tr -d '"' | head -n 1)"
out_dir="$(printf '%s\n' "$json" | grep '"reason":"build-script-executed"' \
  | grep '[#/]bindings-c#\|mixmaster-c[@#]' | grep -o '"out_dir":"[^"]*"' \
  | sed 's/"out_dir":"\(.*\)"/\1/' | head -n 1)"
if [ -z "$lib" ] || [ -z "$out_dir" ]; then
  echo "build-lib.sh: could not find the library or the generated header in cargo's output" >&2
  exit 1
fi
echo "libdir=$(dirname "$lib")"
echo "generated_header=$out_dir/mixmaster.h"

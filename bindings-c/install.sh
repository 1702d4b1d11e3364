#!/usr/bin/env bash
# Installs the C library: builds it (release) if needed, then copies libmixmaster.so,
# libmixmaster.a and mixmaster.h under PREFIX and writes PREFIX/lib/pkgconfig/mixmaster.pc.
# Usage: bash bindings-c/install.sh PREFIX        (for example /usr/local, or a staging folder)
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 PREFIX" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
eval "$(bash "$here/build-lib.sh")"
version="$(sed -n 's/^#define MM_VERSION_STRING "\(.*\)"$/\1/p' "$here/include/mixmaster.h")"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$libdir/libmixmaster.so" "$libdir/libmixmaster.a" "$prefix/lib/"
cp "$here/include/mixmaster.h" "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" "$here/mixmaster.pc.in" \
  > "$prefix/lib/pkgconfig/mixmaster.pc"
echo "installed libmixmaster $version under $prefix"

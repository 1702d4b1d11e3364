#!/usr/bin/env bash
# Tests of the C binding (libmixmaster.so / libmixmaster.a and include/mixmaster.h).
#
#   bash bindings-c/test.sh
#
# 1. Installs what a fresh Debian machine lacks (gcc, g++, make, valgrind, libebur128-dev,
#    cmake, pkg-config), with apt-get, only when missing.
# 2. Builds the library (`cargo build -p mixmaster-c --release`, sharing the workspace's
#    release build of the core), runs the Rust unit tests of the entry-point guard, and checks
#    that the committed header is the one build.rs generates from the sources and the registry
#    (else: bash bindings-c/update-header.sh).
# 3. Checks that libmixmaster.so exports exactly the functions the header declares (all mm_),
#    and that the C test calls every one of them.
# 4. Builds tests/test_api.c as C99 (gcc -std=c99 -Wall -Wextra -Werror -pedantic) against the
#    shared and the static library, as C++17 (g++ -std=c++17 -Werror), and with
#    -fsanitize=address,undefined; runs each, and the shared build under valgrind
#    (--leak-check=full). The test compares the shared test vectors with the core bit for bit
#    and the loudness meter with libebur128.
# 5. Installs the library into a temporary prefix with its pkg-config file, and builds and runs
#    the example (examples/) with its Makefile (pkg-config, static, explicit paths) and CMake.
#
# Prints one line per check and a closing `N passed, M failed`; exits non-zero on any failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
vectors="$root/tests/vectors"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
passed=0
failed=0

# step NAME COMMAND...: runs COMMAND, counts it, shows its output when it fails.
step() {
  local name="$1"
  shift
  local t0=$SECONDS
  if "$@" >"$work/log" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %s (%ss)\n' "$name" $((SECONDS - t0))
    return 0
  fi
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$name"
  tail -n 60 "$work/log" | sed 's/^/      /'
  return 1
}

# show: prints the last step's output (for the comparison tables).
show() {
  sed 's/^/      /' "$work/log"
}

finish() {
  echo "C binding: $((SECONDS - start)) s"
  echo "$passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}

# ---- 1. system packages -------------------------------------------------------------------
install_packages() {
  local wanted=(gcc g++ make binutils valgrind libebur128-dev cmake pkg-config)
  local missing=()
  if ! command -v dpkg >/dev/null 2>&1; then
    echo "no dpkg: not a Debian system; expecting the tools to be installed"
    return 0
  fi
  for p in "${wanted[@]}"; do
    dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "all present: ${wanted[*]}"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${missing[@]}"
}
step "system packages (gcc, g++, valgrind, libebur128-dev, cmake, pkg-config)" install_packages || finish

# ---- 2. the library and its header --------------------------------------------------------
build() {
  bash "$here/build-lib.sh" >"$work/paths"
}
step "cargo build -p mixmaster-c --release" build || finish
# shellcheck disable=SC1091
. "$work/paths"
lib_so="$libdir/libmixmaster.so"
lib_a="$libdir/libmixmaster.a"
include="$here/include"

step "cargo test -p mixmaster-c --lib (entry-point guard: panics, poisoning, thread-local errors)" \
  cargo test -p mixmaster-c --lib --manifest-path "$root/Cargo.toml"

header_current() {
  if cmp -s "$generated_header" "$include/mixmaster.h"; then
    echo "include/mixmaster.h equals the header generated from the sources and the registry"
    return 0
  fi
  diff -u "$include/mixmaster.h" "$generated_header" | head -n 40
  echo "include/mixmaster.h is stale: run bash bindings-c/update-header.sh"
  return 1
}
step "committed header is current (include/mixmaster.h)" header_current

# ---- 3. exported symbols and coverage of the API -------------------------------------------
# The functions the header declares.
grep -oE '^[a-z][a-z0-9_ ]*[ *](mm_[a-z0-9_]+)\(' "$include/mixmaster.h" \
  | grep -oE 'mm_[a-z0-9_]+\($' | tr -d '(' | sort -u >"$work/declared"

exports_only_api() {
  nm -D --defined-only "$lib_so" | awk '{print $3}' | sed 's/@.*//' | sort -u >"$work/exported"
  local other
  other="$(grep -v '^mm_' "$work/exported" || true)"
  if [ -n "$other" ]; then
    echo "libmixmaster.so exports symbols that are not mm_:"
    echo "$other" | head -n 20
    return 1
  fi
  if ! diff "$work/declared" "$work/exported"; then
    echo "the exported mm_ symbols differ from the functions the header declares (< header, > library)"
    return 1
  fi
  echo "$(wc -l <"$work/exported") symbols, all mm_, exactly the header's functions"
}
step "libmixmaster.so exports only the header's mm_ functions (nm -D)" exports_only_api

test_calls_everything() {
  local missing
  missing="$(while read -r f; do grep -q "\\b$f(" "$here/tests/test_api.c" || echo "$f"; done <"$work/declared")"
  if [ -n "$missing" ]; then
    echo "tests/test_api.c never calls:"
    echo "$missing"
    return 1
  fi
  echo "$(wc -l <"$work/declared") functions, each called"
}
step "the C test calls every function of the header" test_calls_everything

# ---- 4. the C test, built five ways -----------------------------------------------------
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -O2 -g -I"$include")
src="$here/tests/test_api.c"
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)
rpath=(-Wl,-rpath,"$libdir")

step "compile test_api.c: gcc -std=c99 -Wall -Wextra -Werror -pedantic, shared" \
  gcc "${cflags[@]}" "$src" -o "$work/test_shared" -L"$libdir" -lmixmaster -lebur128 -lm "${rpath[@]}"
step "compile test_api.c: gcc -std=c99 ... against libmixmaster.a" \
  gcc "${cflags[@]}" "$src" -o "$work/test_static" "$lib_a" -lebur128 "${static_libs[@]}"
step "compile test_api.c as C++: g++ -std=c++17 -Wall -Wextra -Werror -pedantic" \
  g++ -std=c++17 -Wall -Wextra -Werror -pedantic -O2 -g -I"$include" -x c++ "$src" \
  -o "$work/test_cpp" -L"$libdir" -lmixmaster -lebur128 "${rpath[@]}"
step "compile test_api.c with -fsanitize=address,undefined" \
  gcc "${cflags[@]/-O2/-O1}" -fno-omit-frame-pointer -fsanitize=address,undefined \
  -fno-sanitize-recover=all "$src" -o "$work/test_asan" -L"$libdir" -lmixmaster -lebur128 -lm \
  "${rpath[@]}"

if step "run the C test (shared library): API, test vectors, meter vs libebur128" \
  "$work/test_shared" "$vectors"; then
  show
fi
step "run the C test (static library)" "$work/test_static" "$vectors"
step "run the C test (built as C++)" "$work/test_cpp" "$vectors"
step "run the C test with AddressSanitizer and UndefinedBehaviorSanitizer" \
  env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$work/test_asan" "$vectors"
step "run the C test under valgrind --leak-check=full (--quick)" \
  valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  -q "$work/test_shared" "$vectors" --quick

# ---- 5. install, pkg-config, and the example -------------------------------------------
prefix="$work/prefix"
example_cflags="-std=c99 -O2 -Wall -Wextra -pedantic -Werror"
step "install into a prefix with mixmaster.pc (install.sh)" bash "$here/install.sh" "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

example_make() {
  local dir="$work/example-make"
  cp -r "$here/examples" "$dir"
  make -C "$dir" CFLAGS="$example_cflags" game_master_bus game_master_bus_static &&
    "$dir/game_master_bus" && "$dir/game_master_bus_static" >/dev/null
}
if step "example: Makefile with pkg-config, shared and static, run" example_make; then
  show
fi

example_make_paths() {
  local dir="$work/example-paths"
  cp -r "$here/examples" "$dir"
  env -u PKG_CONFIG_PATH make -C "$dir" CFLAGS="$example_cflags" MIXMASTER_INCLUDE="$include" \
    MIXMASTER_LIBDIR="$libdir" game_master_bus && "$dir/game_master_bus" >/dev/null
}
step "example: Makefile with explicit paths (build tree), run" example_make_paths

example_cmake() {
  local dir="$work/example-cmake"
  cmake -S "$here/examples" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-Werror" &&
    cmake --build "$dir" && "$dir/game_master_bus" >/dev/null
}
step "example: CMake with pkg-config, run" example_cmake

finish

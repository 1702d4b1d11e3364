#!/usr/bin/env bash
# Regenerates the committed header, include/mixmaster.h, from the sources and the processor
# registry (run it after changing the API or adding a processor or parameter to the core).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$(bash "$here/build-lib.sh")"
if cmp -s "$generated_header" "$here/include/mixmaster.h"; then
  echo "include/mixmaster.h is current"
else
  cp "$generated_header" "$here/include/mixmaster.h"
  echo "include/mixmaster.h updated"
fi

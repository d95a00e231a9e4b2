#!/usr/bin/env bash
# Writes the ABI baselines of a release build (docs/ABI.md).
#   scripts/abi-baseline.sh [runtime|bindings|both] [BUILD_DIR]
#   runtime   abi/libblogdb_rt.abi  (a new runtime release)
#   bindings  abi/libblogdb.abi     (a new release of the blog's bindings: after a schema change)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-both}
build=${2:-$root/build}
mkdir -p "$root/abi"
if [ "$which" = runtime ] || [ "$which" = both ]; then
  cmake --build "$build" --target blogdb_rt
  abidw --headers-dir "$root/include" --drop-private-types --out-file "$root/abi/libblogdb_rt.abi" "$build/libblogdb_rt.so"
  echo "wrote abi/libblogdb_rt.abi"
fi
if [ "$which" = bindings ] || [ "$which" = both ]; then
  cmake --build "$build" --target blogdb
  abidw --headers-dir "$root/include" --headers-dir "$root/generated" --drop-private-types \
    --out-file "$root/abi/libblogdb.abi" "$build/libblogdb.so"
  echo "wrote abi/libblogdb.abi"
fi

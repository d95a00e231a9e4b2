#!/usr/bin/env bash
# Writes abi/libblogdb.abi, the ABI baseline of a release build (docs/ABI.md).
#   scripts/abi-baseline.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target blogdb
mkdir -p "$root/abi"
abidw --headers-dir "$root/include" --headers-dir "$root/generated" --drop-private-types \
  --out-file "$root/abi/libblogdb.abi" "$build/libblogdb.so"
echo "wrote abi/libblogdb.abi"

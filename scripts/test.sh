#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs what is missing, builds,
# starts a throwaway PostgreSQL 15 in the build tree (CTest fixture), runs every suite.
#   scripts/test.sh              the suite (build/ )
#   scripts/test.sh --sanitize   the same under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
# generated/ is checked against schema.sql, not rewritten: a stale generated/ fails the golden test.
source "$(dirname "$0")/common.sh"

dir=$ROOT/build
args=(-DBLOGDB_REGENERATE=OFF -DBUILD_TESTING=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=$ROOT/build-asan
  args+=(-DBLOGDB_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

install_missing
build "$dir" "${args[@]}"
cd "$dir"
ctest --output-on-failure -j2

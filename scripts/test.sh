#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian 12 machine: installs what is missing, builds,
# starts a throwaway PostgreSQL 15 in the build tree (CTest fixture), runs every suite.
#   scripts/test.sh              the suite (build/ )
#   scripts/test.sh --sanitize   the same under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
#   scripts/test.sh --pg MAJOR   the suite against PostgreSQL MAJOR (14 to 18; build-pgMAJOR/): 15 is
#                                Debian's, the others are fetched by scripts/pg-fetch.sh
# First of all, generated/ must be exactly what blogdb-gen writes for schema.sql (the build
# would otherwise rewrite it before any test could notice).
source "$(dirname "$0")/common.sh"

dir=$ROOT/build
args=(-DBUILD_TESTING=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=$ROOT/build-asan
  args+=(-DBLOGDB_SANITIZE=ON)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
elif [ "${1:-}" = "--pg" ]; then
  major=${2:?usage: scripts/test.sh --pg MAJOR (14 to 18)}
  dir=$ROOT/build-pg$major
  if [ "$major" != 15 ]; then
    install_missing
    BLOGDB_PGBIN=$("$ROOT/scripts/pg-fetch.sh" "$major" "$ROOT/build-pgbin")
    export BLOGDB_PGBIN
  fi
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/test.sh [--sanitize | --pg MAJOR]" >&2; exit 2
fi

install_missing
configure "$dir" "${args[@]}"
build "$dir" blogdb-gen
"$dir/codegen/blogdb-gen" --check --out-dir "$ROOT/generated" --queries "$ROOT/queries" "$ROOT/schema.sql" || {
  echo "generated/ is stale: build (cmake --build build), review and commit generated/" >&2; exit 1; }
build "$dir"
cd "$dir"
ctest --output-on-failure -j2

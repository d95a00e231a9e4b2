#!/usr/bin/env bash
# blogdb-gen benchmark: time and peak memory on schema.sql and on a generated 1,000-table schema
# (median of 5 runs each), as a table. Goals: the 1,000-table schema under 1 s and 200 MB.
#   bench/codegen.sh [BUILD_DIR]     (default: build; builds blogdb-gen and blogdb-measure)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target blogdb-gen blogdb-measure >/dev/null
gen=$build/codegen/blogdb-gen
measure=$build/blogdb-measure
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$root/bench/make_schema.sh" 1000 >"$work/big.sql"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
run() { # name, goal, command...
  local name=$1 goal=$2; shift 2
  local times=() mems=()
  for _ in 1 2 3 4 5; do
    read -r t m < <("$measure" "$@")
    times+=("$t"); mems+=("$m")
  done
  printf '| %-44s | %8s | %9s | %-18s |\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${mems[@]}" | median)" "$goal"
}
echo "blogdb-gen benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo "1,000-table schema: $(wc -l <"$work/big.sql") lines, $(wc -c <"$work/big.sql") bytes"
echo
printf '| %-44s | %8s | %9s | %-18s |\n' workload "time (s)" "peak (MB)" goal
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "----------" "-----------" "--------------------"
run "schema.sql -> generated C" "" "$gen" --out-dir "$work" "$root/schema.sql"
run "1,000 tables -> --dump-model" "" "$gen" --dump-model "$work/big.sql"
run "1,000 tables -> generated C" "< 1 s, < 200 MB" "$gen" --out-dir "$work" "$work/big.sql"
echo
echo "generated C for 1,000 tables: $(cat "$work"/blogdb_schema.h "$work"/blogdb_schema.c | wc -l) lines"

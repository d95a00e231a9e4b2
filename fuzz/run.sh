#!/usr/bin/env bash
# Fuzzes blogdb-gen (parse, model, emit) with libFuzzer under ASan + UBSan for a bounded time.
#   fuzz/run.sh [SECONDS]    default 60; exits non-zero on any crash, sanitizer report or leak.
# Seeds: every DDL file of the repository, and fuzz/regressions (inputs that once crashed it). Needs clang and libclang-rt-14-dev (scripts/common.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=${BLOGDB_FUZZ_DIR:-$root/build/fuzz}
mkdir -p "$out/corpus"
clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  "$root/fuzz/fuzz_gen.c" "$root"/codegen/{parse,infer,model,emit,util}.c -lpg_query -o "$out/fuzz_gen"
cp "$root"/schema.sql "$root"/tests/types/types.sql "$root"/tests/ddl/*.sql "$root"/tests/ddl/migrations/*.sql \
  "$root"/fuzz/regressions/* "$out/corpus/"
cd "$out"
ASAN_OPTIONS=detect_leaks=1 ./fuzz_gen -max_total_time="$secs" -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus 2>&1 | tail -n 25

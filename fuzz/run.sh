#!/usr/bin/env bash
# Fuzzes with libFuzzer under ASan + UBSan for a bounded time, two targets one after the other:
#   fuzz_gen     blogdb-gen (parse, model, emit); seeds: every DDL file of the repository and
#                fuzz/regressions (inputs that once crashed it)
#   fuzz_decode  every binary decoder of the runtime, on bytes a hostile server could send;
#                seeds: fuzz/decode-seeds (well-formed values of each type)
#   fuzz/run.sh [SECONDS]    default 60 per target; exits non-zero on any crash, sanitizer report or leak.
# Needs clang and libclang-rt-14-dev (scripts/common.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=${BLOGDB_FUZZ_DIR:-$root/build/fuzz}
version=$(sed -n 's/^#define BLOGDB_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$root/include/blogdb/core.h" | paste -sd.)
flags=(-std=c11 -D_POSIX_C_SOURCE=200809L -DGEN_VERSION="\"$version\"" -g -O1 -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all)
mkdir -p "$out/corpus" "$out/corpus-decode"
clang "${flags[@]}" "$root/fuzz/fuzz_gen.c" "$root"/codegen/ddl/*.c "$root"/codegen/infer/*.c "$root"/codegen/emit/*.c "$root"/codegen/queries/*.c "$root"/codegen/{model,util}.c -lpg_query -o "$out/fuzz_gen"
clang "${flags[@]}" -I"$root/include" -I"$root/lib" -I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
  "$root/fuzz/fuzz_decode.c" "$root"/lib/{codec,decode,error,wait}.c -lpq -lpthread -o "$out/fuzz_decode"
cp "$root"/schema.sql "$root"/tests/types/types.sql "$root"/tests/ddl/*.sql "$root"/tests/ddl/migrations/*.sql \
  "$root"/fuzz/regressions/* "$out/corpus/"
cp "$root"/fuzz/decode-seeds/* "$out/corpus-decode/"
cd "$out"
echo "== fuzz_gen ($secs s)"
ASAN_OPTIONS=detect_leaks=1 ./fuzz_gen -max_total_time="$secs" -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus 2>&1 | tail -n 25
echo "== fuzz_decode ($secs s)"
ASAN_OPTIONS=detect_leaks=1 ./fuzz_decode -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus-decode 2>&1 | tail -n 25

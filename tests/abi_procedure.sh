#!/usr/bin/env bash
# The documented procedure for a schema change (docs/ABI.md), run for real in a copy of the tree:
#  1. add a column to users: the bindings' ABI check fails (a row struct grew), the runtime's
#     passes (nothing of it changed);
#  2. bump BLOGDB_BINDINGS_VERSION's major and write the bindings' baseline
#     (scripts/abi-baseline.sh bindings): both checks pass;
#  3. the bindings' SONAME moved to the new major; the runtime's version, SONAME and baseline
#     did not move.
#   tests/abi_procedure.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
(cd "$src" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$work")
cd "$work"
soname() { readelf -d "$1" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p'; }
build() { cmake --build b -j2 --target blogdb >/dev/null; }
cmake -S . -B b -DBUILD_TESTING=OFF >/dev/null
build
rt_soname=$(soname b/libblogdb_rt.so) old_soname=$(soname b/libblogdb.so)
cp abi/libblogdb_rt.abi rt.abi.before

echo "== 1. a column added to users"
echo "ALTER TABLE users ADD COLUMN nickname text;" >>schema.sql
build
tests/abi_check.sh abi/libblogdb_rt.abi b/libblogdb_rt.so include >/dev/null || { echo "the runtime's ABI moved"; exit 1; }
if tests/abi_check.sh abi/libblogdb.abi b/libblogdb.so include generated >/dev/null; then
  echo "the bindings' ABI check passed a grown row struct"; exit 1
fi
echo "bindings: incompatible, as expected; runtime: unchanged"

echo "== 2. the procedure: new bindings major, new bindings baseline"
major=$(sed -n 's/^set(BLOGDB_BINDINGS_VERSION \([0-9]*\)\..*)$/\1/p' CMakeLists.txt)
sed -i "s/^set(BLOGDB_BINDINGS_VERSION .*)$/set(BLOGDB_BINDINGS_VERSION $((major + 1)).0.0)/" CMakeLists.txt
cmake -S . -B b >/dev/null
build
scripts/abi-baseline.sh bindings b >/dev/null
tests/abi_check.sh abi/libblogdb.abi b/libblogdb.so include generated >/dev/null
tests/abi_check.sh abi/libblogdb_rt.abi b/libblogdb_rt.so include >/dev/null

echo "== 3. what moved"
new_soname=$(soname b/libblogdb.so)
[ "$new_soname" = "libblogdb.so.$((major + 1))" ] || { echo "bindings SONAME: $new_soname"; exit 1; }
[ "$(soname b/libblogdb_rt.so)" = "$rt_soname" ] || { echo "the runtime's SONAME moved"; exit 1; }
cmp -s abi/libblogdb_rt.abi rt.abi.before || { echo "the runtime's baseline moved"; exit 1; }
echo "abi procedure: bindings $old_soname -> $new_soname, runtime stays $rt_soname"

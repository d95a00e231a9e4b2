#!/usr/bin/env bash
# Installs blogdb into a prefix inside the build tree, then builds and runs against the test
# server: a consumer via pkg-config, the same via find_package(blogdb), and a project that
# generates its own library with blogdb_generate(). Also compiles every installed public header
# alone as C11 and as C++ with -Wall -Wextra -Wpedantic -Werror, and checks the man page.
#   tests/install_test.sh SOURCE_DIR BUILD_DIR RUNTIME_VERSION BINDINGS_VERSION
set -euo pipefail
src=$1 build=$2 rtv=$3 bv=$4
prefix=$build/prefix
work=$build/install-test
rm -rf "$prefix" "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib* | head -1)

echo "== installed files"
for f in "$libdir/libblogdb_rt.so.$rtv" "$libdir/libblogdb_rt.so.${rtv%%.*}" "$libdir/libblogdb_rt.so" \
         "$libdir/libblogdb.so.$bv" "$libdir/libblogdb.so.${bv%%.*}" "$libdir/libblogdb.so" "$prefix/bin/blogdb-gen" \
         "$prefix/include/blogdb.h" "$prefix/include/blogdb_schema.h" "$prefix/include/blogdb/core.h" \
         "$prefix/include/blogdb/rt.h" "$libdir/pkgconfig/blogdb.pc" "$libdir/pkgconfig/blogdb-rt.pc" \
         "$libdir/cmake/blogdb/blogdbConfig.cmake" \
         "$libdir/cmake/blogdb/blogdbConfigVersion.cmake" "$libdir/cmake/blogdb/blogdbGenerate.cmake" \
         "$prefix/share/man/man1/blogdb-gen.1" "$prefix/share/doc/blogdb/README.md" \
         "$prefix/share/doc/blogdb/ABI.md" "$prefix/share/doc/blogdb/html/index.html"; do
  [ -e "$f" ] || { echo "missing: $f"; exit 1; }
done
# (outputs are captured first: `cmd | grep -q` can fail under pipefail when grep exits early)
rt_dyn=$(readelf -d "$libdir/libblogdb_rt.so.$rtv") b_dyn=$(readelf -d "$libdir/libblogdb.so.$bv")
grep -q "SONAME.*\[libblogdb_rt.so.${rtv%%.*}\]" <<<"$rt_dyn" ||
  { echo "the runtime's SONAME is not libblogdb_rt.so.${rtv%%.*}"; exit 1; }
grep -q "SONAME.*\[libblogdb.so.${bv%%.*}\]" <<<"$b_dyn" ||
  { echo "the bindings' SONAME is not libblogdb.so.${bv%%.*}"; exit 1; }
grep -q "NEEDED.*\[libblogdb_rt.so.${rtv%%.*}\]" <<<"$b_dyn" ||
  { echo "the bindings do not link the runtime"; exit 1; }
"$prefix/bin/blogdb-gen" --version

echo "== headers alone, C11 and C++"
for h in blogdb.h blogdb/core.h blogdb/rt.h blogdb_schema.h; do
  echo "#include <$h>" >"$work/one.c"
  cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$prefix/include" -fsyntax-only "$work/one.c"
  cp "$work/one.c" "$work/one.cpp"
  c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$prefix/include" -fsyntax-only "$work/one.cpp"
  echo "  $h: ok"
done

echo "== man page"
warn=$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/blogdb-gen.1" 2>&1 || true)
[ -z "$warn" ] || { echo "$warn"; exit 1; }

if [ -n "${BLOGDB_TEST_DSN:-}" ]; then dsn=$BLOGDB_TEST_DSN; else
  dsn=$(sed -n "s/^BLOGDB_TEST_DSN='\(.*\)'$/\1/p" "$build/pgtest/pg.env"); fi
db1=blogdb_install_$$ db2=blogdb_myapp_$$
cleanup() { psql "$dsn" -X -q -c "DROP DATABASE IF EXISTS $db1 WITH (FORCE)" -c "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT
psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db1 TEMPLATE blogdb_template" -c "CREATE DATABASE $db2 TEMPLATE template0" >/dev/null
psql "$dsn dbname=$db2" -X -q -v ON_ERROR_STOP=1 -f "$src/tests/myapp/schema.sql" >/dev/null

echo "== pkg-config modules"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion blogdb-rt)" = "$rtv" ] && [ "$(pkg-config --modversion blogdb)" = "$bv" ] ||
  { echo "pkg-config versions: blogdb-rt $(pkg-config --modversion blogdb-rt), blogdb $(pkg-config --modversion blogdb)"; exit 1; }
rt_libs=$(pkg-config --libs blogdb-rt) b_libs=$(pkg-config --libs blogdb)
grep -q -- '-lblogdb_rt' <<<"$rt_libs" && ! grep -qw -- '-lblogdb' <<<"$rt_libs" ||
  { echo "blogdb-rt must link the runtime only: $rt_libs"; exit 1; }
grep -qw -- '-lblogdb' <<<"$b_libs" || { echo "blogdb must link the bindings: $b_libs"; exit 1; }

echo "== pkg-config consumer"
cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$src/tests/consumer/consumer.c" $(pkg-config --cflags --libs blogdb) \
  -Wl,-rpath,"$libdir" -o "$work/consumer_pc"
"$work/consumer_pc" "$dsn dbname=$db1"
psql "$dsn dbname=$db1" -X -q -c "DELETE FROM users" >/dev/null

echo "== find_package consumer"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" "$dsn dbname=$db1"

echo "== blogdb_generate() project"
cmake -S "$src/tests/myapp" -B "$work/myapp" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/myapp" >/dev/null
"$work/myapp/myapp" "$dsn dbname=$db2"
# Another schema's project links the runtime alone: the blog's bindings (and their blogdb_check_schema)
# are nowhere in it.
app_dyn=$(readelf -d "$work/myapp/myapp")
if grep -q 'NEEDED.*\[libblogdb\.so' <<<"$app_dyn"; then echo "myapp links the blog's bindings"; exit 1; fi
grep -q 'NEEDED.*\[libblogdb_rt\.so' <<<"$app_dyn" || { echo "myapp does not link the runtime"; exit 1; }
echo "install test: ok"

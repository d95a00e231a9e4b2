#!/usr/bin/env bash
# Installs blogdb into a prefix inside the build tree, then builds and runs against the test
# server: a consumer via pkg-config, the same via find_package(blogdb), and a project that
# generates its own library with blogdb_generate(). Also compiles every installed public header
# alone as C11 and as C++ with -Wall -Wextra -Wpedantic -Werror, and checks the man page.
#   tests/install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
prefix=$build/prefix
work=$build/install-test
rm -rf "$prefix" "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib* | head -1)

echo "== installed files"
for f in "$libdir/libblogdb.so.0.1.0" "$libdir/libblogdb.so.0" "$libdir/libblogdb.so" "$prefix/bin/blogdb-gen" \
         "$prefix/include/blogdb.h" "$prefix/include/blogdb_schema.h" "$prefix/include/blogdb/core.h" \
         "$prefix/include/blogdb/rt.h" "$libdir/pkgconfig/blogdb.pc" "$libdir/cmake/blogdb/blogdbConfig.cmake" \
         "$libdir/cmake/blogdb/blogdbConfigVersion.cmake" "$libdir/cmake/blogdb/blogdbGenerate.cmake" \
         "$prefix/share/man/man1/blogdb-gen.1"; do
  [ -e "$f" ] || { echo "missing: $f"; exit 1; }
done
readelf -d "$libdir/libblogdb.so.0.1.0" | grep -q 'SONAME.*libblogdb.so.0' || { echo "SONAME is not libblogdb.so.0"; exit 1; }
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

echo "== pkg-config consumer"
export PKG_CONFIG_PATH=$libdir/pkgconfig
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
echo "install test: ok"

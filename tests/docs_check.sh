#!/usr/bin/env bash
# The API documentation (Doxygen, warnings are errors) and the generated API in it: every
# function, type and macro blogdb_schema.h declares must have its entry in the HTML, so a
# generated header Doxygen silently skips (no @file block, say) fails here.
#   tests/docs_check.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
# Into a directory of its own, from empty: Doxygen leaves old pages behind, and the installed
# docs (build/docs) must not vanish under a concurrent install.
out=$build/docs-check
rm -rf "$out"
mkdir -p "$out"
cmake --build "$build" --target blogdb-generate
sed "s|^OUTPUT_DIRECTORY .*|OUTPUT_DIRECTORY = $out|" "$build/Doxyfile" >"$build/Doxyfile.check"
(cd "$build" && doxygen Doxyfile.check)
html=$out/html
[ -f "$html/index.html" ] || { echo "docs: no $html/index.html"; exit 1; }
names=$( { sed -n 's/^BLOGDB_API [^(]*[ *]\([a-z_0-9]*\)(.*/\1/p' "$src/generated/blogdb_schema.h"
           sed -n 's/^} \([a-z_0-9]*\);$/\1/p' "$src/generated/blogdb_schema.h"
           sed -n 's/^#define \(BLOGDB_[A-Z_0-9]*\) .*/\1/p' "$src/generated/blogdb_schema.h"; } | sort -u)
# A documented member has a cell of class "memname" (functions, macros, enums, typedefs) or a page
# of its own (structs); a mention in another entry's text does not count.
entries=$(grep -h 'td class="memname"' "$html"/*.html; ls "$html"/struct*.html 2>/dev/null | sed 's/__/_/g')
n=0 missing=""
for name in $names; do
  n=$((n + 1))
  grep -qw -- "$name" <<<"$entries" || missing="$missing $name"
done
[ "$n" -gt 50 ] || { echo "docs: only $n generated names found in blogdb_schema.h"; exit 1; }
if [ -n "$missing" ]; then echo "docs: generated declarations missing from the HTML:$missing"; exit 1; fi
echo "docs: all $n generated functions, types and macros are documented"

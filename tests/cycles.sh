#!/usr/bin/env bash
# No import cycle between the files of a component: from each object file's defined and undefined
# symbols, the file-level call graph; tsort fails on a loop.
#   tests/cycles.sh NAME OBJECT...     (objects may also come as one ;-separated list, as CMake gives them)
set -euo pipefail
name=$1
shift
IFS=';' read -ra objs <<<"$(IFS=';'; echo "$*")"
set -- "${objs[@]}"
declare -A owner
for o in "$@"; do
  while read -r sym; do owner[$sym]=$(basename "$o" .o); done < <(nm --defined-only -g "$o" | awk '{print $3}')
done
edges=$(for o in "$@"; do
  from=$(basename "$o" .o)
  nm -u "$o" | awk '{print $2}' | while read -r sym; do
    to=${owner[$sym]:-}
    if [ -n "$to" ] && [ "$to" != "$from" ]; then echo "$from $to"; fi
  done
done | sort -u)
if ! out=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$out" ]; then
  echo "cycles: $name has an import cycle:"; echo "$out"; exit 1
fi
echo "cycles: $name: $(wc -l <<<"$edges") file-to-file calls, no cycle"

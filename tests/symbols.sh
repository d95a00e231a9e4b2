#!/usr/bin/env bash
# Every symbol a blogdb library exports starts with blogdb_ and carries the library's version node.
#   tests/symbols.sh LIBRARY NODE [FORBIDDEN_SYMBOL...]
# FORBIDDEN_SYMBOL: a name this library must not define (the bindings must not carry the runtime).
set -euo pipefail
lib=$1 node=$2
shift 2
all=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}')
bad=$(echo "$all" | grep -v '^blogdb_' || true)
bad="$bad$(echo "$all" | grep '^blogdb__' || true)" # blogdb__ names are internal
n=$(echo "$all" | grep -c '^blogdb_')
if [ -n "$bad" ]; then echo "symbols: exported but not blogdb_*:"; echo "$bad"; exit 1; fi
unversioned=$(objdump -T "$lib" | awk -v node="$node" '/ blogdb_/ && !/\*UND\*/ && $0 !~ node' || true)
if [ -n "$unversioned" ]; then echo "symbols: without the $node version:"; echo "$unversioned"; exit 1; fi
for f in "$@"; do
  if grep -qx "$f" <<<"$all"; then echo "symbols: $lib defines $f, which belongs elsewhere"; exit 1; fi
done
echo "symbols: $(basename "$lib"): $n exported, all blogdb_* (no blogdb__ internals), all at version $node"

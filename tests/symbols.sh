#!/usr/bin/env bash
# Every symbol libblogdb exports starts with blogdb_ (the version node BLOGDB_0 aside).
#   tests/symbols.sh LIBRARY
set -euo pipefail
lib=$1
all=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}')
bad=$(echo "$all" | grep -v '^blogdb_' || true)
bad="$bad$(echo "$all" | grep '^blogdb__' || true)" # blogdb__ names are internal
n=$(echo "$all" | grep -c '^blogdb_')
if [ -n "$bad" ]; then echo "symbols: exported but not blogdb_*:"; echo "$bad"; exit 1; fi
unversioned=$(objdump -T "$lib" | awk '/ blogdb_/ && $0 !~ /BLOGDB_0/' || true)
if [ -n "$unversioned" ]; then echo "symbols: without the BLOGDB_0 version:"; echo "$unversioned"; exit 1; fi
echo "symbols: $n exported, all blogdb_* (no blogdb__ internals), all at version BLOGDB_0"

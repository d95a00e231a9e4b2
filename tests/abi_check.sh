#!/usr/bin/env bash
# ABI check (docs/ABI.md): libblogdb against the committed baseline abi/libblogdb.abi.
#   tests/abi_check.sh SOURCE_DIR LIBRARY
# Passes with no change or only added functions/variables; fails when anything was removed or
# changed (a row struct's layout, a signature...) or abidiff says incompatible.
set -uo pipefail
src=$1 lib=$2
report=$(abidiff --headers-dir2 "$src/include" --headers-dir2 "$src/generated" "$src/abi/libblogdb.abi" "$lib")
status=$?
echo "$report"
if (( status & 1 )); then echo "abi_check: abidiff failed to run (exit $status)"; exit 1; fi
if (( status & 8 )); then echo "abi_check: incompatible ABI change: bump the major version (docs/ABI.md)"; exit 1; fi
if echo "$report" | grep -Eq 'summary: ([1-9][0-9]*) Removed|Removed, ([1-9][0-9]*) Changed'; then
  echo "abi_check: functions or variables were removed or changed: bump the major version or undo (docs/ABI.md)"
  exit 1
fi
echo "abi_check: compatible (exit $status)"

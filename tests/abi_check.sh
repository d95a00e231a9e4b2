#!/usr/bin/env bash
# ABI check (docs/ABI.md): a library against its committed baseline.
#   tests/abi_check.sh BASELINE LIBRARY HEADER_DIR...
# Passes with no change or only added functions/variables; fails when anything was removed or
# changed (a row struct's layout, a signature...) or abidiff says incompatible.
set -uo pipefail
baseline=$1 lib=$2
shift 2
headers=()
for h in "$@"; do headers+=(--headers-dir2 "$h"); done
report=$(abidiff "${headers[@]}" "$baseline" "$lib")
status=$?
echo "$report"
if (( status & 1 )); then echo "abi_check: abidiff failed to run (exit $status)"; exit 1; fi
if (( status & 8 )); then echo "abi_check: incompatible ABI change: bump the major version (docs/ABI.md)"; exit 1; fi
if echo "$report" | grep -Eq 'summary: ([1-9][0-9]*) Removed|Removed, ([1-9][0-9]*) Changed'; then
  echo "abi_check: functions or variables were removed or changed: bump the major version or undo (docs/ABI.md)"
  exit 1
fi
echo "abi_check: $(basename "$lib") compatible with $(basename "$baseline") (exit $status)"

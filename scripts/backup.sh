#!/usr/bin/env bash
# Backs up a blogdb database with pg_dump's custom format (compressed, restorable selectively).
#   scripts/backup.sh CONNINFO FILE
# Run it as a role that reads every row despite row-level security: a superuser, or a backup role
# with BYPASSRLS. pg_dump sets row_security off and stops, rather than dump a filtered table.
set -euo pipefail
conninfo=${1:?usage: backup.sh CONNINFO FILE}
file=${2:?usage: backup.sh CONNINFO FILE}
pg_dump --format=custom --no-password --dbname="$conninfo" --file="$file.partial"
mv "$file.partial" "$file"
echo "backup: $file ($(wc -c <"$file") bytes), $(pg_restore --list "$file" | grep -c 'TABLE DATA') tables of data"

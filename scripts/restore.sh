#!/usr/bin/env bash
# Restores a backup from scripts/backup.sh into a new database, in one transaction.
#   scripts/restore.sh CONNINFO NEW_DATABASE FILE
# CONNINFO reaches the server (as a superuser: restoring keeps owners, row-level security and
# grants, and disables triggers while loading so the audit log is restored, not re-written).
# The roles blog_owner, blog_app and blog_readonly must exist on the server (schema.sql creates them).
set -euo pipefail
conninfo=${1:?usage: restore.sh CONNINFO NEW_DATABASE FILE}
newdb=${2:?usage: restore.sh CONNINFO NEW_DATABASE FILE}
file=${3:?usage: restore.sh CONNINFO NEW_DATABASE FILE}
psql "$conninfo" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$newdb\" TEMPLATE template0"
if ! pg_restore --exit-on-error --single-transaction --disable-triggers --no-password \
     --dbname="$conninfo dbname=$newdb" "$file"; then
  psql "$conninfo" -X -q -c "DROP DATABASE IF EXISTS \"$newdb\"" || true
  exit 1
fi
echo "restore: $file -> database $newdb"

#!/usr/bin/env bash
# Writes codegen/infer/information_schema.def from a running PostgreSQL: every column of every
# information_schema view and table (not the internal _pg_* ones), in order, with its type.
#   scripts/information-schema.sh CONNINFO
# The file is committed; run this again only for a PostgreSQL whose information_schema differs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/codegen/infer/information_schema.def
{
  echo "/* information_schema's relations, as PostgreSQL $(psql "$1" -Atc 'SHOW server_version') has them: written by"
  echo " * scripts/information-schema.sh, read by codegen/infer/catalog.c. Do not edit."
  echo " * IS_COLUMN(relation, column, type): types are information_schema's domains, unqualified. */"
  psql "$1" -At -F ' ' -c "
    SELECT format('IS_COLUMN(\"%s\", \"%s\", \"%s\")', c.relname, a.attname,
                  regexp_replace(format_type(a.atttypid, a.atttypmod), '^information_schema\.', ''))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'information_schema' AND c.relkind IN ('v', 'r') AND c.relname NOT LIKE '\_pg%'
    ORDER BY c.relname, a.attnum"
} >"$out"
echo "wrote $out"

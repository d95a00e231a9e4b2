#!/usr/bin/env bash
# Prints a synthetic schema of N tables (default 1000): enums, 10 columns of assorted types per
# table, a primary key, a unique and a plain index, a foreign key to the previous table, a
# comment, and a view over every tenth table.
set -euo pipefail
n=${1:-1000}
awk -v n="$n" 'BEGIN {
  print "CREATE TYPE state AS ENUM (\x27new\x27, \x27active\x27, \x27closed\x27);"
  for (i = 1; i <= n; i++) {
    t = sprintf("t%04d", i)
    printf "CREATE TABLE %s (\n    id bigserial PRIMARY KEY,\n    code varchar(32) NOT NULL,\n", t
    printf "    name text NOT NULL DEFAULT \x27x\x27,\n    amount numeric(12,2),\n    qty integer,\n"
    printf "    ratio double precision,\n    flag boolean NOT NULL DEFAULT false,\n    st state,\n"
    printf "    created timestamptz NOT NULL DEFAULT now(),\n    tags text[]"
    if (i > 1) printf ",\n    prev_id bigint REFERENCES t%04d (id)", i - 1
    printf "\n);\n"
    printf "CREATE UNIQUE INDEX ON %s (code);\nCREATE INDEX ON %s (created);\n", t, t
    printf "COMMENT ON TABLE %s IS \x27Table number %d.\x27;\n", t, i
    if (i % 10 == 0)
      printf "CREATE VIEW v%04d AS SELECT a.id, a.name, b.code FROM %s a LEFT JOIN t%04d b ON b.id = a.prev_id;\n", i, t, i - 1
  }
}'

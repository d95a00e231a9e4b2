#!/usr/bin/env bash
# The demo on a fresh Debian 12 machine: installs what is missing, builds, starts a throwaway
# PostgreSQL 15, creates a database from schema.sql, and runs examples/demo.c against it.
source "$(dirname "$0")/common.sh"

install_missing
configure "$ROOT/build"
build "$ROOT/build" blogdb-demo
pgdir=$ROOT/build/demo-pg
trap '"$ROOT/tests/pgserver.sh" stop "$pgdir"' EXIT
dsn=$(BLOGDB_TEST_DSN='' "$ROOT/tests/pgserver.sh" start "$pgdir" "$ROOT/schema.sql")
psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE blogdb_demo TEMPLATE blogdb_template"
echo
# The demo connects as the application role, under row-level security.
"$ROOT/build/blogdb-demo" "$dsn dbname=blogdb_demo user=blog_app"

#!/usr/bin/env python3
"""blogdb-gen's privilege model against PostgreSQL's own answers.

Usage: privileges_oracle.py BLOGDB_GEN PG_ENV_FILE FILE.sql:ROLE[,ROLE...]...

For each file: a fresh database, the file applied with psql, then for each role: blogdb-gen --role
ROLE --dump-model FILE, whose "privileges" (relation) and "column_privileges" must equal
has_table_privilege() / has_column_privilege() for SELECT, INSERT, UPDATE, DELETE (columns:
SELECT, INSERT, UPDATE) on every relation and column the model has. Any difference fails.
"""
import json
import os
import subprocess
import sys

TABLE_PRIVS = ["SELECT", "INSERT", "UPDATE", "DELETE"]
COLUMN_PRIVS = ["SELECT", "INSERT", "UPDATE"]


def psql(dsn, sql, *args):
    out = subprocess.run(["psql", dsn, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", *args]
                         + (["-c", sql] if sql else []), capture_output=True, text=True,
                         env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    if out.returncode != 0:
        sys.exit(f"psql failed: {out.stderr.strip()}\n{sql or args}")
    return out.stdout


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    gen, env_file = sys.argv[1:3]
    dsn = None
    with open(env_file) as f:
        for line in f:
            if line.startswith("BLOGDB_TEST_DSN="):
                dsn = line.split("=", 1)[1].strip().strip("'")
    failures, checked = [], 0
    for spec in sys.argv[3:]:
        path, roles = spec.rsplit(":", 1)
        db = f"blogdb_privs_{os.getpid()}"
        psql(dsn, f"CREATE DATABASE {db}")
        try:
            dbdsn = f"{dsn} dbname={db}"
            psql(dbdsn, None, "-f", path)
            for role in roles.split(","):
                model = json.loads(subprocess.run([gen, "--role", role, "--dump-model", path], capture_output=True,
                                                  text=True, check=True).stdout)
                for rel in model["relations"]:
                    qname = quote(f'"{rel["schema"]}"."{rel["name"]}"')
                    have = set(filter(None, rel["privileges"].split(",")))
                    for p in TABLE_PRIVS:
                        pg = psql(dbdsn, f"SELECT has_table_privilege({quote(role)}, {qname}, '{p}')").strip() == "t"
                        checked += 1
                        if pg != (p in have):
                            failures.append(f"{path}: {role} {p} on {rel['name']}: PostgreSQL {pg}, model {p in have}")
                    for col, privs in rel["column_privileges"].items():
                        have_c = set(filter(None, privs.split(",")))
                        for p in COLUMN_PRIVS:
                            pg = psql(dbdsn, f"SELECT has_column_privilege({quote(role)}, {qname}, {quote(col)}, "
                                             f"'{p}')").strip() == "t"
                            checked += 1
                            if pg != (p in have_c):
                                failures.append(f"{path}: {role} {p} on {rel['name']}.{col}: PostgreSQL {pg}, "
                                                f"model {p in have_c}")
        finally:
            psql(dsn, f"DROP DATABASE IF EXISTS {db}")
    for f in failures:
        print(f)
    print(f"{checked} privileges compared, {len(failures)} differ")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

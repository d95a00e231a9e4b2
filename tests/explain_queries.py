#!/usr/bin/env python3
"""The blog's queries at a million posts: no page read scans posts sequentially.

Usage: explain_queries.py BLOGDB_GEN SOURCE_DIR PG_ENV_FILE

Clones blogdb_template into a database of its own, fills it (20,000 users, 1,000,000 posts over
six years, 60 % published), ANALYZEs it, then for every query of queries/ (as blogdb-gen reads
them: the SQL sent, the parameter types it inferred) prepares it as the application role under
row-level security with the acting user set, and reads the generic plan -- the plan that holds for
any parameter values -- with EXPLAIN. A Seq Scan on posts fails the test, except for the queries
in REPORTS, which read all of posts by their nature; the queries in EXPECT must use their index.
"""
import json
import os
import subprocess
import sys

REPORTS = {}  # name -> why it may scan posts; none today (TopAuthors reads the published-feed index)
# One author's rows must come off the per-author index, not a filtered walk of another one.
EXPECT = {
    "MyPosts": "posts_user_id_created_at_idx",
    "CountMyPostsByStatus": "posts_user_id_created_at_idx",
    "DeleteOldDrafts": "posts_user_id_created_at_idx",
}
USERS, POSTS = 20000, 1000000

FILL = f"""
SET session_replication_role = replica; -- no audit rows, no per-row foreign key checks
INSERT INTO users (email, password_hash)
SELECT 'user' || g || '@example.com', 'x' FROM generate_series(1, {USERS}) g;
INSERT INTO posts (user_id, title, content, status, created_at, updated_at)
SELECT u.ids[1 + g % {USERS}],
       'Post ' || g || ' about ' || (ARRAY['cats', 'dogs', 'postgres', 'C', 'travel'])[1 + g % 5],
       'body',
       (ARRAY['draft', 'published', 'published', 'published', 'archived']::post_status[])[1 + (g * 7) % 5],
       timestamp '2020-01-01' + g * interval '3 minutes',
       timestamp '2020-01-01' + g * interval '3 minutes'
FROM (SELECT array_agg(id) AS ids FROM users) u, generate_series(1, {POSTS}) g;
ANALYZE;
"""


def psql(dsn, sql):
    out = subprocess.run(["psql", dsn, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    if out.returncode != 0:
        sys.exit(f"psql failed: {out.stderr.strip()}\n{sql}")
    return out.stdout


def scans(plan, found):
    """(node type, relation, index) of every scan in the plan (a bitmap index scan names no relation)."""
    if "Relation Name" in plan or "Index Name" in plan:
        found.append((plan["Node Type"], plan.get("Relation Name", ""), plan.get("Index Name")))
    for sub in plan.get("Plans", []):
        scans(sub, found)
    return found


def main():
    gen, src, env_file = sys.argv[1:4]
    dsn = None
    with open(env_file) as f:
        for line in f:
            if line.startswith("BLOGDB_TEST_DSN="):
                dsn = line.split("=", 1)[1].strip().strip("'")
    if not dsn:
        sys.exit(f"no BLOGDB_TEST_DSN in {env_file}")
    model = json.loads(subprocess.run([gen, "--dump-model", "--queries", os.path.join(src, "queries"),
                                       os.path.join(src, "schema.sql")], capture_output=True, text=True,
                                      check=True).stdout)
    db = f"blogdb_explain_{os.getpid()}"
    psql(dsn, f"CREATE DATABASE {db} TEMPLATE blogdb_template")
    try:
        dbdsn = f"{dsn} dbname={db}"
        psql(dbdsn, FILL)
        someone = psql(dbdsn, "SELECT user_id FROM posts LIMIT 1").strip()
        failures, checked = [], 0
        for q in model["queries"]:
            types = ", ".join(p["type"] for p in q["params"])
            nulls = ", ".join("NULL" for _ in q["params"])
            script = (f"SET ROLE blog_app; SET app.user_id = '{someone}'; SET plan_cache_mode = force_generic_plan;\n"
                      f"PREPARE q{'(' + types + ')' if types else ''} AS {q['sql']};\n"
                      f"EXPLAIN (FORMAT JSON) EXECUTE q{'(' + nulls + ')' if nulls else ''};")
            plan = json.loads(psql(dbdsn, script))[0]["Plan"]
            found = scans(plan, [])
            seq = ("Seq Scan", "posts", None) in found
            checked += 1
            if seq and q["name"] not in REPORTS:
                failures.append(f"{q['name']}: sequential scan of posts\n" + json.dumps(plan, indent=1))
            if q["name"] in EXPECT and not any(i == EXPECT[q["name"]] for _, _, i in found):
                failures.append(f"{q['name']}: does not use {EXPECT[q['name']]}\n" + json.dumps(plan, indent=1))
            print(f"{q['name']:24} " + ", ".join(f"{t}" + (f" on {r}" if r else "") + (f" using {i}" if i else "")
                                                 for t, r, i in found)
                  + (f" ({REPORTS.get(q['name'], 'a page read: FAILS')})" if seq else ""))
        if checked < 10:
            failures.append(f"only {checked} queries read from queries/")
        if failures:
            sys.exit("\n".join(failures))
        print(f"{checked} queries: no page read scans posts sequentially ({POSTS:,} posts)")
    finally:
        psql(dsn, f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    main()

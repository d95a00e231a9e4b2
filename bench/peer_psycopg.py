#!/usr/bin/env python3
"""bench/run's peer in Python (named so that it does not shadow the psycopg module): psycopg 3 (Debian's python3-psycopg), as its documentation advises
for speed: server-side prepared statements, binary results, binary COPY for bulk loads.
  peer_psycopg.py point DSN SECONDS N   get a user by email on random users; prints ops/s
  peer_psycopg.py posts DSN N           N posts over the users, COPY ... FROM STDIN (FORMAT binary) with
                                   write_row, one transaction; prints seconds
The rows, emails and order are blogdb-bench's."""
import random
import sys
import time

import psycopg

TITLE = "A post about keyset pagination and binary protocols"
CONTENT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."
SQL = "SELECT id, email, password_hash, created_at, updated_at FROM users WHERE email = %s"


def point(dsn, secs, n):
    rnd = random.Random(42)
    ops = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.cursor(binary=True)
        t0 = time.monotonic()
        while True:
            for _ in range(1000):
                cur.execute(SQL, ("user%d@example.com" % rnd.randrange(n),), prepare=True)
                if cur.fetchone() is None:
                    sys.exit("point read: no row")
                ops += 1
            t = time.monotonic()
            if t - t0 >= secs:
                break
    print("%.0f" % (ops / (t - t0)))


def posts(dsn, count):
    statuses = ("draft", "published", "archived")
    with psycopg.connect(dsn) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM users ORDER BY id")]
        conn.commit()
        t0 = time.monotonic()
        with conn.cursor() as cur:
            with cur.copy("COPY posts (user_id, title, content, status) FROM STDIN (FORMAT binary)") as copy:
                # an enum's binary form is its label's bytes, as text's is
                copy.set_types(["uuid", "text", "text", "text"])
                for i in range(count):
                    copy.write_row((ids[i % len(ids)], TITLE, CONTENT, statuses[i % 3]))
        conn.commit()
    print("%.3f" % (time.monotonic() - t0))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: peer_psycopg.py point DSN SECONDS N | posts DSN N")
    if sys.argv[1] == "point" and len(sys.argv) > 4:
        point(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "posts":
        posts(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("unknown workload " + sys.argv[1])

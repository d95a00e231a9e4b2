#!/usr/bin/env bash
# Throwaway PostgreSQL for blogdb's tests and demo.
#   pgserver.sh start DIR SCHEMA.sql   start a cluster in DIR (Unix socket only), create the
#                                      template database blogdb_template from SCHEMA.sql, and write
#                                      DIR/pg.env with BLOGDB_TEST_DSN=<conninfo of the postgres db>
#   pgserver.sh stop DIR               stop it and remove the cluster
# With BLOGDB_TEST_DSN already set, no server is started: the template is made on that server.
# As root (CI), the server runs as the unprivileged 'postgres' user, since initdb refuses root.
set -euo pipefail

cmd=${1:?usage: pgserver.sh start|stop DIR [SCHEMA.sql]}
dir=${2:?usage: pgserver.sh start|stop DIR [SCHEMA.sql]}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

pgbin=""
for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
  if [ -x "$d/initdb" ]; then pgbin=$d; break; fi
done

as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Where the cluster lives: DIR/cluster, or a private directory under /tmp when the server's user
# cannot reach DIR (a build tree under /root) or the socket path would be too long for Unix sockets.
cluster_dir() {
  if [ -L "$dir/cluster" ] || [ -d "$dir/cluster" ]; then
    readlink -f "$dir/cluster"; return
  fi
  local want="$dir/cluster"
  if [ ${#want} -gt 80 ] || { [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir"; }; then
    local tmp; tmp=$(mktemp -d /tmp/blogdb-pg.XXXXXX)
    ln -s "$tmp" "$dir/cluster"
    want=$tmp
  else
    mkdir -p "$want"
  fi
  echo "$want"
}

stop() {
  local c
  [ -e "$dir/cluster" ] || return 0
  c=$(readlink -f "$dir/cluster")
  if [ -f "$c/data/postmaster.pid" ] && [ -n "$pgbin" ]; then
    as_server "$pgbin/pg_ctl" -D "$c/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$c" "$dir/cluster" "$dir/pg.env"
}

case "$cmd" in
stop)
  [ -n "${BLOGDB_TEST_DSN:-}" ] || stop
  ;;
start)
  schema=${3:?usage: pgserver.sh start DIR SCHEMA.sql}
  if [ -n "${BLOGDB_TEST_DSN:-}" ]; then
    dsn=$BLOGDB_TEST_DSN
  else
    [ -n "$pgbin" ] || { echo "pgserver.sh: no PostgreSQL server (initdb) found; install postgresql" >&2; exit 1; }
    stop
    c=$(cluster_dir)
    mkdir -p "$c/sock"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$c"; fi
    as_server "$pgbin/initdb" -D "$c/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$c/initdb.log" 2>&1 ||
      { cat "$c/initdb.log" >&2; exit 1; }
    as_server "$pgbin/pg_ctl" -D "$c/data" -l "$c/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $c/sock -p 5432 -F -c max_connections=100 -c shared_buffers=64MB" start >/dev/null ||
      { cat "$c/server.log" >&2; exit 1; }
    dsn="host=$c/sock port=5432 user=postgres dbname=postgres"
  fi
  PGOPTIONS="-c client_min_messages=warning" psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS blogdb_template" -c "CREATE DATABASE blogdb_template" >/dev/null
  psql "$dsn dbname=blogdb_template" -X -q -v ON_ERROR_STOP=1 -f "$schema" >/dev/null
  psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "ALTER DATABASE blogdb_template WITH IS_TEMPLATE true" >/dev/null
  printf "BLOGDB_TEST_DSN='%s'\n" "$dsn" >"$dir/pg.env"
  echo "$dsn"
  ;;
*)
  echo "usage: pgserver.sh start|stop DIR [SCHEMA.sql]" >&2; exit 2 ;;
esac

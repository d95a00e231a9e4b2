#!/usr/bin/env bash
# Throwaway PostgreSQL for blogdb's tests and demo.
#   pgserver.sh start DIR SCHEMA.sql   start a cluster in DIR (Unix socket only), create the
#                                      template database blogdb_template from SCHEMA.sql, and write
#                                      DIR/pg.env with BLOGDB_TEST_DSN=<conninfo of the postgres db>
#   pgserver.sh stop DIR               stop it and remove the cluster
#   pgserver.sh restart DIR            restart it (fast shutdown: every connection is closed)
#   pgserver.sh replica DIR PRIMARY    a streaming replica of the cluster in PRIMARY (pg_basebackup
#                                      -R), started in DIR; prints its conninfo (postgres db)
#   pgserver.sh promote DIR            promote the replica in DIR (pg_ctl promote, waits)
#   pgserver.sh kill DIR               stop the server in DIR at once (immediate: as a crash)
# With BLOGDB_TEST_DSN already set, no server is started: the template is made on that server.
# As root (CI), the server runs as the unprivileged 'postgres' user, since initdb refuses root.
# BLOGDB_PGBIN names the server's bin directory (scripts/test.sh --pg); else Debian's 15 (or newest).
# BLOGDB_PG_SHARED_BUFFERS: the server's shared_buffers (64MB; bench/run gives its server 1GB).
set -euo pipefail

cmd=${1:?usage: pgserver.sh start|stop|restart DIR [SCHEMA.sql]}
dir=${2:?usage: pgserver.sh start|stop|restart DIR [SCHEMA.sql]}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

pgbin=${BLOGDB_PGBIN:-}
[ -n "$pgbin" ] || for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
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

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "pgserver.sh: no free port found" >&2; exit 1
}

case "$cmd" in
replica)
  primary=$(readlink -f "${3:?usage: pgserver.sh replica DIR PRIMARY_DIR}/cluster")
  pport=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$3/pg.env" | head -1)
  stop
  c=$(cluster_dir)
  mkdir -p "$c/sock"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$c"; fi
  as_server "$pgbin/pg_basebackup" -h "$primary/sock" -p "$pport" -U postgres -D "$c/data" -R -X stream -c fast \
    >"$c/basebackup.log" 2>&1 || { cat "$c/basebackup.log" >&2; exit 1; }
  port=$(free_port)
  as_server "$pgbin/pg_ctl" -D "$c/data" -l "$c/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $c/sock -p $port -F -c ssl=off -c cluster_name=replica" start >/dev/null ||
    { cat "$c/server.log" >&2; exit 1; }
  dsn="host=$c/sock port=$port user=postgres dbname=postgres"
  printf "BLOGDB_TEST_DSN='%s'\n" "$dsn" >"$dir/pg.env"
  echo "$dsn"
  ;;
promote)
  c=$(readlink -f "$dir/cluster")
  as_server "$pgbin/pg_ctl" -D "$c/data" -w -t 60 promote >/dev/null
  ;;
kill)
  c=$(readlink -f "$dir/cluster")
  as_server "$pgbin/pg_ctl" -D "$c/data" -m immediate -w stop >/dev/null
  ;;
stop)
  [ -n "${BLOGDB_TEST_DSN:-}" ] || stop
  ;;
restart)
  c=$(readlink -f "$dir/cluster")
  as_server "$pgbin/pg_ctl" -D "$c/data" -l "$c/server.log" -m fast -w -t 60 restart >/dev/null
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
    # TLS on 127.0.0.1: a self-signed certificate for localhost, and an unrelated one that must not
    # be trusted in its place. Unencrypted TCP is refused.
    mkdir -p "$c/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$c/tls/server.key" -out "$c/tls/server.crt" 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$c/tls/other.key" -out "$c/tls/other.crt" 2>/dev/null
    chmod 600 "$c/tls/server.key" "$c/tls/other.key"
    cat >"$c/data/pg_hba.conf" <<HBA
local     all all                trust
local     replication all        trust
hostssl   all all 127.0.0.1/32   trust
hostnossl all all 127.0.0.1/32   reject
HBA
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$c"; fi
    # A port free on 127.0.0.1 (a packaged cluster may hold 5432).
    port=$(free_port)
    as_server "$pgbin/pg_ctl" -D "$c/data" -l "$c/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -k $c/sock -p $port -F -c max_connections=100 -c shared_buffers=${BLOGDB_PG_SHARED_BUFFERS:-64MB} \
          -c ssl=on -c ssl_cert_file=$c/tls/server.crt -c ssl_key_file=$c/tls/server.key" start >/dev/null ||
      { cat "$c/server.log" >&2; exit 1; }
    tls="host=localhost hostaddr=127.0.0.1 port=$port user=postgres"
    dsn="host=$c/sock port=$port user=postgres dbname=postgres"
  fi
  PGOPTIONS="-c client_min_messages=warning" psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS blogdb_template" -c "CREATE DATABASE blogdb_template" >/dev/null
  psql "$dsn dbname=blogdb_template" -X -q -v ON_ERROR_STOP=1 -f "$schema" >/dev/null
  psql "$dsn" -X -q -v ON_ERROR_STOP=1 -c "ALTER DATABASE blogdb_template WITH IS_TEMPLATE true" >/dev/null
  printf "BLOGDB_TEST_DSN='%s'\n" "$dsn" >"$dir/pg.env"
  if [ -n "${tls:-}" ]; then
    printf "BLOGDB_TEST_TLS='%s'\nBLOGDB_TEST_TLS_CA='%s'\nBLOGDB_TEST_TLS_OTHER_CA='%s'\n" \
      "$tls" "$c/tls/server.crt" "$c/tls/other.crt" >>"$dir/pg.env"
  fi
  echo "$dsn"
  ;;
*)
  echo "usage: pgserver.sh start|stop|restart|replica|promote|kill DIR [SCHEMA.sql|PRIMARY_DIR]" >&2; exit 2 ;;
esac

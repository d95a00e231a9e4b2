#!/usr/bin/env bash
# Routine upkeep of a blogdb database, for cron or a systemd timer (daily; hourly is fine too):
#   scripts/maintain.sh CONNINFO
# Run it as the owner (blog_owner), a member of blog_stats, or a superuser.
#  1. audit_log's month partitions: made AUDIT_MONTHS_AHEAD months ahead (default 3; rows that
#     landed in the default partition move into theirs), and, when AUDIT_KEEP_MONTHS is set, the
#     months before the last AUDIT_KEEP_MONTHS detached (they stay as tables in the schema
#     audit_partitions, to dump with pg_dump -t and drop).
#  2. ANALYZE: fresh planner statistics for every table (autovacuum does this too, per the
#     thresholds schema.sql sets on each table; after a bulk load it may lag behind).
#  3. REFRESH MATERIALIZED VIEW CONCURRENTLY author_stats: readers are never blocked.
#  4. VACUUM (FREEZE) audit_log: it is insert-only, so its rows can be frozen at once, and the
#     anti-wraparound vacuum later finds nothing to do on a huge table.
# Each step is bounded (statement_timeout) and reports its time; the first failure stops the script
# with its message and a non-zero status.
set -euo pipefail
conninfo=${1:?usage: maintain.sh CONNINFO}
ahead=${AUDIT_MONTHS_AHEAD:-3} keep=${AUDIT_KEEP_MONTHS:-}
for v in "AUDIT_MONTHS_AHEAD=$ahead" ${keep:+"AUDIT_KEEP_MONTHS=$keep"}; do
  [[ ${v#*=} =~ ^[0-9]{1,4}$ ]] || { echo "maintain: ${v%%=*} must be a number of months, not '${v#*=}'" >&2; exit 2; }
done
step() { # name sql
  local t0; t0=$(date +%s.%N)
  PGOPTIONS="-c statement_timeout=${MAINTAIN_TIMEOUT_MS:-3600000} -c client_min_messages=warning" \
    psql "$conninfo" -X -q -v ON_ERROR_STOP=1 -c "$2"
  printf 'maintain: %-40s %6.2f s\n' "$1" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
}
step "audit_log partitions ($ahead months ahead)" "SELECT count(*) AS made FROM audit_log_make_partitions($ahead)"
if [ -n "$keep" ]; then
  step "audit_log detach before $keep months" \
    "SELECT audit_log_detach_before((date_trunc('month', now()) - make_interval(months => $keep))::date)"
fi
step "ANALYZE" "ANALYZE"
step "REFRESH author_stats (CONCURRENTLY)" "REFRESH MATERIALIZED VIEW CONCURRENTLY author_stats"
step "VACUUM (FREEZE) audit_log" "VACUUM (FREEZE) audit_log"

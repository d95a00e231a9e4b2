/* audit_log partitioned by month: where rows land, partitions made ahead (rows of a month without
 * one move out of the default partition), old months detached for archiving, who may do upkeep,
 * and the generated bindings reading every partition as one relation. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(audit, .init = db_setup, .fini = db_teardown);

/* The partition a row of audit_log is in, as schema.qualified text (caller frees). */
static char *partition_of(const char *where)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT tableoid::regclass::text FROM audit_log WHERE %s", where);
    return sql_text(sql);
}

static long long attached_months(void)
{
    return sql_int("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_[0-9]{4}_[0-9]{2}$'");
}

Test(audit, changes_land_in_this_months_partition_made_ahead_with_its_settings)
{
    blogdb_users_row *a = make_user("a@example.com");
    char where[200], *part, *want, *opts;
    char id[37];

    uuid_unparse_lower(a->id, id);
    snprintf(where, sizeof where, "row_id = '%s'", id);
    part = partition_of(where);
    want = sql_text("SELECT 'audit_partitions.audit_log_' || to_char(now(), 'YYYY_MM')");
    cr_assert_str_eq(part, want);
    /* This month and the next three, made when schema.sql was applied; the default besides. */
    cr_assert_eq(attached_months(), 4);
    cr_assert_eq(sql_int("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_log'::regclass"), 5);
    cr_assert_eq(sql_int("SELECT count(*) FROM pg_class WHERE relname = 'audit_log_' || "
                         "to_char(now() + interval '3 months', 'YYYY_MM')"),
                 1);
    /* Each partition carries the insert-only table's autovacuum settings, and is blog_owner's. */
    opts = sql_text("SELECT string_agg(DISTINCT array_to_string(c.reloptions, ',') || ' ' || c.relowner::regrole, '; ') "
                    "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_log'::regclass");
    cr_assert_str_eq(opts, "autovacuum_vacuum_insert_scale_factor=0.02,autovacuum_freeze_min_age=0,"
                           "autovacuum_analyze_scale_factor=0.05 blog_owner");
    free(opts);
    free(part);
    free(want);
    blogdb_users_row_free(a);
}

Test(audit, a_month_without_a_partition_lands_in_default_and_moves_when_it_is_made)
{
    char *part, *want, *made;
    long long id, before = sql_int("SELECT count(*) FROM audit_log");

    /* Eight months ahead: no partition yet. The write that made the row does not fail. */
    id = sql_int("INSERT INTO audit_log (at, table_name, operation, row_id) VALUES "
                 "(date_trunc('month', now()) + interval '8 months 3 days', 'posts', 'INSERT', gen_random_uuid()) "
                 "RETURNING id");
    part = partition_of("at > now() + interval '7 months'");
    cr_assert_str_eq(part, "audit_partitions.audit_log_default");
    free(part);

    /* Months 4 to 8 are made (0 to 3 exist); the row moves into its month's partition, id intact. */
    made = sql_text("SELECT string_agg(p, ',') FROM audit_log_make_partitions(8) p");
    want = sql_text("SELECT string_agg('audit_log_' || to_char(date_trunc('month', now()) + make_interval(months => m), "
                    "'YYYY_MM'), ',' ORDER BY m) FROM generate_series(4, 8) m");
    cr_assert_str_eq(made, want);
    free(made);
    free(want);
    part = partition_of("at > now() + interval '7 months'");
    want = sql_text("SELECT 'audit_partitions.audit_log_' || to_char(now() + interval '8 months', 'YYYY_MM')");
    cr_assert_str_eq(part, want);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_partitions.audit_log_default"), 0);
    cr_assert_eq(sql_int("SELECT id FROM audit_log WHERE at > now() + interval '7 months'"), id);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log"), before + 1);
    cr_assert_eq(attached_months(), 9);
    /* Run again: nothing to make. */
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log_make_partitions(8)"), 0);
    free(part);
    free(want);
}

Test(audit, old_months_are_detached_for_archiving)
{
    char *made;
    made = sql_text("SELECT string_agg(p, ',') FROM audit_log_make_partitions(1, '2020-01-20') p");
    cr_assert_str_eq(made, "audit_log_2020_01,audit_log_2020_02");
    free(made);
    sql_exec("INSERT INTO audit_log (at, table_name, operation, row_id) VALUES "
             "('2020-01-15', 'users', 'INSERT', gen_random_uuid()), ('2020-02-15', 'users', 'INSERT', gen_random_uuid())");
    /* Months that end on or before the date go: January, not February. */
    made = sql_text("SELECT coalesce(string_agg(p, ','), '') FROM audit_log_detach_before('2020-02-01') p");
    cr_assert_str_eq(made, "audit_log_2020_01");
    free(made);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log WHERE at < '2020-02-01'"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log WHERE at < '2020-03-01'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_partitions.audit_log_2020_01"), 1, "kept, to dump and drop");
    made = sql_text("SELECT coalesce(string_agg(p, ','), '') FROM audit_log_detach_before('2020-02-01') p");
    cr_assert_str_eq(made, "");
    free(made);
    /* The current months end after today: detaching before this month leaves them. */
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log_detach_before(date_trunc('month', now())::date)"), 1);
    cr_assert_eq(attached_months(), 4);
}

/* Upkeep is the owner's: the application role may neither make nor detach partitions, nor read
 * the partitions directly; bad arguments are clear errors. */
Test(audit, only_the_owner_does_upkeep_and_bad_arguments_are_refused)
{
    static const char *const denied[] = {"SELECT audit_log_make_partitions()",
                                         "SELECT audit_log_detach_before(now()::date)",
                                         "SELECT count(*) FROM audit_partitions.audit_log_default"};
    PGconn *app = PQconnectdb(test_dsn());
    PGresult *r;
    cr_assert_eq(PQstatus(app), CONNECTION_OK, "%s", PQerrorMessage(app));
    for (size_t i = 0; i < sizeof denied / sizeof *denied; i++) {
        r = PQexec(app, denied[i]);
        cr_assert_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "", "42501",
                         "%s: %s", denied[i], PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(app);
    {
        PGconn *su = PQconnectdb(test_admin_dsn());
        static const char *const bad[] = {"SELECT audit_log_make_partitions(-1)", "SELECT audit_log_make_partitions(121)",
                                          "SELECT audit_log_make_partitions(NULL)", "SELECT audit_log_detach_before(NULL)"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            r = PQexec(su, bad[i]);
            cr_assert_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "",
                             "22023", "%s: %s", bad[i], PQresultErrorMessage(r));
            PQclear(r);
        }
        PQfinish(su);
    }
    cr_assert_eq(attached_months(), 4, "nothing made by a refused call");
}

/* The bindings read audit_log as one relation: rows of three partitions come back in key order. */
Test(audit, the_bindings_read_every_partition_as_one_relation)
{
    blogdb_users_row *a = make_user("a@example.com");
    blogdb_audit_log_rows *log = NULL;
    blogdb_audit_log_row *one = NULL;
    long long n;
    sql_exec("SELECT audit_log_make_partitions(0, '2021-06-01')");
    sql_exec("INSERT INTO audit_log (at, table_name, operation, row_id) VALUES "
             "('2021-06-02', 'users', 'DELETE', gen_random_uuid()), "
             "(now() + interval '9 months', 'users', 'DELETE', gen_random_uuid())");
    n = sql_int("SELECT count(DISTINCT tableoid) FROM audit_log");
    cr_assert_eq(n, 3);
    cr_assert_eq(blogdb_audit_log_list(db, &log, 100, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq((long long)log->count, sql_int("SELECT count(*) FROM audit_log"));
    for (size_t i = 1; i < log->count; i++)
        cr_assert_lt(log->items[i - 1].id, log->items[i].id);
    cr_assert_str_eq(log->items[log->count - 1].operation, "DELETE");
    cr_assert_eq(blogdb_audit_log_get_by_id_and_at(db, &one, log->items[0].id, log->items[0].at), 0, "%s",
                 blogdb_errmsg(db));
    cr_assert_str_eq(one->table_name, log->items[0].table_name);
    blogdb_audit_log_row_free(one);
    blogdb_audit_log_rows_free(log);
    blogdb_users_row_free(a);
}

/* What the audit triggers recorded for one author's scenario, checked against the rows themselves:
 * a bulk COPY of three posts and one insert (through the library, as the author), an update, one
 * multi-row DELETE; a new user. Each line: table, operation, rows recorded, and how many of them
 * hold exactly the row (without password_hash) and the acting user. */
static char *audit_scenario(const char *email)
{
    blogdb_users_row *a = make_user(email);
    blogdb_posts_row rows[3] = {{.title = "t1", .content = "c1"}, {.title = "t2", .content = "c2"}, {.title = "t3", .content = "c3"}};
    blogdb_posts_row *one = NULL, change;
    char id[37], sql[2048], *out;

    uuid_unparse_lower(a->id, id);
    sql_exec("DELETE FROM audit_log_scratch");
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0);
    for (int i = 0; i < 3; i++)
        uuid_copy(rows[i].user_id, a->id);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 3, 0), 0, "%s", blogdb_errmsg(db));
    one = make_post(a->id, "t4", BLOGDB_POST_STATUS_PUBLISHED);
    change = *one;
    change.title = "t4, edited";
    cr_assert_eq(blogdb_posts_update_fields(db, NULL, &change, BLOGDB_POSTS_TITLE), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_clear_acting_user(db), 0);
    snprintf(sql, sizeof sql,
             "INSERT INTO audit_log_scratch SELECT id, to_jsonb(p) FROM posts p WHERE user_id = '%s'", id);
    sql_exec(sql);
    snprintf(sql, sizeof sql,
             "BEGIN; SELECT set_config('app.user_id', '%s', true); DELETE FROM posts WHERE user_id = '%s'; COMMIT", id,
             id);
    sql_exec(sql);
    snprintf(sql, sizeof sql,
             "SELECT string_agg(line, '; ' ORDER BY line) FROM ("
             " SELECT a.table_name || ' ' || a.operation || ' ' || count(*) || ' ' || count(*) FILTER ("
             "   WHERE a.actor IS NOT DISTINCT FROM (CASE WHEN a.table_name = 'users' THEN NULL ELSE '%s' END)::uuid"
             "   AND CASE a.operation"
             "     WHEN 'INSERT' THEN a.old_row IS NULL AND (a.new_row - 'updated_at' - 'title') = "
             "       (SELECT coalesce(to_jsonb(u) - 'password_hash', s.row) - 'updated_at' - 'title' FROM (SELECT 1) x "
             "        LEFT JOIN users u ON u.id = a.row_id LEFT JOIN audit_log_scratch s ON s.id = a.row_id)"
             "     WHEN 'UPDATE' THEN a.new_row->>'title' = 't4, edited' AND a.old_row->>'title' = 't4'"
             "     ELSE a.new_row IS NULL AND a.old_row = (SELECT row FROM audit_log_scratch s WHERE s.id = a.row_id) END) AS line"
             " FROM audit_log a WHERE a.row_id = '%s' OR a.row_id IN (SELECT id FROM audit_log_scratch)"
             " GROUP BY a.table_name, a.operation) l",
             id, id);
    out = sql_text(sql);
    blogdb_posts_row_free(one);
    blogdb_users_row_free(a);
    return out;
}

/* Inserts and deletes are recorded per statement (from the transition table), updates per row:
 * the same rows the per-row trigger it replaced records (bench/audit_triggers.sql swaps them; so
 * does this test, and compares). */
Test(audit, the_statement_level_trigger_records_what_the_per_row_one_did)
{
    static const char expect[] = "posts DELETE 4 4; posts INSERT 4 4; posts UPDATE 1 1; users INSERT 1 1";
    char *per_statement, *per_row;
    sql_exec("CREATE TEMP TABLE audit_log_scratch (id uuid, row jsonb)");
    per_statement = audit_scenario("statement@example.com");
    cr_assert_str_eq(per_statement, expect);
    sql_exec("DROP TRIGGER posts_audit_insert ON posts; DROP TRIGGER posts_audit_delete ON posts;"
             "DROP TRIGGER users_audit_insert ON users;"
             "CREATE TRIGGER posts_audit_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION audit_row();"
             "CREATE TRIGGER posts_audit_delete AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION audit_row();"
             "CREATE TRIGGER users_audit_insert AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION audit_row()");
    per_row = audit_scenario("row@example.com");
    cr_assert_str_eq(per_row, per_statement);
    free(per_statement);
    free(per_row);
}

/* The test server restarted under an open connection (run alone: every suite's connections go).
 * The handle says ECONNECTION, and blogdb_reconnect() brings it back with its session state. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

TestSuite(restart, .init = db_setup, .fini = db_teardown, .timeout = 120);

Test(restart, a_restarted_server_is_a_connection_error_then_reconnect_works)
{
    char cmd[512], *tls = test_env("BLOGDB_TEST_TLS");
    int64_t n = -1;
    blogdb_users_row *u = make_user("before@example.com");
    blogdb_users_row_free(u);
    cr_assert_eq(blogdb_set_statement_timeout(db, 5000), 0);
    if (!tls)
        cr_skip_test("the test server is not ours to restart (BLOGDB_TEST_DSN)");
    free(tls);
    snprintf(cmd, sizeof cmd, "%s/tests/pgserver.sh restart %s", BLOGDB_SOURCE_DIR, BLOGDB_PG_DIR);
    cr_assert_eq(run_cmd(cmd, NULL, NULL), 0, "%s", cmd);
    cr_assert_eq(blogdb_users_count(db, &n), BLOGDB_ECONNECTION, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_count(db, &n), BLOGDB_ECONNECTION, "a dead handle stays dead until reconnected");
    cr_assert_eq(blogdb_reconnect(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_count(db, &n), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 1);
}

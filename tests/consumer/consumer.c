/* An out-of-tree program using the installed blogdb: built once with pkg-config and once with
 * find_package(blogdb). Usage: consumer CONNINFO (a database with schema.sql applied). */
#include <blogdb.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    blogdb *db = NULL;
    blogdb_users_row in = {.email = "consumer@example.com", .password_hash = "h"}, *u = NULL, *back = NULL;
    int rc;
    if (argc < 2)
        return 2;
    if ((rc = blogdb_connect(&db, argv[1])) != 0) {
        fprintf(stderr, "connect: %s\n", blogdb_connect_error());
        return 1;
    }
    if ((rc = blogdb_check_schema(db)) != 0 || (rc = blogdb_users_insert(db, &u, &in, 0)) != 0 ||
        (rc = blogdb_users_get_by_email(db, &back, "consumer@example.com")) != 0) {
        fprintf(stderr, "%s: %s\n", blogdb_strerror(rc), blogdb_errmsg(db));
        blogdb_close(db);
        return 1;
    }
    rc = uuid_compare(u->id, back->id) == 0 && strcmp(back->email, in.email) == 0 ? 0 : 1;
    printf("consumer: blogdb %s (header %d.%d.%d), round trip %s\n", blogdb_version(), BLOGDB_VERSION_MAJOR,
           BLOGDB_VERSION_MINOR, BLOGDB_VERSION_PATCH, rc ? "FAILED" : "ok");
    blogdb_users_row_free(u);
    blogdb_users_row_free(back);
    blogdb_close(db);
    return rc;
}

/* myapp: uses bindings generated from its own schema.sql. Usage: myapp CONNINFO */
#include "myapp_queries.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    blogdb *db = NULL;
    const char *tags[] = {"home", "urgent"};
    myapp_tasks_row in = {.title = "Water the plants", .priority = MYAPP_PRIORITY_HIGH, .tags = {tags, 2}};
    myapp_tasks_rows *high = NULL;
    myapp_tasks_due_before_rows *due = NULL;
    int64_t changed = -1;
    int rc;
    if (argc < 2)
        return 2;
    if (blogdb_connect(&db, argv[1]) != 0) {
        fprintf(stderr, "connect: %s\n", blogdb_connect_error());
        return 1;
    }
    if ((rc = myapp_check_schema(db)) != 0 ||
        (rc = myapp_tasks_insert(db, NULL, &in, MYAPP_TASKS_PRIORITY | MYAPP_TASKS_TAGS)) != 0 ||
        (rc = myapp_tasks_list_by_priority(db, &high, MYAPP_PRIORITY_HIGH, 10, NULL)) != 0 ||
        (rc = myapp_tasks_due_before(db, &due, 0)) != 0 ||
        (rc = myapp_reprioritize(db, &changed, MYAPP_PRIORITY_LOW, "Water the plants")) != 0) {
        fprintf(stderr, "%s: %s\n", blogdb_strerror(rc), blogdb_errmsg(db));
        blogdb_close(db);
        return 1;
    }
    /* its own queries: the task has no due date; one task changed priority */
    rc = high->count == 1 && high->items[0].tags.count == 2 && due->count == 1 && !due->items[0].has_due &&
                 changed == 1
             ? 0
             : 1;
    printf("myapp: %zu high-priority task(s), first \"%s\" with %zu tags: %s\n", high->count,
           high->count ? high->items[0].title : "", high->count ? high->items[0].tags.count : 0, rc ? "FAILED" : "ok");
    myapp_tasks_rows_free(high);
    myapp_tasks_due_before_rows_free(due);
    blogdb_close(db);
    return rc;
}

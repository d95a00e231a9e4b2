/* myapp: uses bindings generated from its own schema.sql. Usage: myapp CONNINFO */
#include "myapp_queries.h"

#include <stdio.h>
#include <string.h>

/* Pages (2 rows a page) through the normal-priority tasks: they must come in the order of index
 * tasks_priority_title_idx, by title then id descending, none lost or repeated. */
static int page_in_index_order(blogdb *db)
{
    static const char *const titles[] = {"b", "a", "b", "c", "b"};
    myapp_tasks_rows *page = NULL;
    char prev_title[8] = "";
    long long prev_id = 0;
    int seen = 0, rc;
    for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
        myapp_tasks_row t = {.title = titles[i]};
        if ((rc = myapp_tasks_insert(db, NULL, &t, 0)) != 0)
            return rc;
    }
    rc = myapp_tasks_list_by_priority(db, &page, MYAPP_PRIORITY_NORMAL, 2, NULL);
    while (rc == 0 && page->count) {
        myapp_tasks_rows *next = NULL;
        for (size_t i = 0; i < page->count && rc == 0; i++, seen++) {
            const myapp_tasks_row *r = &page->items[i];
            int c = seen ? strcmp(prev_title, r->title) : -1;
            if (c > 0 || (c == 0 && prev_id <= r->id)) {
                fprintf(stderr, "task %lld (\"%s\") out of index order\n", (long long)r->id, r->title);
                rc = BLOGDB_EINVAL;
            }
            snprintf(prev_title, sizeof prev_title, "%s", r->title);
            prev_id = r->id;
        }
        if (rc == 0)
            rc = myapp_tasks_list_by_priority(db, &next, MYAPP_PRIORITY_NORMAL, 2, &page->items[page->count - 1]);
        myapp_tasks_rows_free(page);
        page = next;
    }
    myapp_tasks_rows_free(page);
    return rc ? rc : seen == 5 ? 0 : BLOGDB_EINVAL;
}

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
        (rc = myapp_reprioritize(db, &changed, MYAPP_PRIORITY_LOW, "Water the plants")) != 0 ||
        (rc = page_in_index_order(db)) != 0) {
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

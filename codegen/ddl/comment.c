/* blogdb-gen, DDL replay: COMMENT ON (PostgreSQL: comment.c). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- COMMENT ON ------------------------------------------------------------ */

int do_comment(ctx *c, const PgQuery__CommentStmt *s)
{
    Node **names;
    size_t n;
    char **slot;
    const char *schema, *relname;
    gen_relation *r;

    switch (s->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        break;
    default:
        return 0; /* comments on functions, indexes, ... carry nothing for clients */
    }
    if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
        const PgQuery__TypeName *tn = s->object->type_name;
        gen_enum *en;
        if (names_split(tn->names, tn->n_names, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "malformed type name");
        if ((en = find_enum(c, schema, relname, NULL))) {
            free(en->comment);
            en->comment = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
        } else if (!find_domain(c, schema, relname, NULL)) {
            FAIL(c, c->stmt_pos, "type \"%s\" does not exist", relname);
        }
        return 0;
    }
    if (s->object->node_case != PG_QUERY__NODE__NODE_LIST)
        FAIL(c, c->stmt_pos, "malformed COMMENT ON");
    names = s->object->list->items;
    n = s->object->list->n_items;
    if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
        int ci;
        if (n < 2 || names_split(names, n - 1, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "column name must be qualified");
        r = lookup_rel(c, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        ci = rel_find_column(r, node_str(names[n - 1]));
        if (ci < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", node_str(names[n - 1]), relname);
        slot = &r->columns[ci].comment;
    } else {
        if (names_split(names, n, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "malformed name in COMMENT ON");
        r = lookup_rel(c, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        if ((s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) != (r->kind == REL_VIEW) ||
            (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) != (r->kind == REL_MATVIEW))
            FAIL(c, c->stmt_pos, "\"%s\" is not a %s", relname,
                 s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? "view"
                 : s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "materialized view"
                                                                       : "table");
        slot = &r->comment;
    }
    free(*slot);
    *slot = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
    return 0;
}

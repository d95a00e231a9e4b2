/* blogdb-gen stage 1: DDL text -> libpg_query protobuf tree -> replayed into the model,
 * statement by statement, the way PostgreSQL would apply it.
 * This file: the replay: session statements (SET, schemas, extensions) and the statement loop. */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- session statements ------------------------------------------------------------ */

static void set_search_path(ctx *c, Node **args, size_t n, const char *text)
{
    for (size_t i = 0; i < c->m->nsearch_path; i++)
        free(c->m->search_path[i]);
    c->m->nsearch_path = 0;
    if (text) { /* set_config's comma-separated value */
        const char *p = text;
        while (*p) {
            const char *end;
            char *item;
            while (*p == ' ' || *p == ',')
                p++;
            if (!*p)
                break;
            if (*p == '"') {
                end = strchr(p + 1, '"');
                end = end ? end : p + strlen(p);
                item = xstrfmt("%.*s", (int)(end - p - 1), p + 1);
                p = *end ? end + 1 : end;
            } else {
                end = p;
                while (*end && *end != ',' && *end != ' ')
                    end++;
                item = xstrfmt("%.*s", (int)(end - p), p);
                p = end;
            }
            *VEC_PUSH(c->m->search_path, c->m->nsearch_path) = item;
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const Node *a = args[i];
        const char *v = a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL
                            ? a->a_const->sval->sval
                            : node_str(a);
        if (v)
            *VEC_PUSH(c->m->search_path, c->m->nsearch_path) = xstrdup(v);
    }
}

int do_set(ctx *c, const PgQuery__VariableSetStmt *s)
{
    if (s->name && strcmp(s->name, "role") == 0)
        return do_set_role(c, s);
    if (!s->name || strcmp(s->name, "search_path") != 0)
        return 0;
    if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
        set_search_path(c, s->args, s->n_args, NULL);
    } else if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT ||
               s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
        set_search_path(c, NULL, 0, "\"$user\", public");
    }
    return 0;
}

/* A SELECT (or VALUES) changes no shape: pg_dump's set_config('search_path', ...) sets the
 * search path; SELECT ... INTO creates a table, which is refused (CREATE TABLE AS says the same). */
int do_select(ctx *c, const Node *st)
{
    const PgQuery__SelectStmt *s = st->select_stmt;
    if (s->into_clause)
        FAIL(c, c->stmt_pos, "SELECT ... INTO is not supported; write CREATE TABLE ... AS SELECT");
    for (size_t i = 0; i < s->n_target_list; i++) {
        const Node *v = s->target_list[i]->res_target->val;
        const PgQuery__FuncCall *f;
        const char *fname;
        if (!v || v->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
            continue;
        f = v->func_call;
        fname = node_str(f->funcname[f->n_funcname - 1]);
        if (fname && strcmp(fname, "set_config") == 0 && f->n_args >= 2 &&
            f->args[0]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            f->args[1]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            f->args[0]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
            f->args[1]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
            strcmp(f->args[0]->a_const->sval->sval, "search_path") == 0)
            set_search_path(c, NULL, 0, f->args[1]->a_const->sval->sval);
    }
    return 0;
}

/* INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY: data, no shape (a Rails structure.sql ends with
 * INSERT INTO schema_migrations; pg_dump with data has COPY ... FROM stdin, whose rows
 * blank_meta_commands took out). Their target must exist, as PostgreSQL would insist. */
static int do_data(ctx *c, const Node *st)
{
    PgQuery__RangeVar *one = NULL;
    switch (st->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT: one = st->insert_stmt->relation; break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: one = st->update_stmt->relation; break;
    case PG_QUERY__NODE__NODE_DELETE_STMT: one = st->delete_stmt->relation; break;
    case PG_QUERY__NODE__NODE_MERGE_STMT: one = st->merge_stmt->relation; break;
    case PG_QUERY__NODE__NODE_COPY_STMT: one = st->copy_stmt->relation; break; /* NULL: COPY (query) TO */
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        for (size_t i = 0; i < st->truncate_stmt->n_relations; i++)
            if (!find_rv(c, st->truncate_stmt->relations[i]->range_var))
                FAIL(c, st->truncate_stmt->relations[i]->range_var->location, "relation \"%s\" does not exist",
                     st->truncate_stmt->relations[i]->range_var->relname);
        return 0;
    default:
        break;
    }
    if (one && !find_rv(c, one))
        FAIL(c, one->location, "relation \"%s\" does not exist", one->relname);
    return 0;
}

int do_create_schema(ctx *c, const PgQuery__CreateSchemaStmt *s)
{
    if (!s->schemaname || !*s->schemaname)
        FAIL(c, c->stmt_pos, "CREATE SCHEMA AUTHORIZATION without a name is not supported");
    if (s->n_schema_elts)
        FAIL(c, c->stmt_pos, "CREATE SCHEMA with embedded statements is not supported");
    if (schema_exists(c->m, s->schemaname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "schema \"%s\" already exists", s->schemaname);
    }
    *VEC_PUSH(c->m->schemas, c->m->nschemas) = xstrdup(s->schemaname);
    return 0;
}

int do_create_extension(ctx *c, const PgQuery__CreateExtensionStmt *s)
{
    const char *schema = NULL, *existing;
    for (size_t i = 0; i < s->n_options; i++) {
        const PgQuery__DefElem *d = s->options[i]->def_elem;
        if (strcmp(d->defname, "schema") == 0)
            schema = node_str(d->arg);
    }
    if (has_extension(c->m, s->extname, &existing)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "extension \"%s\" already exists", s->extname);
    }
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    *VEC_PUSH(c->m->extensions, c->m->nextensions) = xstrfmt("%s@%s", s->extname, schema);
    return 0;
}

/* The next word of text at *p (letters, digits, _), lowercased into buf; false at the end. Comments
 * are skipped; string contents count (EXECUTE 'CREATE TABLE ...'). */
static bool next_word(const char **p, char *buf, size_t bufsize)
{
    const char *s = *p;
    size_t n = 0;
    for (;;) {
        while (*s && !isalnum((unsigned char)*s) && *s != '_' && !(s[0] == '-' && s[1] == '-'))
            s++;
        if (s[0] == '-' && s[1] == '-') {
            s += strcspn(s, "\n");
            continue;
        }
        break;
    }
    if (!*s)
        return false;
    while (isalnum((unsigned char)*s) || *s == '_') {
        if (n + 1 < bufsize)
            buf[n++] = (char)tolower((unsigned char)*s);
        s++;
    }
    buf[n] = '\0';
    *p = s;
    return true;
}

static bool word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

/* A DO block runs procedural code, which blogdb-gen does not: one that creates, alters or drops a
 * table, view, type, index, domain or schema is refused with its line, instead of leaving what it
 * makes silently out of the model. Roles, grants, notices and the like pass (they have no shape). */
static int do_do(ctx *c, const PgQuery__DoStmt *d)
{
    static const char *const verbs[] = {"create", "alter", "drop", NULL};
    static const char *const skip[] = {"or", "replace", "unique", "temp", "temporary", "unlogged", "global", "local",
                                       "materialized", "recursive", NULL};
    static const char *const objects[] = {"table", "view", "type", "index", "domain", "schema", "extension", NULL};
    for (size_t i = 0; i < d->n_args; i++) {
        const PgQuery__DefElem *de = d->args[i]->def_elem;
        const char *p = de->defname && strcmp(de->defname, "as") == 0 ? node_str(de->arg) : NULL;
        char w[32], verb[32] = "";
        while (p && next_word(&p, w, sizeof w)) {
            if (word_in(w, verbs)) {
                snprintf(verb, sizeof verb, "%s", w);
                continue;
            }
            if (*verb && word_in(w, objects)) {
                for (char *u = verb; *u; u++)
                    *u = (char)toupper((unsigned char)*u);
                for (char *u = w; *u; u++)
                    *u = (char)toupper((unsigned char)*u);
                FAIL(c, c->stmt_pos,
                     "this DO block runs %s %s, which blogdb-gen cannot follow (it does not run procedural code); "
                     "write the statement outside the DO block",
                     verb, w);
            }
            if (!word_in(w, skip))
                *verb = '\0';
        }
    }
    return 0;
}

/* ---- the statement loop --------------------------------------------------- */

static int replay(ctx *c, const Node *st)
{
    switch (st->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        return do_create_table(c, st->create_stmt);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        return do_create_index(c, st->index_stmt);
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        return do_create_composite(c, st->composite_type_stmt);
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        return do_create_enum(c, st->create_enum_stmt);
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        return do_alter_enum(c, st->alter_enum_stmt);
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        return do_create_domain(c, st->create_domain_stmt);
    case PG_QUERY__NODE__NODE_VIEW_STMT: {
        const PgQuery__ViewStmt *v = st->view_stmt;
        return create_from_query(c, v->view, v->query, v->aliases, v->n_aliases, REL_VIEW, v->replace, false);
    }
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        return do_create_table_as(c, st->create_table_as_stmt);
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        return do_comment(c, st->comment_stmt);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        switch (st->alter_table_stmt->objtype) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
            return do_alter_table(c, st->alter_table_stmt);
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
            return do_alter_view_owner(c, st->alter_table_stmt);
        default:
            return 0; /* ALTER INDEX / SEQUENCE / VIEW ... OWNER TO, SET, ATTACH PARTITION */
        }
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        return do_rename(c, st->rename_stmt);
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        return do_set_schema(c, st->alter_object_schema_stmt);
    case PG_QUERY__NODE__NODE_DROP_STMT:
        return do_drop(c, st->drop_stmt);
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        return do_create_schema(c, st->create_schema_stmt);
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        return do_create_extension(c, st->create_extension_stmt);
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return do_set(c, st->variable_set_stmt);
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return do_select(c, st);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT:
        return do_data(c, st);
    case PG_QUERY__NODE__NODE_DO_STMT:
        return do_do(c, st->do_stmt);
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
        if (st->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
            break;
        return 0; /* aggregates, operators, collations */
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        return do_create_function(c, st->create_function_stmt);
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        return do_grant(c, st->grant_stmt);
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
        return do_grant_role(c, st->grant_role_stmt);
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
        return do_alter_default_privileges(c, st->alter_default_privileges_stmt);
    /* Parsed and accepted: they carry no shape for clients. */
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    /* a dump's CREATE DATABASE (its \\connect is blanked): the schema is what follows */
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
    case PG_QUERY__NODE__NODE_LOCK_STMT:
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
        return 0;
    default:
        break;
    }
    {
        char *words = stmt_words(st);
        diag_error(c->src, c->stmt_pos, "%s statements are not supported", words);
        free(words);
    }
    return -1;
}

int parse_sql(gen_model *m, const source *src)
{
    PgQuery__ParseResult *tree = parse_tree(src);
    ctx c = {m, src, 0, 0, 1, 1, NULL};
    int rc = 0;

    if (!tree)
        return -1;
    for (size_t i = 0; i < tree->n_stmts && rc == 0; i++) {
        const PgQuery__RawStmt *raw = tree->stmts[i];
        c.stmt_pos = skip_space(src, raw->stmt_location);
        rc = replay(&c, raw->stmt);
    }
    /* A file is a psql session: its temporary relations end with it */
    for (size_t i = m->nrels; i-- > 0;)
        if (strcmp(m->rels[i]->schema, "pg_temp") == 0)
            model_remove_rel(m, i);
    pg_query__parse_result__free_unpacked(tree, NULL);
    return rc;
}

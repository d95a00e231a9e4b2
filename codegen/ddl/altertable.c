/* blogdb-gen, DDL replay: ALTER TABLE (PostgreSQL: tablecmds.c, ATExecCmd). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- ALTER TABLE ------------------------------------------------------------ */

void remove_index_at(gen_model *m, gen_relation *r, size_t x)
{
    release_name(m, r->schema, r->indexes[x].name);
    gen_index_free(&r->indexes[x]);
    memmove(&r->indexes[x], &r->indexes[x + 1], (r->nindexes - x - 1) * sizeof *r->indexes);
    r->nindexes--;
}

/* A table that inherits from r (INHERITS), or NULL. */
const gen_relation *inheritance_child(const gen_model *m, const gen_relation *r)
{
    char *key = xstrfmt("%s\x1f%s", r->schema, r->name);
    const gen_relation *found = NULL;
    for (size_t i = 0; i < m->nrels && !found; i++)
        if (m->rels[i]->inherits && m->rels[i]->ndeps && strcmp(m->rels[i]->deps[0], key) == 0)
            found = m->rels[i];
    free(key);
    return found;
}

void remove_check_at(gen_relation *r, size_t k)
{
    gen_check_free(&r->checks[k]);
    memmove(&r->checks[k], &r->checks[k + 1], (r->nchecks - k - 1) * sizeof *r->checks);
    r->nchecks--;
}

void remove_fkey_at(gen_relation *r, size_t f)
{
    gen_fkey_free(&r->fkeys[f]);
    memmove(&r->fkeys[f], &r->fkeys[f + 1], (r->nfkeys - f - 1) * sizeof *r->fkeys);
    r->nfkeys--;
}

static void drop_primary_key(gen_relation *r)
{
    strv_free(r->primary_key, r->npk);
    r->primary_key = NULL;
    r->npk = 0;
}

/* A foreign key of another table that references columns of r (col NULL: any). */
const gen_fkey *referencing_fkey(const gen_model *m, const gen_relation *r, const char *col,
                                        const gen_relation **from)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t f = 0; f < m->rels[i]->nfkeys; f++) {
            const gen_fkey *k = &m->rels[i]->fkeys[f];
            if (strcmp(k->ref_schema, r->schema) == 0 && strcmp(k->ref_table, r->name) == 0 &&
                (!col || strv_has(k->ref_columns, k->ncolumns, col)) && m->rels[i] != r) {
                *from = m->rels[i];
                return k;
            }
        }
    return NULL;
}

static int drop_column(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    int ci = rel_find_column(r, cmd->name);
    bool cascade = cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    const gen_relation *from, *view;
    if (ci < 0) {
        if (cmd->missing_ok)
            return 0;
        FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", cmd->name, r->name);
    }
    if ((view = dependent_view(c->m, r, cmd->name)) && !cascade)
        FAIL(c, c->stmt_pos, "cannot drop column %s of table %s because view %s depends on it", cmd->name, r->name,
             view->name);
    if (view)
        FAIL(c, c->stmt_pos, "DROP COLUMN ... CASCADE onto views is not supported");
    if (referencing_fkey(c->m, r, cmd->name, &from) && !cascade)
        FAIL(c, c->stmt_pos, "cannot drop column %s of table %s because other objects depend on it", cmd->name,
             r->name);
    for (size_t i = 0; i < c->m->nrels; i++) /* CASCADE: the foreign keys that reference it go */
        for (size_t f = 0; f < c->m->rels[i]->nfkeys;) {
            gen_fkey *k = &c->m->rels[i]->fkeys[f];
            if (c->m->rels[i] != r && strcmp(k->ref_schema, r->schema) == 0 && strcmp(k->ref_table, r->name) == 0 &&
                strv_has(k->ref_columns, k->ncolumns, cmd->name))
                remove_fkey_at(c->m->rels[i], f);
            else
                f++;
        }
    /* Indexes and constraints on the column go with it, as in PostgreSQL: an index that has it as a
     * key, an INCLUDE column, in an expression or its WHERE; a CHECK that reads it. */
    for (size_t k = 0; k < r->nchecks;) {
        if (strv_has(r->checks[k].uses, r->checks[k].nuses, cmd->name))
            remove_check_at(r, k);
        else
            k++;
    }
    for (size_t x = 0; x < r->nindexes;) {
        if (strv_has(r->indexes[x].columns, r->indexes[x].ncolumns, cmd->name) ||
            strv_has(r->indexes[x].uses, r->indexes[x].nuses, cmd->name)) {
            if (r->indexes[x].primary)
                drop_primary_key(r);
            remove_index_at(c->m, r, x);
        } else {
            x++;
        }
    }
    for (size_t f = 0; f < r->nfkeys;) {
        if (strv_has(r->fkeys[f].columns, r->fkeys[f].ncolumns, cmd->name) ||
            (rel_key_is(r, r->fkeys[f].ref_schema, r->fkeys[f].ref_table) &&
             strv_has(r->fkeys[f].ref_columns, r->fkeys[f].ncolumns, cmd->name)))
            remove_fkey_at(r, f);
        else
            f++;
    }
    free(r->columns[ci].name);
    free(r->columns[ci].type.sql);
    free(r->columns[ci].comment);
    memmove(&r->columns[ci], &r->columns[ci + 1], (r->ncolumns - (size_t)ci - 1) * sizeof *r->columns);
    r->ncolumns--;
    return 0;
}

static int drop_constraint(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    for (size_t x = 0; x < r->nindexes; x++)
        if (r->indexes[x].constraint && strcmp(r->indexes[x].name, cmd->name) == 0) {
            if (r->indexes[x].primary) {
                const gen_relation *from;
                if (referencing_fkey(c->m, r, NULL, &from) && cmd->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    FAIL(c, c->stmt_pos, "cannot drop constraint %s on table %s because other objects depend on it",
                         cmd->name, r->name);
                drop_primary_key(r);
            }
            remove_index_at(c->m, r, x);
            return 0;
        }
    for (size_t f = 0; f < r->nfkeys; f++)
        if (strcmp(r->fkeys[f].name, cmd->name) == 0) {
            remove_fkey_at(r, f);
            return 0;
        }
    for (size_t k = 0; k < r->nchecks; k++)
        if (strcmp(r->checks[k].name, cmd->name) == 0) {
            remove_check_at(r, k);
            return 0;
        }
    if (cmd->missing_ok)
        return 0;
    FAIL(c, c->stmt_pos, "constraint \"%s\" of relation \"%s\" does not exist", cmd->name, r->name);
}

static gen_column *cmd_column(ctx *c, gen_relation *r, const char *name)
{
    int ci = rel_find_column(r, name);
    if (ci < 0) {
        diag_error(c->src, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
        return NULL;
    }
    return &r->columns[ci];
}

static int alter_column_type(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    gen_column *col = cmd_column(c, r, cmd->name);
    const gen_relation *view;
    gen_type t;
    if (!col)
        return -1;
    if ((view = dependent_view(c->m, r, cmd->name)))
        FAIL(c, c->stmt_pos, "cannot alter type of a column used by a view or rule (view %s)", view->name);
    if (resolve_type(c, cmd->def->column_def->type_name, &t, NULL) != 0)
        return -1;
    free(col->type.sql);
    col->type = t;
    return 0;
}

/* ALTER TABLE actions that carry no shape for clients (owner, storage, triggers, RLS switches...). */
static bool no_shape_cmd(PgQuery__AlterTableType t)
{
    switch (t) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
        return true;
    default:
        return false;
    }
}

int do_alter_table(ctx *c, const PgQuery__AlterTableStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    size_t ri;
    if (!r) {
        bool harmless = true;
        for (size_t i = 0; i < s->n_cmds; i++)
            harmless &= no_shape_cmd(s->cmds[i]->alter_table_cmd->subtype);
        /* pg_dump writes ALTER TABLE ... OWNER TO for sequences, which are not modeled. */
        if (s->missing_ok || harmless)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    }
    ri = model_rel_index(c->m, r);
    if (inheritance_child(c->m, r)) /* PostgreSQL would change the children's columns too */
        for (size_t i = 0; i < s->n_cmds; i++)
            if (!no_shape_cmd(s->cmds[i]->alter_table_cmd->subtype) &&
                s->cmds[i]->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint &&
                s->cmds[i]->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint)
                FAIL(c, c->stmt_pos, "ALTER TABLE %s: table %s inherits from it, and changing the columns of both is "
                                     "not supported yet", r->name, inheritance_child(c->m, r)->name);
    for (size_t i = 0; i < s->n_cmds; i++) {
        const PgQuery__AlterTableCmd *cmd = s->cmds[i]->alter_table_cmd;
        gen_column *col;
        r = c->m->rels[ri];
        switch (cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
            if (add_constraint(c, r, cmd->def->constraint, NULL) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
            set_owner(c, r, cmd->newowner);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
            PgQuery__Constraint **later = NULL;
            size_t nlater = 0;
            int rc;
            if (cmd->missing_ok && rel_find_column(r, cmd->def->column_def->colname) >= 0)
                break;
            rc = add_column(c, r, cmd->def->column_def, &later, &nlater);
            for (size_t k = 0; k < nlater && rc == 0; k++)
                rc = add_constraint(c, r, later[k], cmd->def->column_def->colname);
            free(later);
            if (rc != 0)
                return -1;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
            if (drop_column(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
            if (alter_column_type(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            col->not_null = true;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (strv_has(r->primary_key, r->npk, cmd->name))
                FAIL(c, c->stmt_pos, "column \"%s\" is in a primary key", cmd->name);
            if (col->identity)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is an identity column", cmd->name, r->name);
            col->not_null = false;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (col->identity && cmd->def)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is an identity column", cmd->name, r->name);
            if (col->generated)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is a generated column", cmd->name, r->name);
            col->has_default = cmd->def != NULL;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (!col->not_null)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" must be declared NOT NULL before identity can be added",
                     cmd->name, r->name);
            if (col->identity || col->has_default)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" already has a default or identity", cmd->name,
                     r->name);
            {
                const PgQuery__Constraint *k = cmd->def->constraint;
                col->identity = k->generated_when && *k->generated_when == 'd' ? 'd' : 'a';
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            col->identity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
            if (drop_constraint(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: {
            const PgQuery__PartitionCmd *pc = cmd->def->partition_cmd;
            gen_relation *part = find_rv(c, pc->name);
            if (!part)
                FAIL(c, pc->name->location, "relation \"%s\" does not exist", pc->name->relname);
            if (r->kind != REL_PARTITIONED && s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
                FAIL(c, c->stmt_pos, "table \"%s\" is not partitioned", r->name);
            part->is_partition = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition;
            if (part->is_partition && part->ndeps == 0)
                add_dep(part, c->m->rels[ri], NULL);
            break;
        }
            break;
        default:
            if (!no_shape_cmd(cmd->subtype))
                FAIL(c, c->stmt_pos, "this ALTER TABLE action is not supported yet");
        }
    }
    return 0;
}

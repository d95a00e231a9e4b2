/* blogdb-gen: the DDL replay (codegen/ddl/), one file per statement family as in PostgreSQL's
 * src/backend/commands: what the files share, grouped by the file that defines it. */
#ifndef BLOGDB_GEN_DDL_H
#define BLOGDB_GEN_DDL_H

#include "../parse.h"

#define NAMEDATALEN 64

/* ---- nodes.c: small tree helpers ---- */

char *stmt_words(const Node *n);
char **strv_dup(char *const *v, size_t n);

/* ---- namespace.c: schemas and the search path ---- */

bool schema_exists(const gen_model *m, const char *s);
const char *target_schema(ctx *c, const char *explicit_schema, int loc);
gen_relation *lookup_rel(ctx *c, const char *schema, const char *name);
const char *relation_schema(ctx *c, const PgQuery__RangeVar *rv);

int do_set_schema(ctx *c, const PgQuery__AlterObjectSchemaStmt *s);

/* ---- privileges.c: GRANT, REVOKE, default privileges, owners ---- */

int do_grant(ctx *c, const PgQuery__GrantStmt *s);
int do_grant_role(ctx *c, const PgQuery__GrantRoleStmt *s);
int do_alter_default_privileges(ctx *c, const PgQuery__AlterDefaultPrivilegesStmt *s);
/* A new relation's owner (the current role) and the default privileges that apply to it. */
void apply_default_privileges(ctx *c, gen_relation *r);
/* ALTER TABLE / VIEW / MATERIALIZED VIEW ... OWNER TO role. */
int set_owner(ctx *c, gen_relation *r, const PgQuery__RoleSpec *role);
/* ALTER VIEW / MATERIALIZED VIEW ... OWNER TO (their other actions carry no shape). */
int do_alter_view_owner(ctx *c, const PgQuery__AlterTableStmt *s);
/* SET ROLE name / RESET ROLE / SET ROLE NONE. */
int do_set_role(ctx *c, const PgQuery__VariableSetStmt *s);

/* funccmds.c: the schema's own functions */
int do_create_function(ctx *c, const PgQuery__CreateFunctionStmt *s);
void drop_function(ctx *c, const PgQuery__ObjectWithArgs *o);
/* The enum / domain named (schema, name), through the search path when schema is NULL, or NULL;
 * *pos (when pos is not NULL) gets its position in the model's vector. */
gen_enum *find_enum(ctx *c, const char *schema, const char *name, size_t *pos);
gen_domain *find_domain(ctx *c, const char *schema, const char *name, size_t *pos);
gen_composite *find_composite(ctx *c, const char *schema, const char *name, size_t *pos);
/* The enum, domain or composite type named (schema, name), or NULL; *schema_slot and *name_slot
 * get where its schema and name are kept (to move or rename it). */
const void *find_any_type(ctx *c, const char *schema, const char *name, char ***schema_slot, char ***name_slot);
int do_create_composite(ctx *c, const PgQuery__CompositeTypeStmt *s);
bool has_extension(const gen_model *m, const char *name, const char **schema_out);

/* ---- types.c: types ---- */

void put_type_name(strbuf *sb, const char *schema, const char *name);

/* ---- names.c: implicit names (PostgreSQL's makeObjectName / ChooseRelationName) ---- */

typedef enum name_space { NS_RELATION, NS_CONSTRAINT, NS_BOTH } name_space;
char *choose_name(const gen_model *m, const char *schema, const char *name1, const char *name2, const char *label,
                  name_space ns);
char *join_names(char *const *cols, size_t n);

/* ---- tablecmds.c: CREATE TABLE, CREATE INDEX ---- */

gen_relation *new_relation(ctx *c, const char *schema, const char *name, rel_kind kind);
const gen_relation *dependent_view(const gen_model *m, const gen_relation *r, const char *col);
bool rel_key_is(const gen_relation *r, const char *schema, const char *name);
int add_constraint(ctx *c, gen_relation *r, const PgQuery__Constraint *k, const char *colname);
int add_column(ctx *c, gen_relation *r, const PgQuery__ColumnDef *cd, PgQuery__Constraint ***later, size_t *nlater);
int do_create_table(ctx *c, const PgQuery__CreateStmt *s);
int do_create_index(ctx *c, const PgQuery__IndexStmt *s);

/* ---- typecmds.c: enums and domains ---- */

bool type_name_taken(ctx *c, const char *schema, const char *name);
int do_create_enum(ctx *c, const PgQuery__CreateEnumStmt *s);
int do_alter_enum(ctx *c, const PgQuery__AlterEnumStmt *s);
int do_create_domain(ctx *c, const PgQuery__CreateDomainStmt *s);
/* Re-spells the type of every column of enum `en` (or, when en is NULL, of domain `dom`) after a rename. */
void respell_columns(gen_model *m, const void *def);
/* A column whose type is enum `en` (or, when en is NULL, domain `dom`), or NULL; *rel gets its relation. */
const gen_column *type_user(const gen_model *m, const gen_enum *en, const gen_domain *dom, const gen_relation **rel);

/* ---- comment.c: COMMENT ON ---- */

int do_comment(ctx *c, const PgQuery__CommentStmt *s);

/* ---- altertable.c: ALTER TABLE ---- */

void remove_index_at(gen_model *m, gen_relation *r, size_t x);
void remove_fkey_at(gen_relation *r, size_t f);
void remove_check_at(gen_relation *r, size_t k);

/* constraints.c */
gen_index *add_index(ctx *c, gen_relation *r, char *name, char **cols, size_t n, bool unique, bool primary);
void set_primary_key(gen_relation *r, char *const *cols, size_t n);
/* Adds the columns of r that expression e reads to names[0..n), each once. */
void expr_columns(const gen_relation *r, const Node *e, char ***names, size_t *n);
const gen_relation *inheritance_child(const gen_model *m, const gen_relation *r);
const gen_fkey *referencing_fkey(const gen_model *m, const gen_relation *r, const char *col, const gen_relation **from);
int do_alter_table(ctx *c, const PgQuery__AlterTableStmt *s);

/* ---- rename.c: RENAME ---- */

gen_index *find_index(gen_model *m, const char *schema, const char *name, gen_relation **owner);
int do_rename(ctx *c, const PgQuery__RenameStmt *s);

/* ---- dropcmds.c: DROP ---- */

int do_drop(ctx *c, const PgQuery__DropStmt *s);

/* ---- view.c: views, materialized views, CREATE TABLE AS ---- */

int create_from_query(ctx *c, const PgQuery__RangeVar *rv, const Node *query, Node **aliases, size_t naliases, rel_kind kind, bool replace, bool if_not_exists);
int do_create_table_as(ctx *c, const PgQuery__CreateTableAsStmt *s);

/* ---- replay.c: session statements ---- */

int do_set(ctx *c, const PgQuery__VariableSetStmt *s);
int do_select(ctx *c, const Node *st);
int do_create_schema(ctx *c, const PgQuery__CreateSchemaStmt *s);
int do_create_extension(ctx *c, const PgQuery__CreateExtensionStmt *s);

#endif

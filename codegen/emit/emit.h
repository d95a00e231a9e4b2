/* blogdb-gen stage 3, the emitter (codegen/emit/): model -> C. Per relation: a row struct, static
 * descriptor tables, and thin typed wrappers over the runtime's blogdb_rt_*() functions.
 * What the emitter's files share, grouped by the file that defines it. */
#ifndef BLOGDB_GEN_EMIT_H
#define BLOGDB_GEN_EMIT_H

#include "../gen.h"

typedef struct emitter {
    const gen_model *model;
    const char *prefix; /* lower case: blogdb */
    char *PREFIX;       /* upper case: BLOGDB */
    strbuf *hdr, *impl; /* the header and the implementation being written */
    namereg *names;     /* every public name made so far (both files of a prefix) */
    namereg statics;    /* the file-local (static) names of the .c file being written */
    const char *owner;  /* what is being emitted ("table public.users"), for clash messages */
    const char *where;  /* its file:line:col */
} emitter;

/* ---- decl.c: public names ---- */

/* Records a public name (type, function, macro, enum constant) of the generated header as e->owner's;
 * a name made twice is reported (FILE:LINE:COL: error: ... made by both) and marks the registry. */
void claim(emitter *e, const char *name);
/* claim() of a name made with a format ("%s_%s_COUNT"). */
void claimf(emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* claimf() of a file-local name of the .c file (a static, a struct tag): names made of an id and a
 * suffix ("load" + "_copy_row", "load_copy" + "_row") can meet, and are reported as public ones are. */
void claim_static(emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- per-relation emission --------------------------------------------------- */

typedef struct relinfo {
    const gen_relation *r;
    char *id;        /* users */
    char *ID;        /* USERS */
    char **fields;   /* C field name per column */
    int *pk;         /* primary key column indexes */
    size_t npk;
    unsigned calls;  /* CALL_* bits: what the bindings' role (--role) may call; CALL_ALL without one */
} relinfo;

/* What a role's privileges let it call on a relation (emit.c's relation_calls). */
enum {
    CALL_READ = 1 << 0,    /* get_by, list, each, count: SELECT on every column */
    CALL_INSERT = 1 << 1,  /* insert, copy_in: INSERT on every writable column */
    CALL_UPDATE = 1 << 2,  /* update, update_fields: UPDATE on the others, SELECT on the key */
    CALL_DELETE = 1 << 3,  /* delete: DELETE, SELECT on the key */
    CALL_REFRESH = 1 << 4, /* a materialized view's refresh: its owner */
    CALL_ALL = (1 << 5) - 1
};

/* A keyset-paginated list: WHERE <eq cols> [range col] ORDER BY <order> LIMIT, plus an "after" variant. */
typedef struct list_spec {
    const char *suffix;   /* "" | "_by_user_id" | "_by_created_at_range" */
    const int *eq;        /* equality columns */
    size_t neq;
    int range;            /* range column or -1 */
    const int *order;     /* keyset order = tie-broken ordering */
    size_t norder;
    uint64_t desc;        /* bit i: order[i] is DESC */
    const char *doc;
} list_spec;

/* ---- ctypes.c: C names and C types of SQL names and types ---- */

char *c_ident(const char *name);
char *upper(const char *s);
char *object_ident(const char *schema, const char *name);
void put_qualified(strbuf *sb, const char *schema, const char *name);
void put_cstr(strbuf *sb, const char *s);
void put_comment_text(strbuf *sb, const char *s);
const char *rt_type(ctype ct);
char *c_type(const emitter *e, const gen_type *t);
bool is_pointer_type(const gen_type *t);
/* A type without a binary C shape (tsvector, money, xml, a range, an extension's...): a string, sent
 * and read in its text form (BLOGDB_RT_TEXT_IO). Arrays of them have no mapping. */
bool text_io(const gen_type *t);
void put_decl(strbuf *sb, const char *type, const char *name, bool input);
const char *kind_words(rel_kind k);
void relinfo_free(relinfo *ri);

/* ---- sql.c: the SQL text of generated queries (select lists, keys, keyset pagination) ---- */

void emit_query(emitter *e, const relinfo *ri, const char *qname, const char *tail_or_sql, bool whole, const int *params, size_t nparams, const char *result);
void where_eq(strbuf *sb, const gen_relation *r, const int *cols, size_t n, int *next);
void keyset_after(strbuf *sb, const gen_relation *r, const int *cols, size_t n, uint64_t desc, int *next);
void order_by(strbuf *sb, const gen_relation *r, const int *cols, size_t n, uint64_t desc);
void key_params(const emitter *e, const relinfo *ri, strbuf *sb, const int *cols, size_t n);
void key_arg(strbuf *sb, const relinfo *ri, int col);
char *by_name(const relinfo *ri, const int *cols, size_t n);

/* ---- rowtypes.c: row structs, column descriptors and column bits ---- */

void emit_row_struct(emitter *e, const relinfo *ri);
void emit_descriptors(emitter *e, const relinfo *ri);
/* The adapter through which a typed row producer (<p>_<id>_next_fn) reaches blogdb_rt_copy_in():
 * struct <id>_copy_ctx and <id>_copy_row, never a cast function pointer. */
void emit_copy_adapter(emitter *e, const char *id);
/* The static blogdb_rt_column array `name`: columns laid out in struct row_type (fields[i] is
 * column i's C field; pk the key columns). */
void emit_column_array(emitter *e, const char *name, const char *row_type, const gen_column *cols, size_t n,
                       char *const *fields, const int *pk, size_t npk);
/* Whether a relation has more than 64 columns: its column sets are then a <p>_<id>_column_set struct
 * of words (BLOGDB_COLUMNS_ADD, *_COLNO numbers), not uint64_t bit masks. */
bool rel_wide(const relinfo *ri);
/* Prints the words of a column set of n columns (in[i]: column i is in it) as `{0x...u, ...}`. */
void put_column_words(strbuf *sb, const bool *in, size_t n);
/* The column bits (or numbers), the columns type of a wide table, and ALL/KEY/READONLY_COLUMNS. */
void emit_column_bits(emitter *e, const relinfo *ri);

/* ---- emit.c: enums, the schema check, the files ---- */

/* The static label array and blogdb_rt_enum `<id>_enum` of an enum. */
void emit_enum_descriptor(emitter *e, const gen_enum *en);

/* ---- decl.c: declarations: prototypes and their doc blocks (every parameter documented) ---- */

void emit_proto(emitter *e, const char *doc, const char *ret_and_name, const char *params);
void emit_free_fns(emitter *e, const relinfo *ri);

/* ---- tablefns.c: the functions of a table or view: get, list, each, copy, insert, update, delete, count ---- */

void emit_table_fns(emitter *e, const relinfo *ri);
void emit_view_fns(emitter *e, const relinfo *ri);

#endif

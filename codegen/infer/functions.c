/* blogdb-gen, query typing: the function table (result types and typmod rules) and function calls. */
#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Functions by result type: the same as argument n ("=0"), fixed ("text"), or special. */
static const struct fn {
    const char *name;
    const char *result; /* "=0": type of the first argument; "[]0": array of it; NULL: special */
    char nulls;         /* 'n' never NULL, 's' strict (NULL iff an argument is), 'a' aggregate (may be NULL) */
} functions[] = {
    {"count", "bigint", 'n'}, {"row_number", "bigint", 'n'}, {"rank", "bigint", 'n'}, {"dense_rank", "bigint", 'n'},
    {"ntile", "integer", 's'}, {"min", "=0", 'a'}, {"max", "=0", 'a'}, {"sum", NULL, 'a'}, {"avg", NULL, 'a'},
    {"array_agg", "[]0", 'a'}, {"string_agg", "text", 'a'}, {"bool_and", "boolean", 'a'},
    {"bool_or", "boolean", 'a'}, {"every", "boolean", 'a'}, {"json_agg", "json", 'a'}, {"jsonb_agg", "jsonb", 'a'},
    {"json_object_agg", "json", 'a'}, {"jsonb_object_agg", "jsonb", 'a'}, {"lag", "=0", 'a'}, {"lead", "=0", 'a'},
    {"first_value", "=0", 'a'}, {"last_value", "=0", 'a'},
    {"now", "timestamp with time zone", 'n'}, {"statement_timestamp", "timestamp with time zone", 'n'},
    {"clock_timestamp", "timestamp with time zone", 'n'}, {"transaction_timestamp", "timestamp with time zone", 'n'},
    {"to_timestamp", "timestamp with time zone", 's'}, {"date_trunc", NULL, 's'}, {"date_part", "double precision", 's'},
    {"extract", "numeric", 's'}, {"age", "interval", 's'}, {"make_interval", "interval", 's'},
    {"lower", "text", 's'}, {"upper", "text", 's'}, {"initcap", "text", 's'}, {"btrim", "text", 's'},
    {"ltrim", "text", 's'}, {"rtrim", "text", 's'}, {"trim", "text", 's'}, {"substr", "text", 's'},
    {"substring", "text", 's'}, {"replace", "text", 's'}, {"left", "text", 's'}, {"right", "text", 's'},
    {"md5", "text", 's'}, {"repeat", "text", 's'}, {"lpad", "text", 's'}, {"rpad", "text", 's'},
    {"reverse", "text", 's'}, {"to_char", "text", 's'}, {"split_part", "text", 's'}, {"translate", "text", 's'},
    {"regexp_replace", "text", 's'}, {"concat", "text", 'n'}, {"concat_ws", "text", 'n'}, {"format", "text", 'n'},
    {"quote_ident", "text", 's'}, {"quote_literal", "text", 's'}, {"encode", "text", 's'}, {"decode", "bytea", 's'},
    {"length", "integer", 's'}, {"char_length", "integer", 's'}, {"octet_length", "integer", 's'},
    {"position", "integer", 's'}, {"strpos", "integer", 's'}, {"array_length", "integer", 'a'},
    {"cardinality", "integer", 's'}, {"abs", "=0", 's'}, {"ceil", "=0", 's'}, {"ceiling", "=0", 's'},
    {"floor", "=0", 's'}, {"round", NULL, 's'}, {"trunc", NULL, 's'}, {"mod", "=0", 's'},
    {"sqrt", NULL, 's'}, {"random", "double precision", 'n'}, {"gen_random_uuid", "uuid", 'n'},
    {"uuid_generate_v4", "uuid", 'n'}, {"uuid_generate_v1", "uuid", 'n'}, {"to_json", "json", 's'},
    {"to_jsonb", "jsonb", 's'}, {"json_build_object", "json", 'n'}, {"jsonb_build_object", "jsonb", 'n'},
    {"json_build_array", "json", 'n'}, {"jsonb_build_array", "jsonb", 'n'}, {"row_to_json", "json", 's'},
    {"jsonb_typeof", "text", 's'}, {"json_typeof", "text", 's'}, {"current_setting", "text", 's'},
    {"pg_typeof", "regtype", 's'}, {"nextval", "bigint", 'n'}, {"currval", "bigint", 'n'},
    {"to_date", "date", 's'}, {"to_number", "numeric", 's'}, {"timezone", NULL, 's'},
    {"power", NULL, 's'}, {"pow", NULL, 's'}, {"exp", NULL, 's'}, {"ln", NULL, 's'}, {"log", NULL, 's'},
    {"log10", NULL, 's'}, {"cbrt", "double precision", 's'}, {"pi", "double precision", 'n'},
    {"sign", "=0", 's'}, {"array_to_string", "text", 's'}, {"string_to_array", "text[]", 's'},
    {"array_append", "=0", 's'}, {"array_cat", "=0", 'a'}, {"array_remove", "=0", 's'},
    {"array_replace", "=0", 's'}, {"array_prepend", "=1", 's'}, {"array_position", "integer", 'a'},
    {"array_upper", "integer", 'a'}, {"array_lower", "integer", 'a'}, {"array_ndims", "integer", 'a'},
    {"unnest", "el0", 'a'}, {"regexp_split_to_array", "text[]", 's'}, {"starts_with", "boolean", 's'},
    {"chr", "text", 's'}, {"ascii", "integer", 's'}, {"bit_length", "integer", 's'}, {"to_hex", "text", 's'},
    {"sha256", "bytea", 's'}, {"jsonb_array_length", "integer", 's'}, {"json_array_length", "integer", 's'},
    {"jsonb_extract_path_text", "text", 's'}, {"json_extract_path_text", "text", 's'},
    {"jsonb_strip_nulls", "jsonb", 's'}, {"jsonb_set", "jsonb", 's'}, {"jsonb_pretty", "text", 's'},
    {"date_bin", "=1", 's'}, {"make_date", "date", 's'}, {"make_timestamp", "timestamp without time zone", 's'},
    {"justify_interval", "interval", 's'}, {"isfinite", "boolean", 's'}, {"num_nulls", "integer", 'n'},
    {"num_nonnulls", "integer", 'n'}, {"variance", NULL, 'a'},
    {"stddev", NULL, 'a'}, {"percentile_cont", "double precision", 'a'}, {"mode", "=0", 'a'},
};

/* What PostgreSQL's overload resolution makes of an untyped argument (a query's parameter), per
 * function: alternatives by arity separated by '|', argument types by ','; an empty type is left
 * open by the overloads (the parameter then needs a cast); "..." ends a variadic list; a leading
 * '~' means trailing arguments have defaults. `names` are the argument names, for name => value. */
static const struct fn_args {
    const char *name;
    const char *args;
    const char *names;
} fn_args[] = {
    {"lower", "text", NULL}, {"upper", "text", NULL}, {"initcap", "text", NULL}, {"md5", "text", NULL},
    {"reverse", "text", NULL}, {"quote_ident", "text", NULL}, {"quote_literal", "text", NULL},
    {"btrim", "text|text,text", NULL}, {"ltrim", "text|text,text", NULL}, {"rtrim", "text|text,text", NULL},
    {"trim", "text|text,text", NULL}, {"substr", "text,integer|text,integer,integer", NULL},
    {"substring", "text,integer|text,integer,integer", NULL}, {"replace", "text,text,text", NULL},
    {"translate", "text,text,text", NULL}, {"left", "text,integer", NULL}, {"right", "text,integer", NULL},
    {"repeat", "text,integer", NULL}, {"lpad", "text,integer|text,integer,text", NULL},
    {"rpad", "text,integer|text,integer,text", NULL}, {"split_part", "text,text,integer", NULL},
    {"regexp_replace", "text,text,text|text,text,text,text", NULL}, {"strpos", "text,text", NULL},
    {"position", "text,text", NULL}, {"length", "text", NULL}, {"char_length", "text", NULL},
    {"octet_length", "text", NULL}, {"to_char", ",text", NULL}, {"to_timestamp", "double precision|text,text", NULL},
    {"to_date", "text,text", NULL}, {"to_number", "text,text", NULL}, {"date_part", "text,", NULL},
    {"encode", "bytea,text", NULL}, {"decode", "text,text", NULL}, {"current_setting", "text|text,boolean", NULL},
    {"concat_ws", "text,...", NULL}, {"format", "text,...", NULL}, {"array_length", ",integer", NULL},
    {"make_interval", "~integer,integer,integer,integer,integer,integer,double precision",
     "years,months,weeks,days,hours,mins,secs"},
};

/* Item k of the comma-separated list [list, list + len) into buf; NULL when there is none. */
static const char *list_item(const char *list, size_t len, size_t k, char *buf, size_t bufsize)
{
    const char *p = list, *end = list + len, *comma;
    size_t n;
    for (size_t i = 0; i < k; i++) {
        if (!(comma = memchr(p, ',', (size_t)(end - p))))
            return NULL;
        p = comma + 1;
    }
    comma = memchr(p, ',', (size_t)(end - p));
    n = (size_t)((comma ? comma : end) - p);
    if (n >= bufsize)
        return NULL;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

const char *function_arg_type(const PgQuery__FuncCall *f, const char *arg_name, size_t i, size_t nargs, char *buf,
                              size_t bufsize)
{
    const char *fname = node_str(f->funcname[f->n_funcname - 1]);
    const struct fn_args *fa = NULL;
    for (size_t k = 0; fname && k < sizeof fn_args / sizeof fn_args[0]; k++)
        if (strcmp(fn_args[k].name, fname) == 0)
            fa = &fn_args[k];
    if (!fa)
        return NULL;
    if (arg_name) { /* name => value: its position among the names */
        size_t pos = 0, len = strlen(arg_name);
        const char *p = fa->names;
        for (; p && *p; pos++) {
            if (strncmp(p, arg_name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
                break;
            p = strchr(p, ',');
            p = p ? p + 1 : NULL;
        }
        if (!p || !*p)
            return NULL;
        i = pos;
        nargs = 0; /* the rest have defaults */
    }
    for (const char *alt = fa->args; alt;) {
        const char *bar = strchr(alt, '|');
        size_t len = bar ? (size_t)(bar - alt) : strlen(alt), n = 1;
        bool defaults = *alt == '~', variadic = len >= 3 && strncmp(alt + len - 3, "...", 3) == 0;
        const char *list = alt + defaults;
        size_t llen = len - defaults;
        for (size_t k = 0; k < llen; k++)
            n += list[k] == ',';
        if (nargs == n || (defaults && nargs <= n) || (variadic && nargs >= n - 1)) {
            const char *t = i < n && !(variadic && i >= n - 1) ? list_item(list, llen, i, buf, bufsize) : NULL;
            return t && *t ? t : NULL;
        }
        alt = bar ? bar + 1 : NULL;
    }
    return NULL;
}

/* The table's entry for a call's function (the last one of that name), or NULL. */
static const struct fn *find_fn(const PgQuery__FuncCall *f)
{
    const char *fname = node_str(f->funcname[f->n_funcname - 1]);
    const struct fn *fn = NULL;
    for (size_t i = 0; fname && i < sizeof functions / sizeof functions[0]; i++)
        if (strcmp(functions[i].name, fname) == 0)
            fn = &functions[i];
    return fn;
}

bool function_known(const PgQuery__FuncCall *f)
{
    return find_fn(f) != NULL;
}

int type_function(ctx *c, const PgQuery__FuncCall *f, texpr *args, size_t nargs, texpr *out)
{
    const char *fname = node_str(f->funcname[f->n_funcname - 1]);
    const struct fn *fn = find_fn(f);
    bool all_nn = true;
    int rc = 0;

    for (size_t i = 0; i < nargs; i++)
        all_nn &= args[i].not_null;
    memset(out, 0, sizeof *out);
    if (fn->result && strcmp(fn->result, "=0") == 0) {
        if (!nargs) {
            diag_error(c->src, f->location, "function %s needs an argument", fname);
            rc = -1;
        } else {
            out->t = type_copy(&args[0].t);
            out->unknown = args[0].unknown;
            strip_typmod(&out->t);
            if ((strcmp(fname, "min") == 0 || strcmp(fname, "max") == 0) && !out->t.is_array &&
                strcmp(out->t.sql, "character varying") == 0) {
                free(out->t.sql);
                out->t.sql = xstrdup("text"); /* there is no max(varchar): it is max(text) */
            }
        }
    } else if (fn->result && strcmp(fn->result, "[]0") == 0 && nargs) {
        out->t = type_copy(&args[0].t);
        if (!out->t.is_array) {
            char *sql = xstrfmt("%s[]", args[0].unknown ? "text" : out->t.sql);
            free(out->t.sql);
            out->t.sql = sql;
            out->t.is_array = true;
        }
    } else if (fn->result && (strcmp(fn->result, "=1") == 0 || strcmp(fn->result, "el0") == 0)) {
        /* the second argument's type (array_prepend(x, arr), date_bin(i, ts, origin)), or the
         * element type of the first (unnest(arr)) */
        bool second = fn->result[0] == '=';
        if (second ? nargs < 2 : !nargs || !args[0].t.is_array) {
            diag_error(c->src, f->location, "cannot infer the type of %s(%s); add a cast (expr::type)", fname,
                       nargs ? args[0].t.sql : "");
            rc = -1;
        } else {
            out->t = type_copy(&args[second ? 1 : 0].t);
            strip_typmod(&out->t);
            if (!second)
                to_element(&out->t);
        }
    } else if (fn->result) {
        out->t = builtin_type(fn->result);
    } else if (!nargs) {
        diag_error(c->src, f->location, "function %s needs an argument", fname);
        rc = -1;
    } else if (strcmp(fname, "sum") == 0 || strcmp(fname, "avg") == 0) {
        int rank = numeric_rank(&args[0].t);
        const char *res = args[0].t.ct == CT_INTERVAL ? "interval" : NULL;
        if (!res && rank)
            res = strcmp(fname, "sum") == 0 ? (rank <= 2 ? "bigint" : rank <= 4 ? "numeric" : numeric_name(rank))
                                            : (rank <= 4 ? "numeric" : "double precision");
        if (res) {
            out->t = builtin_type(res);
        } else {
            diag_error(c->src, f->location, "cannot infer %s(%s); add a cast (expr::type)", fname, args[0].t.sql);
            rc = -1;
        }
    } else if (strcmp(fname, "power") == 0 || strcmp(fname, "pow") == 0 || strcmp(fname, "exp") == 0 ||
               strcmp(fname, "ln") == 0 || strcmp(fname, "log") == 0 || strcmp(fname, "log10") == 0 ||
               strcmp(fname, "sqrt") == 0 || strcmp(fname, "variance") == 0 || strcmp(fname, "stddev") == 0) {
        /* numeric when an argument is numeric (or, for the aggregates, an integer), else double precision */
        bool numeric = false, aggregate = strcmp(fname, "variance") == 0 || strcmp(fname, "stddev") == 0;
        for (size_t i = 0; i < nargs; i++)
            numeric |= args[i].t.ct == CT_NUMERIC ||
                       (aggregate && numeric_rank(&args[i].t) && numeric_rank(&args[i].t) <= 4);
        out->t = builtin_type(numeric ? "numeric" : "double precision");
    } else if (strcmp(fname, "round") == 0 || strcmp(fname, "trunc") == 0) {
        /* round/trunc of numeric (or with a scale argument) is numeric; of a float, double */
        out->t = builtin_type(nargs >= 2 || args[0].t.ct == CT_NUMERIC || args[0].unknown ||
                                      numeric_rank(&args[0].t) < 4
                                  ? "numeric"
                                  : "double precision");
        if (nargs == 1 && numeric_rank(&args[0].t) >= 5) {
            free(out->t.sql);
            out->t = builtin_type("double precision");
        }
    } else if (strcmp(fname, "date_trunc") == 0 || strcmp(fname, "timezone") == 0) {
        const texpr *ts = &args[nargs - 1];
        if (strcmp(fname, "timezone") == 0)
            out->t = builtin_type(ts->t.ct == CT_TIMESTAMPTZ ? "timestamp without time zone" : "timestamp with time zone");
        else
            out->t = builtin_type(ts->t.ct == CT_TIMESTAMPTZ ? "timestamp with time zone"
                                  : ts->t.ct == CT_INTERVAL  ? "interval"
                                                             : "timestamp without time zone");
    }
    if (rc == 0) {
        out->not_null = fn->nulls == 'n' || (fn->nulls == 's' && all_nn);
        if (f->agg_star && strcmp(fname, "count") != 0) {
            diag_error(c->src, f->location, "%s(*) is not valid", fname);
            tx_free(out);
            rc = -1;
        }
        out->name = fname;
    }
    for (size_t i = 0; i < nargs; i++)
        tx_free(&args[i]);
    return rc;
}

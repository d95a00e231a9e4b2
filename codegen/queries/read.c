/* blogdb-gen: query files (sqlc's annotated SQL). Splits a file into its `-- name: Name :command`
 * queries, turns sqlc's named parameters into $n, and hands each statement to the typer.
 *
 * Positions: each statement is parsed from a copy of the whole file in which everything outside
 * the statement is blanked (newlines kept) and each parameter is written over its own spelling,
 * padded with spaces. The parser's locations are then byte offsets of the file itself, so every
 * message says file:line:col of what the user wrote. The text sent to the server (gen_query.sql)
 * is the statement alone, parameters unpadded. */
#include "../parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef PgQuery__ScanToken token;

/* A parameter spelling found in a statement: [start, end) of the file becomes $number. */
typedef struct param_use {
    int start, end;
    int number;        /* the parameter, or 0 for sqlc.embed(x), which is sent as x.* */
    const char *embed; /* x, for sqlc.embed(x) (the query's gen_embed owns it) */
    bool in_list; /* sqlc.slice inside IN (...): the IN becomes = ANY */
    int in_start, in_end; /* the IN keyword, when in_list */
} param_use;

static bool tok_is(const source *src, const token *t, const char *text)
{
    size_t n = strlen(text);
    return (size_t)(t->end - t->start) == n && strncasecmp(src->text + t->start, text, n) == 0;
}

/* A token that can name something: an identifier or any keyword (@limit, sqlc.arg(user)). */
static bool tok_is_name(const token *t)
{
    return t->token == PG_QUERY__TOKEN__IDENT || t->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
}

static char *tok_text(const source *src, const token *t)
{
    return xstrfmt("%.*s", t->end - t->start, src->text + t->start);
}

/* The parameter called `name` of q: found, or added (numbered after every explicit $n). */
static int named_param(gen_query *q, const char *name, int pos, bool nullable, bool slice, int *next)
{
    for (size_t i = 0; i < q->nparams; i++)
        if (q->params[i].named && strcmp(q->params[i].name, name) == 0)
            return (int)i + 1;
    /* find_params made room for the explicit $n first: a named one is appended as $next */
    {
        gen_param *p = VEC_PUSH(q->params, q->nparams);
        p->name = xstrdup(name);
        p->named = true;
        p->nullable = nullable;
        p->slice = slice;
        p->pos = pos;
    }
    return (int)(*next)++;
}

/* Finds the parameters of tokens [from, to) of a statement: $n, @name, sqlc.arg/narg/slice(name). */
static int find_params(const source *src, const token *const *t, size_t from, size_t to, gen_query *q,
                       param_use **uses, size_t *nuses)
{
    int max_explicit = 0, next;
    for (size_t i = from; i < to; i++)
        if (t[i]->token == PG_QUERY__TOKEN__PARAM) {
            long n = strtol(src->text + t[i]->start + 1, NULL, 10);
            if (n < 1 || n > 65535) {
                diag_error(src, t[i]->start, "parameter number out of range");
                return -1;
            }
            if (n > max_explicit)
                max_explicit = (int)n;
        }
    next = max_explicit + 1;
    while (q->nparams < (size_t)max_explicit)
        VEC_PUSH(q->params, q->nparams)->pos = -1;
    for (size_t i = from; i < to; i++) {
        const token *k = t[i];
        param_use u = {0};
        if (k->token == PG_QUERY__TOKEN__PARAM) {
            u.number = (int)strtol(src->text + k->start + 1, NULL, 10);
            if (q->params[u.number - 1].pos < 0)
                q->params[u.number - 1].pos = k->start;
            continue; /* stays as written */
        }
        /* @name: '@' (or an operator ending in '@', as in =@id) right before a name */
        if (k->token == PG_QUERY__TOKEN__Op && src->text[k->end - 1] == '@' && i + 1 < to && tok_is_name(t[i + 1]) &&
            t[i + 1]->start == k->end) {
            char *name = tok_text(src, t[i + 1]);
            u.start = k->end - 1;
            u.end = t[i + 1]->end;
            u.number = named_param(q, name, u.start, false, false, &next);
            free(name);
            *VEC_PUSH(*uses, *nuses) = u;
            i++;
            continue;
        }
        /* sqlc.arg(name), sqlc.narg(name), sqlc.slice(name), sqlc.embed(table) */
        if (tok_is(src, k, "sqlc") && i + 2 < to && t[i + 1]->token == PG_QUERY__TOKEN__ASCII_46) {
            const token *fn = t[i + 2];
            bool narg = tok_is(src, fn, "narg"), slice = tok_is(src, fn, "slice");
            char *name;
            bool embed = tok_is(src, fn, "embed");
            if (!tok_is(src, fn, "arg") && !narg && !slice && !embed) {
                diag_error(src, k->start,
                           "unknown sqlc function; expected sqlc.arg, sqlc.narg, sqlc.slice or sqlc.embed");
                return -1;
            }
            if (i + 5 >= to || t[i + 3]->token != PG_QUERY__TOKEN__ASCII_40 ||
                (!tok_is_name(t[i + 4]) && (embed || t[i + 4]->token != PG_QUERY__TOKEN__SCONST)) ||
                t[i + 5]->token != PG_QUERY__TOKEN__ASCII_41) {
                diag_error(src, k->start, "expected sqlc.%.*s(name)", fn->end - fn->start, src->text + fn->start);
                return -1;
            }
            if (embed) { /* sent as name.*; typed where the select list expands it (infer/query.c) */
                gen_embed *em = VEC_PUSH(q->embeds, q->nembeds);
                em->name = tok_text(src, t[i + 4]);
                em->pos = k->start;
                u.start = k->start;
                u.end = t[i + 5]->end;
                u.embed = em->name;
                *VEC_PUSH(*uses, *nuses) = u;
                i += 5;
                continue;
            }
            if (t[i + 4]->token == PG_QUERY__TOKEN__SCONST) /* sqlc.arg('name') */
                name = xstrfmt("%.*s", t[i + 4]->end - t[i + 4]->start - 2, src->text + t[i + 4]->start + 1);
            else
                name = tok_text(src, t[i + 4]);
            u.start = k->start;
            u.end = t[i + 5]->end;
            u.number = named_param(q, name, u.start, narg, slice, &next);
            free(name);
            /* IN (sqlc.slice(ids)) is sent as = ANY($n) */
            if (slice && i >= from + 2 && t[i - 1]->token == PG_QUERY__TOKEN__ASCII_40 && tok_is(src, t[i - 2], "in") &&
                i + 6 < to && t[i + 6]->token == PG_QUERY__TOKEN__ASCII_41) {
                u.in_list = true;
                u.in_start = t[i - 2]->start;
                u.in_end = t[i - 2]->end;
            }
            *VEC_PUSH(*uses, *nuses) = u;
            i += 5;
            continue;
        }
    }
    for (size_t i = 0; i < q->nparams; i++)
        if (q->params[i].pos < 0) {
            diag_error(src, t[from]->start, "parameter $%zu is not used, but $%d is", i + 1, max_explicit);
            return -1;
        }
    return 0;
}

/* Builds the text sent (sql) and the positioned copy of the file (parse) for bytes [start, end). */
static void rewrite(const source *src, int start, int end, const param_use *uses, size_t nuses, strbuf *sql,
                    strbuf *parse)
{
    int at = start;
    for (int i = 0; i < start; i++)
        sb_putc(parse, src->text[i] == '\n' ? '\n' : ' ');
    for (size_t u = 0; u < nuses; u++) {
        char *repl;
        int len;
        if (uses[u].in_list) { /* "IN (" ... ")" -> "= ANY(" ... ")" */
            sb_printf(sql, "%.*s= ANY", uses[u].in_start - at, src->text + at);
            sb_printf(parse, "%.*s= ANY", uses[u].in_start - at, src->text + at);
            at = uses[u].in_end;
        }
        /* $n, or x.* for sqlc.embed(x) (x as written: PostgreSQL folds or keeps its case) */
        repl = uses[u].embed ? xstrfmt("%s.*", uses[u].embed) : xstrfmt("$%d", uses[u].number);
        len = (int)strlen(repl);
        sb_printf(sql, "%.*s%s", uses[u].start - at, src->text + at, repl);
        sb_printf(parse, "%.*s%s", uses[u].start - at, src->text + at, repl);
        free(repl);
        for (int k = len; k < uses[u].end - uses[u].start; k++)
            sb_putc(parse, ' ');
        at = uses[u].end;
    }
    sb_printf(sql, "%.*s", end - at, src->text + at);
    sb_printf(parse, "%.*s", end - at, src->text + at);
}

/* Whether bytes [from, to) hold an empty line (two newlines with only blanks between). */
static bool blank_line_between(const source *src, int from, int to)
{
    int newlines = 0;
    for (int i = from; i < to; i++) {
        if (src->text[i] == '\n' && ++newlines == 2)
            return true;
        if (src->text[i] != '\n' && !isspace((unsigned char)src->text[i]))
            newlines = 0;
    }
    return false;
}

/* The comment's text without "--" and surrounding blanks (allocated). */
static char *comment_text(const source *src, const token *t)
{
    const char *s = src->text + t->start + 2, *e = src->text + t->end;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return xstrfmt("%.*s", (int)(e - s), s);
}

/* "-- name: Name :command": 1 with *name and *command set (allocated), 0 when the comment is
 * something else, -1 when it is a malformed annotation (reported). */
static int annotation(const source *src, const token *t, char **name, char **command)
{
    char *text = comment_text(src, t), *p, *n0, *c0;
    int rc = 0;
    if (strncmp(text, "name:", 5) != 0) {
        free(text);
        return 0;
    }
    p = text + 5;
    while (*p == ' ' || *p == '\t')
        p++;
    n0 = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    if (p == n0 || !(isalpha((unsigned char)*n0) || *n0 == '_')) {
        diag_error(src, t->start, "expected \"-- name: Name :command\"");
        free(text);
        return -1;
    }
    for (const char *k = n0; k < p; k++)
        if (!isalnum((unsigned char)*k) && *k != '_') {
            diag_error(src, t->start, "a query name is letters, digits and _, got \"%.*s\"", (int)(p - n0), n0);
            free(text);
            return -1;
        }
    *name = xstrfmt("%.*s", (int)(p - n0), n0);
    while (*p == ' ' || *p == '\t')
        p++;
    c0 = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    *command = xstrfmt("%.*s", (int)(p - c0), c0);
    if (*c0 != ':') {
        diag_error(src, t->start, "query %s has no command; add :one, :many, :exec or :execrows", *name);
        rc = -1;
    }
    if (rc != 0) {
        free(*name);
        free(*command);
        *name = *command = NULL;
    }
    free(text);
    return rc == 0 ? 1 : -1;
}

static int command_of(const source *src, int pos, const char *command, query_cmd *cmd)
{
    static const struct {
        const char *text;
        query_cmd cmd;
    } commands[] = {{":one", QUERY_ONE},           {":many", QUERY_MANY},           {":exec", QUERY_EXEC},
                    {":execrows", QUERY_EXECROWS}, {":batchone", QUERY_ONE},        {":batchmany", QUERY_MANY},
                    {":batchexec", QUERY_EXEC},    {":execresult", QUERY_EXECROWS}, {":execlastid", QUERY_ONE},
                    {":copyfrom", QUERY_COPYFROM}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(command, commands[i].text) == 0) {
            *cmd = commands[i].cmd;
            return 0;
        }
    diag_error(src, pos, "unknown command %s; expected :one, :many, :exec, :execrows or :copyfrom", command);
    return -1;
}

/* One annotated query: tokens [from, to) are its statement. */
static int add_query(gen_model *m, const source *src, const token *const *t, size_t from, size_t to,
                     const token *annot, char *name, char *command, strbuf *doc)
{
    gen_query *q = xcalloc(1, sizeof *q);
    param_use *uses = NULL;
    size_t nuses = 0;
    strbuf sql, parse;
    int rc = -1;
    source psrc;

    q->name = name;
    q->command = command;
    q->doc = doc->len ? xstrdup(doc->data) : NULL;
    q->where = diag_where(src, annot->start);
    for (size_t i = 0; i < m->nqueries; i++)
        if (strcmp(m->queries[i]->name, name) == 0) {
            diag_error(src, annot->start, "query %s is defined twice (first at %s)", name, m->queries[i]->where);
            gen_query_free(q);
            return -1;
        }
    if (command_of(src, annot->start, command, &q->cmd) != 0) {
        gen_query_free(q);
        return -1;
    }
    if (from == to) {
        diag_error(src, annot->start, "query %s has no statement", name);
        gen_query_free(q);
        return -1;
    }
    sb_init(&sql);
    sb_init(&parse);
    if (find_params(src, t, from, to, q, &uses, &nuses) == 0) {
        rewrite(src, t[from]->start, t[to - 1]->end, uses, nuses, &sql, &parse);
        q->sql = xstrdup(sql.data);
        psrc.path = src->path;
        psrc.text = parse.data;
        psrc.len = parse.len;
        rc = type_query(m, &psrc, q);
    }
    free(uses);
    sb_free(&sql);
    sb_free(&parse);
    if (rc != 0) {
        gen_query_free(q);
        return -1;
    }
    *VEC_PUSH(m->queries, m->nqueries) = q;
    return 0;
}

int parse_queries(gen_model *m, const source *src)
{
    PgQueryScanResult res = pg_query_scan(src->text);
    PgQuery__ScanResult *scan;
    const token *annot = NULL;
    char *name = NULL, *command = NULL;
    strbuf doc;
    size_t from = 0;
    bool in_stmt = false;
    int rc = 0;

    if (res.error) {
        diag_error(src, res.error->cursorpos > 0 ? res.error->cursorpos - 1 : -1, "%s", res.error->message);
        pg_query_free_scan_result(res);
        return -1;
    }
    scan = pg_query__scan_result__unpack(NULL, res.pbuf.len, (const uint8_t *)res.pbuf.data);
    pg_query_free_scan_result(res);
    if (!scan) {
        diag_error(src, -1, "cannot read the scanner's tokens");
        return -1;
    }
    sb_init(&doc);
    for (size_t i = 0; i <= scan->n_tokens && rc == 0; i++) {
        const token *k = i < scan->n_tokens ? scan->tokens[i] : NULL;
        bool end = !k || k->token == PG_QUERY__TOKEN__ASCII_59;
        int a = 0;
        char *n2 = NULL, *c2 = NULL;
        if (k && k->token == PG_QUERY__TOKEN__SQL_COMMENT && (a = annotation(src, k, &n2, &c2)) < 0) {
            rc = -1;
            break;
        }
        if (a == 1 && in_stmt)
            end = true; /* a new annotation ends a statement that had no ';' */
        if (a == 1 && !in_stmt && annot) {
            diag_error(src, annot->start, "query %s has no statement", name);
            free(n2);
            free(c2);
            rc = -1;
            break;
        }
        if (end && (in_stmt || annot)) {
            if (!annot) {
                diag_error(src, scan->tokens[from]->start,
                           "a statement without a \"-- name: Name :command\" line above it");
                rc = -1;
            } else {
                /* the statement's last token is the one before the end, comments excluded */
                size_t to = i;
                while (to > from && (scan->tokens[to - 1]->token == PG_QUERY__TOKEN__SQL_COMMENT ||
                                     scan->tokens[to - 1]->token == PG_QUERY__TOKEN__C_COMMENT))
                    to--;
                rc = add_query(m, src, (const token *const *)scan->tokens, in_stmt ? from : i, in_stmt ? to : i,
                               annot, name, command, &doc);
                name = command = NULL;
                annot = NULL;
            }
            in_stmt = false;
            doc.len = 0;
            doc.data[0] = '\0';
        }
        if (rc != 0) {
            free(n2);
            free(c2);
            break;
        }
        if (a == 1) {
            annot = k;
            name = n2;
            command = c2;
        } else if (k && k->token == PG_QUERY__TOKEN__SQL_COMMENT && !in_stmt) {
            char *text = comment_text(src, k);
            /* a query's documentation: the comment lines right above it (a blank line ends a block) */
            if (!annot && i > 0 && blank_line_between(src, scan->tokens[i - 1]->end, k->start)) {
                doc.len = 0;
                doc.data[0] = '\0';
            }
            sb_puts(&doc, doc.len ? "\n" : "");
            sb_puts(&doc, text);
            free(text);
        } else if (k && !end && !in_stmt && k->token != PG_QUERY__TOKEN__C_COMMENT) {
            if (!annot) {
                diag_error(src, k->start, "a statement without a \"-- name: Name :command\" line above it");
                rc = -1;
                break;
            }
            in_stmt = true;
            from = i;
        }
    }
    free(name);
    free(command);
    sb_free(&doc);
    pg_query__scan_result__free_unpacked(scan, NULL);
    return rc;
}

/* blogdb-gen: command line. Reads DDL, builds the model, then prints it (--dump-model),
 * checks generated files (--check), or writes them (atomically, both or none). */
#include "gen.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pg_query.h>

static const char usage[] =
    "usage: blogdb-gen [--prefix NAME] [--out-dir DIR] [--check] [--dump-model] [--queries PATH]...\n"
    "                  [--verify CONNINFO] [--role NAME] FILE.sql|DIR...\n"
    "\n"
    "Reads PostgreSQL DDL (files in the order given; a directory's *.sql files in lexical\n"
    "order, *.down.sql skipped) and writes C bindings: DIR/NAME_schema.h and DIR/NAME_schema.c.\n"
    "With --queries, also the typed functions of the queries: DIR/NAME_queries.h and .c.\n"
    "Options may stand anywhere; after --, everything is an input.\n"
    "\n"
    "  --queries PATH  a query file (sqlc's \"-- name: Name :command\" annotations) or a directory of\n"
    "                  them (lexical order); repeatable; read after every schema input\n"
    "  --verify CONNINFO  first prepare each query on that database (one with the schema applied) and\n"
    "                  report every difference between blogdb-gen's parameter and column types and\n"
    "                  the server's; any difference is an error\n"
    "  --role NAME     the bindings are for that role: only the functions its privileges (GRANT,\n"
    "                  REVOKE, default privileges, ownership, role membership) let it call; a\n"
    "                  relation it can use not at all is reported as a warning. A schema file may\n"
    "                  name it on a line of its own: \"-- blogdb-gen: role NAME\"; --role overrides\n"
    "                  that, and --role '' builds for any role\n"
    "  --prefix NAME   C prefix of every generated name (default: blogdb)\n"
    "  --out-dir DIR   where the files go (default: generated)\n"
    "  --check         write nothing; exit 1 naming each file that differs from what would be written\n"
    "  --dump-model    print the schema model as JSON on stdout; write nothing\n"
    "  --help          this text\n"
    "  --version       the generator's version\n"
    "\n"
    "Errors read \"FILE:LINE:COL: error: MESSAGE\"; on any error the exit status is 1 and no file is touched.\n";

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    strbuf sb;
    char buf[65536];
    size_t n;
    if (!f)
        return NULL;
    sb_init(&sb);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++)
            sb_putc(&sb, buf[i]);
    }
    if (ferror(f)) {
        fclose(f);
        sb_free(&sb);
        return NULL;
    }
    fclose(f);
    *len = sb.len;
    return sb.data;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Expands the command line's inputs: files as given, directories to their sorted *.sql. */
static int collect_inputs(char **args, int n, char ***out, size_t *nout)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0) {
            fprintf(stderr, "%s: error: %s\n", args[i], strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(args[i]);
            struct dirent *de;
            char **names = NULL;
            size_t nnames = 0;
            if (!d) {
                fprintf(stderr, "%s: error: %s\n", args[i], strerror(errno));
                return -1;
            }
            while ((de = readdir(d)) != NULL)
                if (ends_with(de->d_name, ".sql") && !ends_with(de->d_name, ".down.sql"))
                    *VEC_PUSH(names, nnames) = xstrfmt("%s/%s", args[i], de->d_name);
            closedir(d);
            if (nnames)
                qsort(names, nnames, sizeof *names, cmp_str);
            for (size_t k = 0; k < nnames; k++)
                *VEC_PUSH(*out, *nout) = names[k];
            free(names);
        } else {
            *VEC_PUSH(*out, *nout) = xstrdup(args[i]);
        }
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* 1 when the file at path holds exactly `data`, 0 otherwise. */
static int same_content(const char *path, const strbuf *data)
{
    size_t len = 0;
    char *old = read_file(path, &len);
    int same = old && len == data->len && memcmp(old, data->data, len) == 0;
    free(old);
    return same;
}

static int write_temp(const char *tmp, const strbuf *data)
{
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    if (fwrite(data->data, 1, data->len, f) != data->len) {
        fclose(f);
        remove(tmp);
        return -1;
    }
    if (fclose(f) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

/* A lowercase SQL identifier: [a-z][a-z0-9_]* (a C prefix, a role named by a schema). */
static bool lower_identifier(const char *p)
{
    if (!*p || !(*p >= 'a' && *p <= 'z'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* Design note — the role is part of the inputs: a schema file may say which role its bindings are
 * for ("-- blogdb-gen: role NAME", a line of its own), so that every run on the same files,
 * --check included, writes the same bindings without repeating the option. Sets *role (owned by the
 * caller) from src's directive; -1 (reported) for a malformed one or one naming another role. */
static int read_directives(const source *src, char **role)
{
    static const char tag[] = "-- blogdb-gen: role ";
    const char *end = src->text + src->len, *next;
    for (const char *line = src->text; line < end; line = next) {
        const char *eol = memchr(line, '\n', (size_t)(end - line)), *name = line + sizeof tag - 1;
        char *found;
        next = eol ? eol + 1 : end;
        eol = eol ? eol : end;
        if (eol > line && eol[-1] == '\r')
            eol--;
        if (eol - line < (ptrdiff_t)sizeof tag - 1 || memcmp(line, tag, sizeof tag - 1) != 0)
            continue;
        found = xstrfmt("%.*s", (int)(eol - name), name);
        if (!lower_identifier(found) || (*role && strcmp(*role, found) != 0)) {
            if (!lower_identifier(found))
                diag_error(src, (int)(name - src->text),
                           "blogdb-gen: role wants a lowercase role name, alone on its line");
            else
                diag_error(src, (int)(name - src->text), "blogdb-gen: role %s, but an earlier line said role %s", found,
                           *role);
            free(found);
            return -1;
        }
        if (*role)
            free(found); /* the same role again */
        else
            *role = found;
    }
    return 0;
}

/* Reads each file and hands it to parse (DDL or queries); *names gets their base names; with role,
 * also each file's "-- blogdb-gen: role" (read_directives). */
static int read_all(gen_model *m, char **files, size_t nfiles, int (*parse)(gen_model *, const source *), strbuf *names,
                    bool *parsed, char **role)
{
    for (size_t i = 0; i < nfiles; i++) {
        source src;
        size_t len = 0;
        char *text = read_file(files[i], &len);
        long bad;
        int rc;
        if (!text) {
            fprintf(stderr, "%s: error: %s\n", files[i], strerror(errno ? errno : EIO));
            return -1;
        }
        src.path = files[i];
        src.text = text;
        src.len = len;
        if (memchr(text, '\0', len)) {
            diag_error(&src, (int)((const char *)memchr(text, '\0', len) - text), "file contains a NUL byte");
            rc = -1;
        } else if ((bad = utf8_invalid_at((const unsigned char *)text, len)) >= 0) {
            diag_error(&src, (int)bad, "invalid UTF-8");
            rc = -1;
        } else if ((rc = role ? read_directives(&src, role) : 0) == 0) {
            blank_meta_commands(text, len);
            rc = parse(m, &src);
            *parsed = true;
        }
        free(text);
        if (rc != 0)
            return -1;
        sb_puts(names, names->len ? ", " : "");
        sb_puts(names, base_name(files[i]));
    }
    return 0;
}

/* Checks (check) or writes the n files: every temporary first, then the renames, so a failure
 * touches nothing. Returns the exit status. */
static int write_outputs(char **paths, const strbuf *const *data, int n, bool check)
{
    char *tmps[4];
    int status = 0;
    if (check) {
        for (int k = 0; k < n; k++)
            if (!same_content(paths[k], data[k])) {
                fprintf(stderr, "%s: differs from what blogdb-gen would write\n", paths[k]);
                status = 1;
            }
        return status;
    }
    for (int k = 0; k < n; k++)
        tmps[k] = xstrfmt("%s.tmp%ld", paths[k], (long)getpid());
    for (int k = 0; k < n && status == 0; k++)
        if (write_temp(tmps[k], data[k]) != 0) {
            fprintf(stderr, "%s: error: cannot write: %s\n", tmps[k], strerror(errno));
            status = 1;
        }
    for (int k = 0; k < n && status == 0; k++)
        if (rename(tmps[k], paths[k]) != 0) {
            fprintf(stderr, "%s: error: cannot write: %s\n", paths[k], strerror(errno));
            status = 1;
        }
    for (int k = 0; k < n; k++) {
        if (status != 0)
            remove(tmps[k]);
        free(tmps[k]);
    }
    return status;
}

int main(int argc, char **argv)
{
    const char *prefix = "blogdb", *out_dir = "generated", *verify = NULL, *role = NULL;
    char *declared_role = NULL; /* the schema's "-- blogdb-gen: role NAME" */
    bool check = false, dump = false, parsed = false;
    char **inputs = NULL, **query_args = NULL, **files = NULL, **qfiles = NULL;
    size_t ninputs = 0, nquery_args = 0, nfiles = 0, nqfiles = 0;
    int status = 1;
    gen_model model;
    strbuf names, qnames;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            status = 0;
            goto args_out;
        } else if (strcmp(a, "--version") == 0) {
            printf("blogdb-gen %s (libpg_query, PostgreSQL %s)\n", GEN_VERSION, PG_VERSION);
            status = 0;
            goto args_out;
        } else if (strcmp(a, "--check") == 0) {
            check = true;
        } else if (strcmp(a, "--dump-model") == 0) {
            dump = true;
        } else if ((strcmp(a, "--prefix") == 0 || strcmp(a, "--out-dir") == 0 || strcmp(a, "--queries") == 0 ||
                    strcmp(a, "--verify") == 0 || strcmp(a, "--role") == 0) &&
                   i + 1 < argc) {
            if (strcmp(a, "--prefix") == 0)
                prefix = argv[++i];
            else if (strcmp(a, "--role") == 0)
                role = argv[++i];
            else if (strcmp(a, "--verify") == 0)
                verify = argv[++i];
            else if (strcmp(a, "--out-dir") == 0)
                out_dir = argv[++i];
            else
                *VEC_PUSH(query_args, nquery_args) = argv[++i];
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                *VEC_PUSH(inputs, ninputs) = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "blogdb-gen: error: unknown or incomplete option '%s'\n%s", a, usage);
            status = 2;
            goto args_out;
        } else {
            *VEC_PUSH(inputs, ninputs) = argv[i];
        }
    }
    if (ninputs == 0) {
        fprintf(stderr, "blogdb-gen: error: no input files\n%s", usage);
        status = 2;
        goto args_out;
    }
    if (verify && nquery_args == 0) {
        fprintf(stderr, "blogdb-gen: error: --verify checks the queries of --queries files; none given\n");
        status = 2;
        goto args_out;
    }
    if (!lower_identifier(prefix)) {
        fprintf(stderr, "blogdb-gen: error: --prefix must match [a-z][a-z0-9_]*, got '%s'\n", prefix);
        status = 2;
        goto args_out;
    }
    model_init(&model);
    sb_init(&names);
    sb_init(&qnames);
    names.data[0] = qnames.data[0] = '\0';
    if (collect_inputs(inputs, (int)ninputs, &files, &nfiles) != 0 ||
        collect_inputs(query_args, (int)nquery_args, &qfiles, &nqfiles) != 0)
        goto out;
    if (nfiles == 0 || (nquery_args && nqfiles == 0)) {
        fprintf(stderr, "blogdb-gen: error: no .sql files in the %s\n", nfiles == 0 ? "inputs" : "--queries paths");
        goto out;
    }
    if (read_all(&model, files, nfiles, parse_sql, &names, &parsed, &declared_role) != 0 ||
        read_all(&model, qfiles, nqfiles, parse_queries, &qnames, &parsed, NULL) != 0)
        goto out;
    /* --role wins over the schema's directive; --role '' is any role. */
    model.bindings_role = role ? (*role ? role : NULL) : declared_role;
    if (verify) {
        int differences = verify_queries(&model, verify);
        if (differences != 0) {
            if (differences > 0)
                fprintf(stderr, "blogdb-gen: --verify: %d difference%s from the server; nothing written\n", differences,
                        differences == 1 ? "" : "s");
            goto out;
        }
        if (!dump)
            printf("blogdb-gen: --verify: the server agrees on every parameter and column type of %zu queries\n",
                   model.nqueries);
    }

    if (dump) {
        strbuf json;
        sb_init(&json);
        model_dump_json(&model, &json);
        fputs(json.data, stdout);
        sb_free(&json);
        status = 0;
    } else {
        strbuf hdr, impl, qhdr, qimpl;
        char *paths[4] = {xstrfmt("%s/%s_schema.h", out_dir, prefix), xstrfmt("%s/%s_schema.c", out_dir, prefix),
                          xstrfmt("%s/%s_queries.h", out_dir, prefix), xstrfmt("%s/%s_queries.c", out_dir, prefix)};
        const strbuf *data[4] = {&hdr, &impl, &qhdr, &qimpl};
        sb_init(&hdr);
        sb_init(&impl);
        sb_init(&qhdr);
        sb_init(&qimpl);
        namereg made = {0};
        if (emit_c(&model, prefix, names.data, &made, &hdr, &impl) == 0 &&
            (!nqfiles || emit_queries(&model, prefix, qnames.data, &made, &qhdr, &qimpl) == 0))
            status = write_outputs(paths, data, nqfiles ? 4 : 2, check);
        namereg_free(&made);
        for (int k = 0; k < 4; k++)
            free(paths[k]);
        sb_free(&hdr);
        sb_free(&impl);
        sb_free(&qhdr);
        sb_free(&qimpl);
    }
out:
    sb_free(&names);
    sb_free(&qnames);
    strv_free(files, nfiles);
    strv_free(qfiles, nqfiles);
    model_free(&model);
    free(declared_role);
    if (parsed)
        pg_query_exit(); /* it crashes when libpg_query was never used */
args_out:
    free(inputs);
    free(query_args);
    return status;
}

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
    "usage: blogdb-gen [--prefix NAME] [--out-dir DIR] [--check] [--dump-model] FILE.sql|DIR...\n"
    "\n"
    "Reads PostgreSQL DDL (files in the order given; a directory's *.sql files in lexical\n"
    "order, *.down.sql skipped) and writes C bindings: DIR/NAME_schema.h and DIR/NAME_schema.c.\n"
    "\n"
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

static bool valid_prefix(const char *p)
{
    if (!*p || !(*p >= 'a' && *p <= 'z'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

int main(int argc, char **argv)
{
    const char *prefix = "blogdb", *out_dir = "generated";
    bool check = false, dump = false;
    char **files = NULL;
    size_t nfiles = 0;
    int first_input = argc, status = 1;
    bool parsed = false;
    gen_model model;
    strbuf names;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("blogdb-gen %s (libpg_query, PostgreSQL %s)\n", GEN_VERSION, PG_VERSION);
            return 0;
        } else if (strcmp(a, "--check") == 0) {
            check = true;
        } else if (strcmp(a, "--dump-model") == 0) {
            dump = true;
        } else if ((strcmp(a, "--prefix") == 0 || strcmp(a, "--out-dir") == 0) && i + 1 < argc) {
            if (strcmp(a, "--prefix") == 0)
                prefix = argv[++i];
            else
                out_dir = argv[++i];
        } else if (strcmp(a, "--") == 0) {
            first_input = i + 1;
            break;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "blogdb-gen: error: unknown or incomplete option '%s'\n%s", a, usage);
            return 2;
        } else {
            first_input = i;
            break;
        }
    }
    if (first_input >= argc) {
        fprintf(stderr, "blogdb-gen: error: no input files\n%s", usage);
        return 2;
    }
    if (!valid_prefix(prefix)) {
        fprintf(stderr, "blogdb-gen: error: --prefix must match [a-z][a-z0-9_]*, got '%s'\n", prefix);
        return 2;
    }
    model_init(&model);
    if (collect_inputs(argv + first_input, argc - first_input, &files, &nfiles) != 0)
        goto out;
    if (nfiles == 0) {
        fprintf(stderr, "blogdb-gen: error: no .sql files in the inputs\n");
        goto out;
    }

    sb_init(&names);
    for (size_t i = 0; i < nfiles; i++) {
        source src;
        size_t len = 0;
        char *text = read_file(files[i], &len);
        long bad;
        int rc;
        if (!text) {
            fprintf(stderr, "%s: error: %s\n", files[i], strerror(errno ? errno : EIO));
            sb_free(&names);
            goto out;
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
        } else {
            blank_meta_commands(text, len);
            rc = parse_sql(&model, &src);
            parsed = true;
        }
        free(text);
        if (rc != 0) {
            sb_free(&names);
            goto out;
        }
        sb_puts(&names, i ? ", " : "");
        sb_puts(&names, base_name(files[i]));
    }

    if (dump) {
        strbuf json;
        sb_init(&json);
        model_dump_json(&model, &json);
        fputs(json.data, stdout);
        sb_free(&json);
        status = 0;
    } else {
        strbuf hdr, impl;
        sb_init(&hdr);
        sb_init(&impl);
        if (emit_c(&model, prefix, names.data, &hdr, &impl) == 0) {
            char *paths[2] = {xstrfmt("%s/%s_schema.h", out_dir, prefix), xstrfmt("%s/%s_schema.c", out_dir, prefix)};
            const strbuf *data[2] = {&hdr, &impl};
            status = 0;
            if (check) {
                for (int k = 0; k < 2; k++)
                    if (!same_content(paths[k], data[k])) {
                        fprintf(stderr, "%s: differs from what blogdb-gen would write\n", paths[k]);
                        status = 1;
                    }
            } else {
                /* Both temporaries first, then the renames: a failure touches nothing. */
                char *tmps[2] = {xstrfmt("%s.tmp%ld", paths[0], (long)getpid()),
                                 xstrfmt("%s.tmp%ld", paths[1], (long)getpid())};
                for (int k = 0; k < 2 && status == 0; k++)
                    if (write_temp(tmps[k], data[k]) != 0) {
                        fprintf(stderr, "%s: error: cannot write: %s\n", tmps[k], strerror(errno));
                        status = 1;
                    }
                for (int k = 0; k < 2 && status == 0; k++)
                    if (rename(tmps[k], paths[k]) != 0) {
                        fprintf(stderr, "%s: error: cannot write: %s\n", paths[k], strerror(errno));
                        status = 1;
                    }
                if (status != 0)
                    for (int k = 0; k < 2; k++)
                        remove(tmps[k]);
                free(tmps[0]);
                free(tmps[1]);
            }
            free(paths[0]);
            free(paths[1]);
        }
        sb_free(&hdr);
        sb_free(&impl);
    }
    sb_free(&names);
out:
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    model_free(&model);
    if (parsed)
        pg_query_exit(); /* it crashes when libpg_query was never used */
    return status;
}

/* The DDL corpus (tests/ddl): every file, and every directory of migrations, is applied with
 * psql to a fresh database; blogdb-gen's model must equal what pg_catalog says, and the C it
 * generates must compile cleanly under -Wall -Wextra -Wpedantic -Werror. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct corpus_entry {
    char path[512];
};

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct corpus_entry *)a)->path, ((const struct corpus_entry *)b)->path);
}

ParameterizedTestParameters(corpus, model_matches_catalog_and_code_compiles)
{
    static struct corpus_entry entries[200];
    size_t n = 0;
    DIR *d = opendir(BLOGDB_SOURCE_DIR "/tests/ddl");
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < 200) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.')
            continue;
        if (len > 4 && strcmp(de->d_name + len - 4, ".sql") != 0 && strchr(de->d_name, '.'))
            continue;
        snprintf(entries[n++].path, sizeof entries[0].path, BLOGDB_SOURCE_DIR "/tests/ddl/%s", de->d_name);
    }
    if (d)
        closedir(d);
    qsort(entries, n, sizeof entries[0], cmp_entry);
    return cr_make_param_array(struct corpus_entry, entries, n);
}

/* The server major a case needs, from a line "-- needs PostgreSQL NN" in its file (or in any file
 * of its directory); 0 when none (scripts/test.sh --pg runs the corpus on 14 to 18). */
static long needs_major(const char *path)
{
    char *cmd, *out = NULL;
    long need = 0;
    /* sized from the format: an undersized buffer once cut the command short in a deeper checkout,
     * so the marker was missed and psql ran MERGE on PostgreSQL 14 */
    static const char fmt[] = "cat '%s' '%s'/*.sql 2>/dev/null | sed -n 's/^-- needs PostgreSQL \\([0-9]*\\).*/\\1/p' | sort -n | tail -1";
    size_t len = sizeof fmt + 2 * strlen(path);
    int n;
    cmd = malloc(len);
    cr_assert_not_null(cmd);
    n = snprintf(cmd, len, fmt, path, path);
    cr_assert(n >= 0 && (size_t)n < len, "needs_major: command cut short for %s", path);
    if (run_cmd(cmd, &out, NULL) == 0 && out)
        need = strtol(out, NULL, 10);
    free(out);
    free(cmd);
    return need;
}

ParameterizedTest(struct corpus_entry *e, corpus, model_matches_catalog_and_code_compiles, .init = db_setup_empty,
                  .fini = db_teardown)
{
    char *dir = make_tmpdir(), cmd[4096], *err = NULL;
    int st;
    long need = needs_major(e->path), server = sql_int("SHOW server_version_num") / 10000;

    if (server < need) {
        free(dir);
        cr_skip_test("%s needs PostgreSQL %ld; the server is %ld", e->path, need, server);
    }
    apply_ddl(e->path);
    assert_model_matches_catalog(e->path);

    snprintf(cmd, sizeof cmd, "'%s' --prefix corpus --out-dir '%s' '%s'", BLOGDB_GEN, dir, e->path);
    st = run_cmd(cmd, NULL, &err);
    cr_assert_eq(st, 0, "%s: %s", e->path, err);
    free(err);
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I'" BLOGDB_SOURCE_DIR "/include' -I'%s' -c '%s/corpus_schema.c' -o '%s/corpus_schema.o'",
             dir, dir, dir);
    st = run_cmd(cmd, NULL, &err);
    cr_assert_eq(st, 0, "%s: the generated code does not compile:\n%s", e->path, err);
    free(err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(run_cmd(cmd, NULL, NULL), 0);
    free(dir);
}

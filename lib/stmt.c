/* libblogdb: the per-connection prepared statement cache (see docs/HACKING.md).
 *
 * A statement is found by its stmt_key: descriptor, kind, and for inserts and updates the column
 * set. The set's first word lives in the entry; a relation of more than 64 columns keeps its other
 * words in `more`, owned by the entry, so two sets are told apart exactly, never by a hash.
 *
 * A statement's server-side name is a hash of its SQL ("blogdb_" + 60 bits of FNV-1a), never a
 * counter: on any connection a name means one SQL text, so a server connection that a pooler in
 * session mode hands to another client (without DISCARD ALL) cannot run a wrong statement under a
 * name it already holds. Two keys with the same SQL share one server statement. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t first_word(const stmt_key *k)
{
    return k->nwords ? k->cols[0] : 0;
}

static size_t stmt_hash(const stmt_key *k, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)k->key * 0x9E3779B97F4A7C15ull ^ (first_word(k) + (uint64_t)k->kind) * 0xC2B2AE3D27D4EB4Full;
    for (size_t i = 1; i < k->nwords; i++)
        h = (h ^ k->cols[i]) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static bool stmt_matches(const stmt_entry *e, const stmt_key *k)
{
    if (e->key != k->key || e->kind != k->kind || e->mask != first_word(k))
        return false;
    return k->nwords <= 1 || memcmp(e->more, k->cols + 1, (k->nwords - 1) * sizeof *k->cols) == 0;
}

const stmt_entry *blogdb__stmt_find(const blogdb *db, const stmt_key *k)
{
    if (!db->stmts_cap)
        return NULL;
    for (size_t i = stmt_hash(k, db->stmts_cap);; i = (i + 1) & (db->stmts_cap - 1)) {
        const stmt_entry *e = &db->stmts[i];
        if (!e->key)
            return NULL;
        if (stmt_matches(e, k))
            return e;
    }
}

static stmt_entry *stmt_slot(stmt_entry *tab, size_t cap, const stmt_key *k)
{
    size_t i = stmt_hash(k, cap);
    while (tab[i].key)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Moves entry e into tab (cap slots), keeping its name and owned words. */
static void stmt_move(stmt_entry *tab, size_t cap, const stmt_entry *e, size_t nwords)
{
    uint64_t words[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)];
    stmt_key k = {e->key, e->kind, words, nwords};
    words[0] = e->mask;
    if (nwords > 1)
        memcpy(words + 1, e->more, (nwords - 1) * sizeof *words);
    *stmt_slot(tab, cap, &k) = *e;
}

/* Words of the column set of an entry: 1 + the length of `more`, as its relation tells. */
static size_t entry_words(const stmt_entry *e)
{
    if (!e->more)
        return 1;
    return BLOGDB_RT_COLUMN_WORDS(((const blogdb_rt_relation *)e->key)->ncolumns);
}

static int stmt_grow(blogdb *db)
{
    if ((db->nstmts + 1) * 2 > db->stmts_cap) {
        size_t cap = db->stmts_cap ? db->stmts_cap * 2 : 64;
        stmt_entry *tab = calloc(cap, sizeof *tab);
        if (!tab)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        for (size_t i = 0; i < db->stmts_cap; i++)
            if (db->stmts[i].key)
                stmt_move(tab, cap, &db->stmts[i], entry_words(&db->stmts[i]));
        free(db->stmts);
        db->stmts = tab;
        db->stmts_cap = cap;
    }
    return 0;
}

/* Makes room for k and copies its extra words, before anything is sent: then recording it
 * cannot fail. */
static int stmt_reserve(blogdb *db, const stmt_key *k, uint64_t **more)
{
    int rc = stmt_grow(db);
    *more = NULL;
    if (rc)
        return rc;
    if (k->nwords > 1) {
        if (!(*more = malloc((k->nwords - 1) * sizeof **more)))
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        memcpy(*more, k->cols + 1, (k->nwords - 1) * sizeof **more);
    }
    return 0;
}

static stmt_entry *stmt_record(blogdb *db, const stmt_key *k, uint64_t *more, const char *name)
{
    stmt_entry *e = stmt_slot(db->stmts, db->stmts_cap, k);
    e->key = k->key;
    e->kind = k->kind;
    e->mask = first_word(k);
    e->more = more;
    memcpy(e->name, name, sizeof e->name);
    db->nstmts++;
    return e;
}

/* Unnamed mode: nothing is prepared or recorded; the call's statement carries its SQL (copied:
 * a built statement's buffer is freed before it runs). */
static int stmt_unnamed(blogdb *db, const stmt_key *k, const char *sql, const stmt_entry **out)
{
    char *copy = strdup(sql);
    if (!copy)
        return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    free(db->unnamed_sql);
    db->unnamed_sql = copy;
    memset(&db->unnamed_entry, 0, sizeof db->unnamed_entry);
    db->unnamed_entry.key = k->key;
    db->unnamed_entry.kind = k->kind;
    db->unnamed_entry.sql = copy;
    db->parse_sent = false;
    *out = &db->unnamed_entry;
    return 0;
}

static void stmt_name(const char *sql, char name[23])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    snprintf(name, 23, "blogdb_%015llx", (unsigned long long)(h >> 4));
}

/* Whether this connection holds a statement of that name already (prepares only: a scan). */
static bool stmt_named(const blogdb *db, const char *name)
{
    for (size_t i = 0; i < db->stmts_cap; i++)
        if (db->stmts[i].key && strcmp(db->stmts[i].name, name) == 0)
            return true;
    return false;
}

int blogdb_set_statement_mode(blogdb *db, blogdb_statement_mode mode)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (mode != BLOGDB_STATEMENTS_NAMED && mode != BLOGDB_STATEMENTS_UNNAMED)
        return blogdb__fail(db, BLOGDB_EINVAL, "unknown statement mode %d", (int)mode);
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "a pipeline is open");
    db->unnamed = mode == BLOGDB_STATEMENTS_UNNAMED;
    return 0;
}

/* Both prepare paths start here: room for k, its name, and when this connection holds that name
 * already, k recorded under it (*out set, parse_sent false). Else parse_sent is true: send one. */
static int stmt_begin(blogdb *db, const stmt_key *k, const char *sql, uint64_t **more, char name[23],
                      const stmt_entry **out)
{
    int rc = stmt_reserve(db, k, more);
    *out = NULL;
    if (rc)
        return rc;
    stmt_name(sql, name);
    db->parse_sent = !stmt_named(db, name);
    if (!db->parse_sent)
        *out = stmt_record(db, k, *more, name);
    return 0;
}

int blogdb__stmt_prepare(blogdb *db, const stmt_key *k, const char *sql, int nparams, const stmt_entry **out)
{
    PGresult *res;
    uint64_t *more;
    char name[23];
    int rc;
    if (db->unnamed)
        return stmt_unnamed(db, k, sql, out);
    if (db->pipeline)
        return blogdb__stmt_send_prepare(db, k, sql, nparams, out);
    if ((rc = stmt_begin(db, k, sql, &more, name, out)) != 0 || *out)
        return rc;
    res = blogdb__prepare_local(db, name, sql, nparams);
    /* 42P05: the session holds it already (a pooler's earlier client): same name, same SQL. */
    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        !(PQresultErrorField(res, PG_DIAG_SQLSTATE) && strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42P05") == 0 &&
          !blogdb__in_transaction(db))) {
        rc = blogdb__fail_result(db, res);
        PQclear(res);
        free(more);
        return rc;
    }
    PQclear(res);
    *out = stmt_record(db, k, more, name);
    return 0;
}

int blogdb__stmt_send_prepare(blogdb *db, const stmt_key *k, const char *sql, int nparams, const stmt_entry **out)
{
    uint64_t *more;
    char name[23];
    int rc;
    if ((rc = stmt_begin(db, k, sql, &more, name, out)) != 0 || *out)
        return rc;
    if ((rc = blogdb__sent(db, PQsendPrepare(db->conn, name, sql, nparams, NULL))) != 0) {
        free(more);
        return rc;
    }
    *out = stmt_record(db, k, more, name);
    return 0;
}

void blogdb__stmt_forget(blogdb *db, const char *name)
{
    /* Rebuild the table without that entry: open addressing cannot simply blank a slot. */
    stmt_entry *old = db->stmts;
    size_t cap = db->stmts_cap;
    stmt_entry *tab;
    if (!cap || !(tab = calloc(cap, sizeof *tab)))
        return;
    db->stmts = tab;
    db->nstmts = 0;
    for (size_t i = 0; i < cap; i++) {
        if (!old[i].key)
            continue;
        if (strcmp(old[i].name, name) == 0) {
            free(old[i].more);
            continue;
        }
        stmt_move(tab, cap, &old[i], entry_words(&old[i]));
        db->nstmts++;
    }
    free(old);
}

void blogdb__stmt_clear(blogdb *db, bool free_table)
{
    for (size_t i = 0; i < db->stmts_cap; i++)
        free(db->stmts[i].more);
    if (free_table) {
        free(db->stmts);
        db->stmts = NULL;
        db->stmts_cap = 0;
    } else if (db->stmts) {
        memset(db->stmts, 0, db->stmts_cap * sizeof *db->stmts);
    }
    db->nstmts = 0;
}

/* libblogdb: the per-connection prepared statement cache (see docs/HACKING.md). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t stmt_hash(const void *key, stmt_kind kind, uint64_t mask, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull ^ (mask + (uint64_t)kind) * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

const stmt_entry *blogdb__stmt_find(const blogdb *db, const void *key, stmt_kind kind, uint64_t mask)
{
    if (!db->stmts_cap)
        return NULL;
    for (size_t i = stmt_hash(key, kind, mask, db->stmts_cap);; i = (i + 1) & (db->stmts_cap - 1)) {
        const stmt_entry *e = &db->stmts[i];
        if (!e->key)
            return NULL;
        if (e->key == key && e->kind == kind && e->mask == mask)
            return e;
    }
}

static stmt_entry *stmt_slot(stmt_entry *tab, size_t cap, const void *key, stmt_kind kind, uint64_t mask)
{
    size_t i = stmt_hash(key, kind, mask, cap);
    while (tab[i].key)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static stmt_entry *stmt_record(blogdb *db, const void *key, stmt_kind kind, uint64_t mask, const char *name);

static int stmt_grow(blogdb *db);

int blogdb__stmt_prepare(blogdb *db, const void *key, stmt_kind kind, uint64_t mask, const char *sql, int nparams,
                         const stmt_entry **out)
{
    PGresult *res;
    char name[23];
    int rc;
    if (db->pipeline)
        return blogdb__stmt_send_prepare(db, key, kind, mask, sql, nparams, out);
    if ((rc = stmt_grow(db)) != 0)
        return rc;
    snprintf(name, sizeof name, "blogdb_%lu", ++db->next_stmt);
    res = blogdb__prepare(db, name, sql, nparams);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = blogdb__fail_result(db, res);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    *out = stmt_record(db, key, kind, mask, name);
    return 0;
}

static stmt_entry *stmt_record(blogdb *db, const void *key, stmt_kind kind, uint64_t mask, const char *name)
{
    stmt_entry *e = stmt_slot(db->stmts, db->stmts_cap, key, kind, mask);
    e->key = key;
    e->kind = kind;
    e->mask = mask;
    memcpy(e->name, name, sizeof e->name);
    db->nstmts++;
    return e;
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
                *stmt_slot(tab, cap, db->stmts[i].key, db->stmts[i].kind, db->stmts[i].mask) = db->stmts[i];
        free(db->stmts);
        db->stmts = tab;
        db->stmts_cap = cap;
    }
    return 0;
}

int blogdb__stmt_send_prepare(blogdb *db, const void *key, stmt_kind kind, uint64_t mask, const char *sql, int nparams,
                              const stmt_entry **out)
{
    char name[23];
    int rc = stmt_grow(db);
    if (rc)
        return rc;
    snprintf(name, sizeof name, "blogdb_%lu", ++db->next_stmt);
    if ((rc = blogdb__sent(db, PQsendPrepare(db->conn, name, sql, nparams, NULL))) != 0)
        return rc;
    *out = stmt_record(db, key, kind, mask, name);
    return 0;
}

void blogdb__stmt_forget(blogdb *db, const void *key, stmt_kind kind, uint64_t mask)
{
    const stmt_entry *e = blogdb__stmt_find(db, key, kind, mask);
    /* Rebuild the table without e: open addressing cannot simply blank a slot. */
    stmt_entry *old = db->stmts;
    size_t cap = db->stmts_cap;
    stmt_entry *tab;
    if (!e)
        return;
    tab = calloc(cap, sizeof *tab);
    if (!tab)
        return;
    db->stmts = tab;
    db->nstmts = 0;
    for (size_t i = 0; i < cap; i++)
        if (old[i].key && &old[i] != e)
            stmt_record(db, old[i].key, old[i].kind, old[i].mask, old[i].name);
    free(old);
}

/* blogdb-bench: the blogdb side of bench/run's workloads (and a naive libpq anchor).
 *   blogdb-bench users   DSN N            load N users (COPY), print seconds
 *   blogdb-bench posts   DSN N            load N posts over the users (COPY), print seconds
 *   blogdb-bench point   DSN SECONDS N    get_by_email on random users, print ops/s and client CPU us per call
 *   blogdb-bench naive   DSN SECONDS N    the same SELECT with PQexecParams in text format, the same output
 *   blogdb-bench pool    DSN SECONDS N THREADS   THREADS threads, a pool of as many, a checkout per read; ops/s
 *   blogdb-bench threads DSN SECONDS N THREADS   the same, each thread on a connection of its own (no pool)
 *   blogdb-bench cluster DSN SECONDS N THREADS REPLICA...  the same through blogdb_cluster READ checkouts
 *   blogdb-bench stream  DSN [MAX]        stream posts (all, or MAX rows), print rows and rows/s
 *   blogdb-bench inserts DSN N MODE [PER] N single-row post inserts: one, pipeline or atomic (in atomic
 *                                         pipelines of PER rows; default all N in one); print seconds
 *   blogdb-bench feed    DSN SECONDS TS ID  FeedPage (queries/posts.sql), 20 posts before (TS, ID), print ops/s
 * Emails are "user<n>@example.com", n in [0, N). */
#define _POSIX_C_SOURCE 200809L
#include <blogdb.h>
#include <libpq-fe.h>

#include "clock.h"

#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static bool unnamed(void)
{
    return getenv("BENCH_UNNAMED") && strcmp(getenv("BENCH_UNNAMED"), "1") == 0;
}

static blogdb *open_db(const char *dsn)
{
    blogdb *db = NULL;
    if (blogdb_connect(&db, dsn) != 0) {
        fprintf(stderr, "connect: %s\n", blogdb_connect_error());
        exit(1);
    }
    /* BENCH_UNNAMED=1: unnamed statements (what PgBouncer's transaction pooling needs). */
    if (unnamed())
        blogdb_set_statement_mode(db, BLOGDB_STATEMENTS_UNNAMED);
    return db;
}

static void check(blogdb *db, int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "%s: %s: %s\n", what, blogdb_strerror(rc), blogdb_errmsg(db));
        exit(1);
    }
}

typedef struct gen {
    long next, count;
    char email[64];
    uuid_t *users;
    long nusers;
} gen;

static int next_user(blogdb_users_row *row, void *ctx)
{
    gen *g = ctx;
    if (g->next == g->count)
        return 0;
    memset(row, 0, sizeof *row);
    snprintf(g->email, sizeof g->email, "user%ld@example.com", g->next++);
    row->email = g->email;
    row->password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
    return 1;
}

static int next_post(blogdb_posts_row *row, void *ctx)
{
    gen *g = ctx;
    if (g->next == g->count)
        return 0;
    memset(row, 0, sizeof *row);
    uuid_copy(row->user_id, g->users[g->next % g->nusers]);
    row->title = "A post about keyset pagination and binary protocols";
    row->content = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.";
    row->status = (blogdb_post_status)(g->next % 3);
    g->next++;
    return 1;
}

/* PostgreSQL orders uuids as their 16 bytes: the anchor's CSV assigns posts in this order. */
static int cmp_uuid(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(uuid_t));
}

static int collect_id(const blogdb_users_row *row, void *ctx)
{
    gen *g = ctx;
    uuid_copy(g->users[g->nusers++], row->id);
    return 0;
}

typedef struct streamer {
    long rows, max;
    long long check;
} streamer;

static int take_post(const blogdb_posts_row *row, void *ctx)
{
    streamer *s = ctx;
    s->rows++;
    s->check += (long long)strlen(row->title) + row->status; /* touch the row */
    return s->max && s->rows >= s->max ? 1 : 0;
}

/* "pool": threads sharing a pool of as many connections, each checking one out per point read
 * (checkout, get_by_email, checkin), as a service does. */
typedef struct pool_worker {
    blogdb_pool *pool;
    blogdb_cluster *cluster; /* when set: READ checkouts of it instead */
    blogdb *own;             /* when set: this thread's own connection, no pool (the "threads" anchor) */
    double secs;
    long n, ops;
    unsigned seed;
    int failed;
} pool_worker;

static void *pool_reads(void *arg)
{
    pool_worker *w = arg;
    double t0 = now();
    char email[64];
    while (now() - t0 < w->secs && !w->failed)
        for (int k = 0; k < 100; k++, w->ops++) {
            blogdb *db = NULL;
            blogdb_users_row *u = NULL;
            snprintf(email, sizeof email, "user%ld@example.com", (long)(rand_r(&w->seed) % (unsigned)w->n));
            int rc = w->own       ? (db = w->own, 0)
                     : w->cluster ? blogdb_cluster_checkout(w->cluster, NULL, BLOGDB_ROUTE_READ, &db)
                                  : blogdb_pool_checkout(w->pool, &db);
            if (rc != 0 || blogdb_users_get_by_email(db, &u, email) != 0)
                w->failed = 1;
            blogdb_users_row_free(u);
            if (w->cluster)
                blogdb_cluster_checkin(w->cluster, NULL, db);
            else if (w->pool)
                blogdb_pool_checkin(w->pool, db);
        }
    return NULL;
}

/* threads threads reading through a pool of as many connections; with replicas, through a cluster;
 * with own, each on a connection of its own (what the pool costs is the difference). */
static int pool_bench(const char *dsn, double secs, long n, int threads, const char *const *replicas, int nreplicas,
                      bool own)
{
    blogdb_pool *pool = NULL;
    blogdb_cluster *cluster = NULL;
    blogdb_pool_options o = {.version = 1, .max_size = threads, .unnamed_statements = unnamed()};
    blogdb_cluster_options co = {.version = 1, .pool = o};
    pool_worker w[64];
    pthread_t t[64];
    long ops = 0;
    double t0;
    if (threads < 1 || threads > 64 ||
        (own        ? 0
         : replicas ? blogdb_cluster_open(&cluster, dsn, replicas, nreplicas, &co)
                    : blogdb_pool_open(&pool, dsn, &o)) != 0) {
        fprintf(stderr, "pool: %s\n", blogdb_pool_errmsg());
        return 1;
    }
    t0 = now();
    for (int i = 0; i < threads; i++) {
        w[i] = (pool_worker){pool, cluster, own ? open_db(dsn) : NULL, secs, n, 0, 42u + (unsigned)i, 0};
        pthread_create(&t[i], NULL, pool_reads, &w[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        if (w[i].failed) {
            fprintf(stderr, "pool: a read failed\n");
            return 1;
        }
        ops += w[i].ops;
        blogdb_close(w[i].own);
    }
    printf("%.0f\n", (double)ops / (now() - t0));
    blogdb_pool_close(pool);
    blogdb_cluster_close(cluster);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 2 ? argv[1] : "", *dsn = argc > 2 ? argv[2] : "";
    blogdb *db;
    if (argc < 3) {
        fprintf(stderr, "usage: blogdb-bench users|posts|point|naive|pool|stream|inserts DSN ...\n");
        return 2;
    }
    srand(42);
    if (strcmp(cmd, "pool") == 0 && argc > 5)
        return pool_bench(dsn, atof(argv[3]), atol(argv[4]), atoi(argv[5]), NULL, 0, false);
    if (strcmp(cmd, "threads") == 0 && argc > 5)
        return pool_bench(dsn, atof(argv[3]), atol(argv[4]), atoi(argv[5]), NULL, 0, true);
    if (strcmp(cmd, "cluster") == 0 && argc > 6)
        return pool_bench(dsn, atof(argv[3]), atol(argv[4]), atoi(argv[5]), (const char *const *)argv + 6, argc - 6, false);
    if (strcmp(cmd, "users") == 0) {
        gen g = {0, atol(argv[3]), "", NULL, 0};
        double t;
        db = open_db(dsn);
        t = now();
        check(db, blogdb_users_copy_in_fn(db, next_user, &g, 0), "copy users");
        printf("%.3f\n", now() - t);
    } else if (strcmp(cmd, "posts") == 0) {
        gen g = {0, atol(argv[3]), "", NULL, 0};
        int64_t nusers = 0;
        double t;
        db = open_db(dsn);
        check(db, blogdb_users_count(db, &nusers), "count users");
        g.users = malloc((size_t)nusers * sizeof *g.users);
        check(db, blogdb_users_each(db, collect_id, &g), "read users");
        qsort(g.users, (size_t)g.nusers, sizeof *g.users, cmp_uuid); /* the same rows, in the same order, as psql loads */
        g.next = 0;
        t = now();
        check(db, blogdb_posts_copy_in_fn(db, next_post, &g, BLOGDB_POSTS_STATUS), "copy posts");
        printf("%.3f\n", now() - t);
        free(g.users);
    } else if (strcmp(cmd, "point") == 0 || strcmp(cmd, "naive") == 0) {
        double secs = atof(argv[3]), t0, t, c0;
        long n = atol(argv[4]), ops = 0;
        char email[64];
        PGconn *pc = NULL;
        db = strcmp(cmd, "point") == 0 ? open_db(dsn) : NULL;
        if (!db) {
            pc = PQconnectdb(dsn);
            if (PQstatus(pc) != CONNECTION_OK)
                return 1;
        }
        t0 = now();
        c0 = cpu();
        do {
            for (int k = 0; k < 1000; k++, ops++) {
                snprintf(email, sizeof email, "user%ld@example.com", (long)(rand() % n));
                if (db) {
                    blogdb_users_row *u = NULL;
                    check(db, blogdb_users_get_by_email(db, &u, email), "get_by_email");
                    blogdb_users_row_free(u);
                } else {
                    const char *param = email;
                    PGresult *r = PQexecParams(pc,
                                               "SELECT id, email, password_hash, created_at, updated_at FROM users "
                                               "WHERE email = $1",
                                               1, NULL, &param, NULL, NULL, 0);
                    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
                        return 1;
                    PQclear(r);
                }
            }
            t = now();
        } while (t - t0 < secs);
        printf("%.0f %.2f\n", (double)ops / (t - t0), (cpu() - c0) * 1e6 / (double)ops);
        PQfinish(pc);
    } else if (strcmp(cmd, "feed") == 0 && argc > 5) {
        double secs = atof(argv[3]), t0, t;
        blogdb_timestamp before;
        uuid_t id;
        long ops = 0;
        db = open_db(dsn);
        check(db, blogdb_timestamp_parse(argv[4], &before), "timestamp");
        if (uuid_parse(argv[5], id) != 0)
            return 2;
        t0 = now();
        do {
            for (int k = 0; k < 100; k++, ops++) {
                blogdb_feed_page_rows *page = NULL;
                check(db, blogdb_feed_page(db, &page, before, id, 20), "feed page");
                if (page->count != 20)
                    return 1;
                blogdb_feed_page_rows_free(page);
            }
            t = now();
        } while (t - t0 < secs);
        printf("%.0f\n", (double)ops / (t - t0));
    } else if (strcmp(cmd, "stream") == 0) {
        streamer s = {0, argc > 3 ? atol(argv[3]) : 0, 0};
        double t;
        db = open_db(dsn);
        t = now();
        check(db, blogdb_posts_each(db, take_post, &s), "stream posts");
        t = now() - t;
        printf("%ld %.0f\n", s.rows, (double)s.rows / t);
    } else if (strcmp(cmd, "inserts") == 0) {
        long n = atol(argv[3]);
        const char *mode = argv[4];
        blogdb_users_row *u = NULL;
        blogdb_posts_row in = {.title = "pipelined", .content = "one row at a time"};
        double t;
        db = open_db(dsn);
        check(db, blogdb_users_get_by_email(db, &u, "user0@example.com"), "author");
        uuid_copy(in.user_id, u->id);
        t = now();
        if (strcmp(mode, "one") == 0) {
            for (long i = 0; i < n; i++)
                check(db, blogdb_posts_insert(db, NULL, &in, 0), "insert");
        } else {
            /* atomic PER: atomic pipelines of PER rows each (pgbench's pipeline mode commits per script) */
            long per = strcmp(mode, "atomic") == 0 && argc > 5 ? atol(argv[5]) : n;
            for (long done = 0; done < n; done += per) {
                check(db, blogdb_pipeline_begin(db, strcmp(mode, "atomic") == 0 ? BLOGDB_PIPELINE_ATOMIC : 0), "pipeline");
                for (long i = done; i < n && i < done + per; i++)
                    check(db, blogdb_posts_insert(db, NULL, &in, 0), "queue insert");
                check(db, blogdb_pipeline_end(db), "pipeline end");
            }
        }
        printf("%.3f\n", now() - t);
        blogdb_users_row_free(u);
    } else {
        fprintf(stderr, "unknown workload %s\n", cmd);
        return 2;
    }
    blogdb_close(db);
    return 0;
}

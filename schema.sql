-- blogdb: the blog database. The single source of truth for blogdb-gen.
-- Apply to an empty PostgreSQL 15 database with:
--   psql -v ON_ERROR_STOP=1 -f schema.sql
-- The library connects as blog_app (below): its bindings are for that role, on every run of
-- blogdb-gen on this file (--role overrides it).
-- blogdb-gen: role blog_app

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

-- Roles (cluster-wide, so created only when missing):
--   blog_owner     owns every object; cannot log in.
--   blog_app       what the library connects as: reads and writes rows, no DDL, no TRUNCATE,
--                  not an owner, and subject to row-level security.
--   blog_readonly  reads published content and the audit log.
--   blog_stats     owns the author_stats materialized view only; bypasses row-level security so a
--                  refresh counts every post whoever asks for it; cannot log in. blog_app is a
--                  member, which lets it refresh the view (the attribute BYPASSRLS is not inherited).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'blog_owner') THEN
        CREATE ROLE blog_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'blog_app') THEN
        CREATE ROLE blog_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'blog_readonly') THEN
        CREATE ROLE blog_readonly LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'blog_stats') THEN
        CREATE ROLE blog_stats NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
    END IF;
END
$$;

CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');

CREATE TABLE users (
    id            uuid         PRIMARY KEY DEFAULT uuid_generate_v4(),
    email         varchar(255) NOT NULL,
    password_hash varchar(255) NOT NULL,
    created_at    timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE UNIQUE INDEX users_email_idx ON users (email);

CREATE TABLE posts (
    id         uuid         PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id    uuid         NOT NULL,
    title      varchar(255) NOT NULL,
    content    text         NOT NULL,
    status     post_status  NOT NULL DEFAULT 'draft',
    created_at timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

-- Indexes for the blog's reads (queries/ and the generated lists; a test reads their plans over
-- a million posts): each author's posts newest first (MyPosts; blogdb_posts_list_by_user_id
-- follows this index's order; the foreign key's lookups use it too), the public feed newest first
-- (FeedPage, and SearchPublishedTitles, which filters it: under row-level security PostgreSQL
-- applies the policies before any operator that is not LEAKPROOF, such as ILIKE, so no index on
-- title -- trigrams included -- could serve that search), and a time range
-- (blogdb_posts_list_by_created_at_range).
CREATE INDEX posts_user_id_created_at_idx ON posts (user_id, created_at DESC, id DESC);
CREATE INDEX posts_published_created_at_idx ON posts (created_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX posts_created_at_idx ON posts (created_at);

-- The acting user of the current transaction, as the library sets it (NULL when none).
CREATE FUNCTION app_user_id() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

-- The audit log: one row per insert, update and delete on users and posts, written by a
-- SECURITY DEFINER trigger; append-only; password hashes never enter it.
-- It grows without bound, so it is range-partitioned by month on "at" (the primary key must hold
-- the partition column). Partitions live in the schema audit_partitions, named by their month
-- (audit_partitions.audit_log_2026_12); audit_log_make_partitions() makes them ahead of time
-- (scripts/maintain.sh runs it), a row with no month partition lands in audit_log_default instead
-- of failing the write that caused it, and audit_log_detach_before() detaches old months for
-- archiving. The bindings read audit_log as one relation. id is a plain sequence: identity
-- columns on partitioned tables need PostgreSQL 17.
CREATE SCHEMA audit_partitions;
CREATE TABLE audit_log (
    id         bigserial,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      uuid,
    table_name text        NOT NULL,
    operation  text        NOT NULL,
    row_id     uuid        NOT NULL,
    old_row    jsonb,
    new_row    jsonb,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);

CREATE INDEX audit_log_row_id_idx ON audit_log (row_id);

-- Vacuum and analyze per table's life (scripts/maintain.sh does the rest):
--   audit_log is insert-only: vacuum after 2 % new rows (keeps the visibility map current, so
--   index-only scans stay cheap) and freeze at once (its rows never change), analyze after 5 %;
--   set on each partition (a partitioned table holds no rows and takes no storage settings);
--   posts are updated (status, title): vacuum after 5 % dead rows, analyze after 2 %, and leave
--   10 % of each page free so an update that changes no indexed column stays on its page (HOT);
--   users change rarely: analyze after 5 %.
CREATE TABLE audit_partitions.audit_log_default PARTITION OF audit_log DEFAULT
    WITH (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_freeze_min_age = 0,
          autovacuum_analyze_scale_factor = 0.05);

-- Makes the partitions of the months from "first" (default: this month) to months_ahead months
-- later that do not exist yet; rows of such a month already in audit_log_default move into its new
-- partition. Returns the partitions made. Runs as the owner, whoever calls it (EXECUTE is granted
-- to nobody: superusers and members of blog_owner).
CREATE FUNCTION audit_log_make_partitions(months_ahead int DEFAULT 3,
                                          first date DEFAULT date_trunc('month', now())::date)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    lo date;
    hi date;
    part text;
BEGIN
    IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
        RAISE EXCEPTION 'audit_log_make_partitions: months_ahead must be 0 to 120, not %', months_ahead
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 0..months_ahead LOOP
        lo := date_trunc('month', first)::date + make_interval(months => i);
        hi := lo + interval '1 month';
        part := 'audit_log_' || to_char(lo, 'YYYY_MM');
        CONTINUE WHEN to_regclass('audit_partitions.' || part) IS NOT NULL;
        -- Writers wait here for a moment instead of landing rows in the default partition
        -- between the move and the attach.
        LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
        EXECUTE format('CREATE TABLE audit_partitions.%I (LIKE audit_log INCLUDING DEFAULTS) WITH ('
                       'autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_freeze_min_age = 0, '
                       'autovacuum_analyze_scale_factor = 0.05)', part);
        EXECUTE format('INSERT INTO audit_partitions.%I SELECT * FROM audit_partitions.audit_log_default '
                       'WHERE at >= %L AND at < %L', part, lo, hi);
        EXECUTE format('DELETE FROM audit_partitions.audit_log_default WHERE at >= %L AND at < %L', lo, hi);
        EXECUTE format('ALTER TABLE audit_log ATTACH PARTITION audit_partitions.%I FOR VALUES FROM (%L) TO (%L)',
                       part, lo, hi);
        RETURN NEXT part;
    END LOOP;
END;
$$;

-- Detaches the month partitions that end on or before "before" (their rows leave audit_log and stay
-- in audit_partitions.audit_log_YYYY_MM, to dump and drop); returns their names.
CREATE FUNCTION audit_log_detach_before(before date)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part record;
BEGIN
    IF before IS NULL THEN
        RAISE EXCEPTION 'audit_log_detach_before: a date is needed' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_[0-9]{4}_[0-9]{2}$'
          AND to_date(substr(c.relname, 11), 'YYYY_MM') + interval '1 month' <= before
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE audit_log DETACH PARTITION audit_partitions.%I', part.relname);
        RETURN NEXT part.relname;
    END LOOP;
END;
$$;

-- Inserts and deletes are recorded once per statement from its transition table (one INSERT ...
-- SELECT: faster than a trigger per row for a bulk load, as bench/run measures against one);
-- updates once per row, since an update's old and new transition rows cannot be paired when the
-- key itself changes. Both record the same rows: the row without password_hash, the acting user.
CREATE FUNCTION audit_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    actor uuid := app_user_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_log (actor, table_name, operation, row_id, old_row, new_row)
        SELECT actor, TG_TABLE_NAME, TG_OP, n.id, NULL, to_jsonb(n) - 'password_hash' FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO audit_log (actor, table_name, operation, row_id, old_row, new_row)
        SELECT actor, TG_TABLE_NAME, TG_OP, o.id, to_jsonb(o) - 'password_hash', NULL FROM old_rows o;
    ELSE
        RAISE EXCEPTION 'audit_rows: % is recorded per row', TG_OP;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_json jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'password_hash' END;
    new_json jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'password_hash' END;
BEGIN
    INSERT INTO audit_log (actor, table_name, operation, row_id, old_row, new_row)
    VALUES (app_user_id(), TG_TABLE_NAME, TG_OP, (COALESCE(new_json, old_json)->>'id')::uuid, old_json, new_json);
    RETURN NULL;
END;
$$;

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER users_audit_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER users_audit_update AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER users_audit_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER posts_audit_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER posts_audit_update AFTER UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER posts_audit_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Its columns are listed, never u.*: a view runs with its owner's rights, so a password_hash here
-- would reach every role that reads the view, past the column grant that keeps it from them.
CREATE VIEW active_users AS
    SELECT DISTINCT u.id, u.email, u.created_at, u.updated_at
    FROM users u
    JOIN posts p ON p.user_id = u.id
    WHERE p.status = 'published';

-- Per-author statistics, computed ahead: reading it is an index lookup where the live aggregate
-- walks every post of the author (bench/run measures both). Refreshed CONCURRENTLY (readers are
-- never blocked; that needs the unique index) by blogdb_author_stats_refresh() or
-- scripts/maintain.sh. Draft and archived counts are visible to every reader of the view.
CREATE MATERIALIZED VIEW author_stats AS
    SELECT u.id AS user_id,
           count(p.id) FILTER (WHERE p.status = 'draft') AS drafts,
           count(p.id) FILTER (WHERE p.status = 'published') AS published,
           count(p.id) FILTER (WHERE p.status = 'archived') AS archived,
           max(p.created_at) FILTER (WHERE p.status = 'published') AS last_published_at
    FROM users u
    LEFT JOIN posts p ON p.user_id = u.id
    GROUP BY u.id;

CREATE UNIQUE INDEX author_stats_user_id_idx ON author_stats (user_id);

CREATE FUNCTION update_timestamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_timestamp_trigger
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_timestamp();

CREATE TRIGGER posts_timestamp_trigger
    BEFORE UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION update_timestamp();

COMMENT ON TABLE users IS 'Stores user information.';
COMMENT ON COLUMN users.id IS 'Primary key';
COMMENT ON COLUMN users.email IS 'User''s email address';
COMMENT ON COLUMN users.password_hash IS 'Hashed password';
COMMENT ON COLUMN users.created_at IS 'Creation timestamp';
COMMENT ON COLUMN users.updated_at IS 'Last update timestamp';

COMMENT ON TABLE posts IS 'Stores blog posts.';
COMMENT ON COLUMN posts.id IS 'Primary key';
COMMENT ON COLUMN posts.user_id IS 'Author''s user ID';
COMMENT ON COLUMN posts.title IS 'Post title';
COMMENT ON COLUMN posts.content IS 'Post content';
COMMENT ON COLUMN posts.status IS 'Publication status';
COMMENT ON COLUMN posts.created_at IS 'Creation timestamp';
COMMENT ON COLUMN posts.updated_at IS 'Last update timestamp';

COMMENT ON VIEW active_users IS 'Shows users with at least one published post.';

COMMENT ON MATERIALIZED VIEW author_stats IS 'Posts per status and last publication of each author, as of its last refresh.';

COMMENT ON TABLE audit_log IS 'Append-only record of every change to users and posts.';
COMMENT ON COLUMN audit_log.actor IS 'Acting user (app.user_id) of the change, NULL when none';
COMMENT ON COLUMN audit_log.operation IS 'INSERT, UPDATE or DELETE';
COMMENT ON COLUMN audit_log.old_row IS 'The row before the change, without password_hash';
COMMENT ON COLUMN audit_log.new_row IS 'The row after the change, without password_hash';

ALTER TABLE posts SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE users SET (autovacuum_analyze_scale_factor = 0.05);

-- Row-level security, forced on the owner too. The acting user is app_user_id().
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_read ON users FOR SELECT USING (true);
CREATE POLICY users_sign_up ON users FOR INSERT WITH CHECK (true);
CREATE POLICY users_update_own ON users FOR UPDATE USING (id = app_user_id()) WITH CHECK (id = app_user_id());
CREATE POLICY users_delete_own ON users FOR DELETE USING (id = app_user_id());

ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE posts FORCE ROW LEVEL SECURITY;
CREATE POLICY posts_read ON posts FOR SELECT USING (status = 'published' OR user_id = app_user_id());
CREATE POLICY posts_insert_own ON posts FOR INSERT WITH CHECK (user_id = app_user_id());
CREATE POLICY posts_update_own ON posts FOR UPDATE USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
CREATE POLICY posts_delete_own ON posts FOR DELETE USING (user_id = app_user_id());

-- Ownership and least privilege.
ALTER TABLE users OWNER TO blog_owner;
ALTER TABLE posts OWNER TO blog_owner;
ALTER TABLE audit_log OWNER TO blog_owner;
ALTER VIEW active_users OWNER TO blog_owner;
ALTER MATERIALIZED VIEW author_stats OWNER TO blog_stats;
ALTER TYPE post_status OWNER TO blog_owner;
ALTER FUNCTION update_timestamp() OWNER TO blog_owner;
ALTER FUNCTION app_user_id() OWNER TO blog_owner;
ALTER FUNCTION audit_row() OWNER TO blog_owner;
ALTER FUNCTION audit_rows() OWNER TO blog_owner;
ALTER FUNCTION audit_log_append_only() OWNER TO blog_owner;
ALTER SCHEMA audit_partitions OWNER TO blog_owner;
ALTER TABLE audit_partitions.audit_log_default OWNER TO blog_owner;
ALTER FUNCTION audit_log_make_partitions(int, date) OWNER TO blog_owner;
ALTER FUNCTION audit_log_detach_before(date) OWNER TO blog_owner;
REVOKE EXECUTE ON FUNCTION audit_log_make_partitions(int, date), audit_log_detach_before(date) FROM PUBLIC;

REVOKE ALL ON users, posts, audit_log, active_users, author_stats FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO blog_app, blog_readonly;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, posts TO blog_app;
GRANT SELECT ON active_users, audit_log TO blog_app;
GRANT SELECT ON posts, active_users, audit_log TO blog_readonly;
GRANT SELECT (id, email, created_at, updated_at) ON users TO blog_readonly;
-- author_stats: its owner reads what its query reads; blog_app refreshes it as a member.
GRANT SELECT (id) ON users TO blog_stats;
GRANT SELECT ON posts TO blog_stats;
GRANT blog_stats TO blog_app;
GRANT SELECT ON author_stats TO blog_readonly;

-- This month's audit_log partition and the next three's (as the owner, so they are blog_owner's).
SELECT count(*) FROM audit_log_make_partitions();

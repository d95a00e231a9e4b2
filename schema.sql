-- blogdb: the blog database. The single source of truth for blogdb-gen.
-- Apply to an empty PostgreSQL 15 database with:
--   psql -v ON_ERROR_STOP=1 -f schema.sql

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

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

CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE INDEX posts_created_at_idx ON posts (created_at);

CREATE VIEW active_users AS
    SELECT DISTINCT u.*
    FROM users u
    JOIN posts p ON p.user_id = u.id
    WHERE p.status = 'published';

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

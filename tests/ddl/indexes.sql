CREATE TABLE docs (id int PRIMARY KEY, owner int NOT NULL, title text, body text, tags text[], meta jsonb,
    created timestamptz NOT NULL, deleted boolean NOT NULL DEFAULT false);
CREATE INDEX docs_owner_created_idx ON docs (owner, created);
CREATE INDEX ON docs (owner) WHERE NOT deleted;
CREATE UNIQUE INDEX ON docs (owner, title) INCLUDE (created);
CREATE INDEX ON docs (lower(title));
CREATE INDEX ON docs ((meta->>'kind'));
CREATE INDEX ON docs USING gin (tags);
CREATE INDEX ON docs USING hash (body);
CREATE INDEX ON docs (created DESC NULLS LAST);
CREATE INDEX IF NOT EXISTS docs_owner_created_idx ON docs (owner);
CREATE UNIQUE INDEX docs_title_lower ON docs (lower(title), owner);
CREATE INDEX docs_owner_recent_idx ON docs (owner, created DESC, id DESC);
CREATE INDEX docs_deleted_mixed_idx ON docs (deleted, created DESC, owner);

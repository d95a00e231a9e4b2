-- Another project's schema: blogdb-gen builds its own library from it (blogdb_generate()).
CREATE TYPE priority AS ENUM ('low', 'normal', 'high');
CREATE TABLE tasks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    priority priority NOT NULL DEFAULT 'normal',
    due date,
    tags text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX ON tasks (priority);
-- Lists per priority follow this index: by title, then newest id first (a mixed-direction keyset).
CREATE INDEX tasks_priority_title_idx ON tasks (priority, title, id DESC);

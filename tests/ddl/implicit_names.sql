-- Implicit constraint and index names, as PostgreSQL chooses them.
CREATE TABLE authors (
    id bigserial PRIMARY KEY,
    handle text UNIQUE,
    email varchar(100) NOT NULL,
    UNIQUE (email, handle)
);
CREATE TABLE books (
    author_id bigint REFERENCES authors,
    isbn char(13),
    title text NOT NULL DEFAULT 'untitled',
    pages integer CHECK (pages > 0),
    PRIMARY KEY (author_id, isbn)
);
CREATE INDEX ON books (title);
CREATE INDEX ON books (lower(title));
CREATE UNIQUE INDEX ON books (title, pages);
CREATE TABLE a_table_name_that_is_quite_long_enough_to_be_truncated_by_postgres (
    a_column_name_that_is_also_rather_long_for_an_identifier int UNIQUE
);

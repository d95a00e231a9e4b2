CREATE TABLE template_t (
    id int PRIMARY KEY,
    name text NOT NULL DEFAULT 'n',
    code text UNIQUE,
    total int GENERATED ALWAYS AS (id * 2) STORED,
    CHECK (length(name) > 0)
);
CREATE INDEX ON template_t (name);
CREATE TABLE copy_plain (LIKE template_t);
CREATE TABLE copy_defaults (LIKE template_t INCLUDING DEFAULTS);
CREATE INDEX ON template_t (name DESC, id);
CREATE TABLE copy_all (LIKE template_t INCLUDING ALL, extra boolean);
-- copies of expression and INCLUDE indexes are named after the source index's column names
CREATE TABLE named_src (a text, b int, c int);
CREATE INDEX ON named_src (lower(a));
CREATE INDEX ON named_src (b) INCLUDE (c);
CREATE INDEX ON named_src ((b + c));
CREATE UNIQUE INDEX ON named_src (a, b) INCLUDE (c);
CREATE TABLE named_copy (LIKE named_src INCLUDING INDEXES);
CREATE TABLE named_copy2 (LIKE named_copy INCLUDING ALL);

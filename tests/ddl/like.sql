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

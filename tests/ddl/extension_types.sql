-- Types contrib's extensions create: strings in their text form in C (citext is text).
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS cube;
CREATE TABLE catalog_items (id int PRIMARY KEY, attrs hstore, path ltree NOT NULL, dims cube, doc tsvector,
    price money, during tstzrange);
CREATE INDEX ON catalog_items USING gist (path);
CREATE VIEW item_paths AS SELECT id, path, attrs FROM catalog_items;
CREATE TABLE shapes (id int PRIMARY KEY, r8 int8range, nr numrange, ts tsrange, q tsquery, m8 macaddr8, lsn pg_lsn,
    b box, poly polygon, c circle, rt regtype, mr int4multirange);

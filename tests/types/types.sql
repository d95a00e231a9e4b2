-- Every type of the type map, in and out, for the round-trip tests (tests/test_types.c).
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0);

CREATE TABLE everything (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, b boolean,
    n numeric(14,4), t text, v varchar(8), c char(4), u uuid, d date, ts timestamp, tz timestamptz, tm time,
    iv interval, j json, jb jsonb, by bytea, ip inet, m mood, pos positive,
    a_i4 integer[], a_i8 bigint[], a_t text[], a_u uuid[], a_m mood[], a_tz timestamptz[], a_b boolean[],
    a_f8 double precision[], a_n numeric[], a_by bytea[], a_iv interval[], a_d date[],
    doubled bigint GENERATED ALWAYS AS (i8 * 2) STORED
);

CREATE TABLE pairs (a integer, b text, note text, PRIMARY KEY (a, b));
CREATE TABLE plain_log (at timestamptz NOT NULL DEFAULT now(), msg text);
CREATE MATERIALIZED VIEW everything_count AS SELECT count(*) AS n FROM everything;

-- Types without a binary C shape: strings in their text form (BLOGDB_RT_TEXT_IO).
CREATE TABLE text_io (id int PRIMARY KEY, doc tsvector, price money NOT NULL, net cidr, mac macaddr,
    span int4range, p point, flags bit(3), at_tz timetz, x xml);
CREATE INDEX ON text_io (price);

-- More than 64 columns (71): column sets are a typesdb_wide_columns struct of words, not uint64_t.
-- id is column 0, c1..c68 are 1..68, late (a DEFAULT) is 69, last (generated) is 70.
CREATE TABLE wide (
    id int PRIMARY KEY,
    c1 int, c2 int, c3 int, c4 int, c5 int, c6 int, c7 int, c8 int, c9 int, c10 int, c11 int, c12
    int, c13 int, c14 int, c15 int, c16 int, c17 int, c18 int, c19 int, c20 int, c21 int, c22 int,
    c23 int, c24 int, c25 int, c26 int, c27 int, c28 int, c29 int, c30 int, c31 int, c32 int, c33
    int, c34 int, c35 int, c36 int, c37 int, c38 int, c39 int, c40 int, c41 int, c42 int, c43 int,
    c44 int, c45 int, c46 int, c47 int, c48 int, c49 int, c50 int, c51 int, c52 int, c53 int, c54
    int, c55 int, c56 int, c57 int, c58 int, c59 int, c60 int, c61 int, c62 int, c63 int, c64 int,
    c65 int, c66 int, c67 int, c68 int,
    late text NOT NULL DEFAULT 'default',
    last int GENERATED ALWAYS AS (c1 + 1) STORED
);

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

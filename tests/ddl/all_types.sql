-- Every builtin type of the type map, NOT NULL and nullable, and arrays of them.
CREATE TYPE color AS ENUM ('red', 'green', 'blue');
CREATE TABLE every_type (
    id bigint PRIMARY KEY,
    i2 smallint NOT NULL, i4 integer NOT NULL, i8 bigint NOT NULL,
    f4 real, f8 double precision, b boolean,
    n numeric, n10 numeric(10,2), n5 numeric(5),
    t text, v varchar(40), vv character varying, c char(3), ch character,
    u uuid, d date, ts timestamp, ts3 timestamp(3), tz timestamptz, tz0 timestamp(0) with time zone,
    tm time, iv interval, j json, jb jsonb, by bytea, ip inet, col color,
    a_i4 integer[], a_t text[], a_v varchar(10)[], a_u uuid[], a_col color[], a_ts timestamptz[], a_b boolean[],
    a_n numeric[], a_f8 float8[], a_by bytea[]
);

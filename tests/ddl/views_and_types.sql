-- Column types of every mapped kind, composite foreign keys, views over outer joins.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE things (
    id integer PRIMARY KEY,
    small smallint,
    big bigint NOT NULL DEFAULT 0,
    flag boolean,
    ratio real,
    score double precision,
    born date,
    seen timestamptz DEFAULT now(),
    at timestamp(3),
    doc json,
    docb jsonb,
    blob bytea,
    feeling mood NOT NULL DEFAULT 'ok',
    "Mixed Case" text
);
CREATE TABLE parts (
    thing_id integer NOT NULL,
    n integer NOT NULL,
    label varchar,
    PRIMARY KEY (thing_id, n),
    FOREIGN KEY (thing_id) REFERENCES things (id)
);
CREATE TABLE part_notes (
    thing_id integer,
    n integer,
    note text,
    CONSTRAINT part_notes_part_fk FOREIGN KEY (thing_id, n) REFERENCES parts (thing_id, n)
);
CREATE VIEW thing_parts AS
    SELECT t.id, t.feeling AS mood, p.n, p.label, t.big::int AS big_int, 1 AS one
    FROM things t LEFT JOIN parts p ON p.thing_id = t.id;

CREATE TYPE weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
CREATE TABLE schedules (
    id int PRIMARY KEY,
    days weekday[] NOT NULL DEFAULT '{}',
    hours int[],
    names text[] NOT NULL,
    codes varchar(4)[],
    stamps timestamptz[],
    ids uuid[],
    weights double precision[] ,
    flags boolean ARRAY,
    matrix int[][]
);

CREATE TABLE counters (
    id serial PRIMARY KEY,
    big bigserial,
    small smallserial,
    s4 serial4,
    s8 serial8 UNIQUE,
    label text
);
CREATE TABLE counters_again (id serial PRIMARY KEY);

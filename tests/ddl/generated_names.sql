-- Columns named like the generated code's own parameters and locals, and a table without columns:
-- the generated C must still compile (-Werror).
CREATE TABLE locals (id int PRIMARY KEY, x int, fn int, ctx int, args int, db int, out int, "row" int, rows int,
    "with" int, mask int, "limit" int, after int, scratch int, count int, next int, p int, q int, fn_ int);
CREATE INDEX ON locals (x);
CREATE INDEX ON locals (fn, ctx);
CREATE INDEX ON locals (fn_, db);
CREATE UNIQUE INDEX ON locals (out, "limit");
CREATE TABLE empty ();
CREATE VIEW empty_view AS SELECT FROM empty;

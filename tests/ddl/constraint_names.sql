-- CHECK and FOREIGN KEY names are per table (pg_constraint), not relation names (pg_class);
-- names PostgreSQL chooses avoid every constraint name of the schema.
CREATE TABLE a (id int PRIMARY KEY, b_id int, CONSTRAINT fk_x CHECK (id > 0));
CREATE TABLE b (id int PRIMARY KEY, a_id int CONSTRAINT fk_x REFERENCES a);
CREATE TABLE c (id int CONSTRAINT a CHECK (id > 0), x int CHECK (x > 0), y int CHECK (y > 0), CHECK (x < y));
CREATE TABLE d (x int CHECK (x > 0));
ALTER TABLE d ADD CONSTRAINT c_x_check1 CHECK (x < 10);
ALTER TABLE d ADD CHECK (x <> 5);
ALTER TABLE d ADD CHECK (x <> 6 AND x <> 7);
CREATE TABLE e (id int, other int REFERENCES a, CONSTRAINT e_pkey PRIMARY KEY (id), CONSTRAINT dup CHECK (id > 1));
ALTER TABLE e RENAME CONSTRAINT dup TO fk_x;
CREATE TABLE d_x_check (n int);
ALTER TABLE d_x_check ADD CHECK (n > 0);
COMMENT ON TABLE a IS 'table a';
COMMENT ON COLUMN a.b_id IS 'no key';

-- The schema's own functions type the views that call them (RETURNS; DEFAULT arguments may be left out);
-- triggers and pseudo-type signatures are accepted and not used (set-returning ones: own_set_functions.sql).
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL, price numeric(10,2));
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
CREATE FUNCTION with_tax(p numeric, rate numeric DEFAULT 0.2) RETURNS numeric LANGUAGE sql AS $$ SELECT p * (1 + rate) $$;
CREATE FUNCTION cheer(m mood) RETURNS mood LANGUAGE sql AS $$ SELECT 'ok'::mood $$;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION many() RETURNS SETOF int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION anyf(anyelement) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE VIEW v AS SELECT id, app_user_id() AS me, with_tax(price) AS gross, with_tax(price, 0.1) AS gross2, cheer(m) AS c FROM t;
CREATE FUNCTION gone(int) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;
DROP FUNCTION gone(int);
CREATE OR REPLACE FUNCTION with_tax(p numeric, rate numeric DEFAULT 0.25) RETURNS numeric LANGUAGE sql AS $$ SELECT p * (1 + rate) $$;
CREATE VIEW v2 AS SELECT with_tax(1) AS one, app_user_id() IS NULL AS anonymous FROM t;

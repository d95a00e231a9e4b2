-- DROP SCHEMA ... CASCADE takes what lives in the schema, and the views elsewhere that read it.
CREATE SCHEMA old;
CREATE TYPE old.state AS ENUM ('a', 'b');
CREATE DOMAIN old.positive AS int CHECK (VALUE > 0);
CREATE TABLE old.items (id int PRIMARY KEY, s old.state, n old.positive);
CREATE TABLE old.parts (id int PRIMARY KEY, item_id int REFERENCES old.items);
CREATE VIEW old.item_ids AS SELECT id FROM old.items;
CREATE FUNCTION old.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TABLE keep (id int PRIMARY KEY, item_id int REFERENCES old.items);
CREATE VIEW public.item_count AS SELECT count(*) AS n FROM old.items;
DROP SCHEMA old CASCADE;
CREATE SCHEMA old;
CREATE TABLE old.again (id int);

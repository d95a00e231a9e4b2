CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, touched timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER notes_touch BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN a + b;
CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM notes;
END;
CREATE OR REPLACE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE PROCEDURE cleanup() LANGUAGE sql AS $$ DELETE FROM notes WHERE body = '' $$;
DROP TRIGGER notes_touch ON notes;
CREATE TRIGGER notes_touch2 AFTER DELETE ON notes FOR EACH STATEMENT EXECUTE FUNCTION touch();
DROP FUNCTION IF EXISTS nothing();

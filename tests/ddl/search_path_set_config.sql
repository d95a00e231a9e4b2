-- As pg_dump writes it: an empty search_path, everything qualified.
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA shop;
CREATE TABLE shop.items (id integer NOT NULL, name text NOT NULL);
ALTER TABLE ONLY shop.items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
SELECT pg_catalog.set_config('search_path', 'shop, public', false);
CREATE TABLE orders (id integer PRIMARY KEY, item_id integer REFERENCES items);

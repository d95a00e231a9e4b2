-- ALTER ... SET SCHEMA moves a relation with its indexes; views and foreign keys follow it.
CREATE SCHEMA archive;
CREATE TABLE orders (id int PRIMARY KEY, note text);
CREATE INDEX orders_note_idx ON orders (note);
CREATE TABLE lines (id int PRIMARY KEY, order_id int REFERENCES orders);
CREATE VIEW order_notes AS SELECT id, note FROM orders;
ALTER TABLE orders SET SCHEMA archive;
ALTER VIEW order_notes SET SCHEMA archive;
CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE INDEX orders_note_idx ON orders (id);
DROP VIEW archive.order_notes;
ALTER TABLE archive.orders DROP COLUMN note;
ALTER TABLE IF EXISTS nope SET SCHEMA archive;

-- Composite types: accepted; a column of one is a string in its text form.
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE TYPE money_amount AS (amount numeric(12,2), currency char(3));
CREATE TABLE customers (id int PRIMARY KEY, home address, billing address NOT NULL, balance money_amount);
CREATE VIEW customer_homes AS SELECT id, home FROM customers;
CREATE TYPE unused AS (a int);
DROP TYPE unused;
-- Renamed and moved: columns and views follow the type (format_type qualifies it outside public).
CREATE SCHEMA billing;
ALTER TYPE money_amount SET SCHEMA billing;
ALTER TYPE address RENAME TO postal_address;
CREATE VIEW customer_balances AS SELECT id, balance FROM customers;

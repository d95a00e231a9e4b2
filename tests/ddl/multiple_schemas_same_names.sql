CREATE SCHEMA v1;
CREATE SCHEMA v2;
CREATE TABLE v1.items (id int PRIMARY KEY, name text UNIQUE);
CREATE TABLE v2.items (id int PRIMARY KEY, name text UNIQUE);
CREATE TABLE items (id int PRIMARY KEY);
CREATE TYPE v2.kind AS ENUM ('a');
ALTER TABLE v2.items ADD COLUMN kind v2.kind;

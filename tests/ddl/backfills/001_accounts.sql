-- A migration history with data backfills: rows written between the schema changes.
CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL, plan text);
INSERT INTO accounts (name, plan) VALUES ('a', 'free'), ('b', NULL), ('c', 'pro');

CREATE TABLE metrics (id int PRIMARY KEY, v int, label varchar(10), at timestamp, ratio real);
ALTER TABLE metrics ALTER COLUMN v TYPE numeric(12,4), ALTER COLUMN label TYPE text, ALTER COLUMN at TYPE timestamptz USING at AT TIME ZONE 'UTC';
ALTER TABLE metrics ALTER COLUMN ratio SET DATA TYPE double precision;
ALTER TABLE metrics ALTER COLUMN id TYPE bigint;

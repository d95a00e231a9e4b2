CREATE UNLOGGED TABLE cache (key text PRIMARY KEY, value bytea, expires timestamptz) WITH (fillfactor = 70);
ALTER TABLE cache ALTER COLUMN value SET STORAGE EXTERNAL;
ALTER TABLE cache SET (autovacuum_enabled = false);
ALTER TABLE cache ALTER COLUMN key SET STATISTICS 500;
CLUSTER cache USING cache_pkey;

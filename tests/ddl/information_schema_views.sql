-- Views over information_schema, as admin dashboards and migration tools write them: qualified,
-- joined with each other and with pg-free aggregates, and unqualified with information_schema on
-- the search path. Their columns are information_schema's domains (sql_identifier, yes_or_no...).
CREATE TABLE audited_tables (table_name text PRIMARY KEY, since timestamptz NOT NULL DEFAULT now());

CREATE VIEW app_tables AS
    SELECT t.table_schema, t.table_name, t.table_type, t.is_insertable_into
    FROM information_schema.tables t WHERE t.table_schema = 'public';
CREATE VIEW app_columns AS
    SELECT c.table_name, c.column_name, c.ordinal_position, c.data_type, c.is_nullable,
           c.character_maximum_length, c.column_default
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE t.table_schema = 'public';
CREATE VIEW audit_coverage AS
    SELECT t.table_name, a.since, a.table_name IS NOT NULL AS audited
    FROM information_schema.tables t LEFT JOIN audited_tables a ON a.table_name = t.table_name::text;
CREATE VIEW column_counts AS
    SELECT table_name, count(*) AS n FROM information_schema.columns GROUP BY table_name;
SET search_path = public, information_schema;
CREATE VIEW key_columns AS SELECT constraint_name, table_name, column_name, ordinal_position FROM key_column_usage;
RESET search_path;

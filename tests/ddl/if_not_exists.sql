CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text);
CREATE TABLE IF NOT EXISTS settings (something_else int);
CREATE SCHEMA IF NOT EXISTS extra;
CREATE SCHEMA IF NOT EXISTS extra;
CREATE INDEX IF NOT EXISTS settings_value_idx ON settings (value);
CREATE INDEX IF NOT EXISTS settings_value_idx ON settings (key);
CREATE MATERIALIZED VIEW IF NOT EXISTS setting_keys AS SELECT key FROM settings;
CREATE MATERIALIZED VIEW IF NOT EXISTS setting_keys AS SELECT value FROM settings;

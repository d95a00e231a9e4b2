-- Privileges as real schemas set them up: roles and a group, default privileges for what a role
-- creates next, GRANT ... ON ALL TABLES IN SCHEMA, column grants, REVOKE (which takes column
-- grants with it), ownership by ALTER ... OWNER TO and by SET ROLE, and PUBLIC.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'priv_owner') THEN CREATE ROLE priv_owner NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'priv_app') THEN CREATE ROLE priv_app NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'priv_readers') THEN CREATE ROLE priv_readers NOLOGIN; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'priv_report') THEN CREATE ROLE priv_report NOLOGIN; END IF;
END $$;
GRANT priv_readers TO priv_report;
GRANT priv_owner TO CURRENT_USER;

CREATE SCHEMA app;
CREATE TABLE app.accounts (id int PRIMARY KEY, email text NOT NULL, secret text, balance numeric);
CREATE TABLE app.ledger (id bigint PRIMARY KEY, account_id int REFERENCES app.accounts, amount numeric NOT NULL);
CREATE VIEW app.balances AS SELECT id, balance FROM app.accounts;
GRANT USAGE ON SCHEMA app TO priv_app, priv_readers;
GRANT SELECT ON ALL TABLES IN SCHEMA app TO priv_readers;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.accounts, app.ledger TO priv_app;
REVOKE UPDATE, DELETE ON app.ledger FROM priv_app;          -- append-only for the app
REVOKE SELECT ON app.accounts FROM priv_readers;
GRANT SELECT (id, email, balance) ON app.accounts TO priv_readers;  -- never the secret
GRANT UPDATE (balance) ON app.accounts TO priv_report;
GRANT SELECT ON app.balances TO PUBLIC;

-- What priv_owner creates from here on is readable by the readers and writable by the app.
ALTER DEFAULT PRIVILEGES FOR ROLE priv_owner IN SCHEMA app GRANT SELECT ON TABLES TO priv_readers;
ALTER DEFAULT PRIVILEGES FOR ROLE priv_owner GRANT INSERT ON TABLES TO priv_app;
GRANT USAGE, CREATE ON SCHEMA app TO priv_owner;
SET ROLE priv_owner;
CREATE TABLE app.events (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), what text);
RESET ROLE;
CREATE TABLE app.notes (id int PRIMARY KEY, body text);     -- not priv_owner's: no default privileges
ALTER TABLE app.notes OWNER TO priv_app;                     -- the app owns it: every privilege
CREATE TABLE app.later (id int PRIMARY KEY);
GRANT ALL ON app.later TO priv_readers;
REVOKE ALL ON app.later FROM priv_readers;

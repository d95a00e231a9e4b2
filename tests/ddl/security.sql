DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'corpus_app') THEN CREATE ROLE corpus_app NOLOGIN; END IF;
END $$;
CREATE TABLE secrets (id int PRIMARY KEY, owner text NOT NULL DEFAULT current_user, value text);
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON secrets USING (owner = current_user);
CREATE POLICY insert_own ON secrets FOR INSERT WITH CHECK (owner = current_user);
GRANT SELECT, INSERT ON secrets TO corpus_app;
REVOKE INSERT ON secrets FROM corpus_app;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO corpus_app;
COMMENT ON POLICY owner_only ON secrets IS 'owners see their rows';

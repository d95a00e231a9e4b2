-- needs PostgreSQL 15 (MERGE)
CREATE TABLE account_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id int NOT NULL REFERENCES accounts,
    kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO account_events (account_id, kind) SELECT id, 'created' FROM accounts
    ON CONFLICT DO NOTHING;
MERGE INTO account_events e USING accounts a ON e.account_id = a.id AND e.kind = 'plan'
    WHEN NOT MATCHED THEN INSERT (account_id, kind) VALUES (a.id, 'plan');
DELETE FROM account_events WHERE kind = 'nothing';
CREATE TEMP TABLE pg_temp.counts AS SELECT kind, count(*) AS n FROM account_events GROUP BY kind;
SELECT * FROM counts;
TRUNCATE counts;
VALUES (1);
COPY (SELECT 1) TO STDOUT;

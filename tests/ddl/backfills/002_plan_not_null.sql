UPDATE accounts SET plan = 'free' WHERE plan IS NULL;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
-- a scratch table for the backfill: temporary, gone with the session
CREATE TEMP TABLE plan_map (old text PRIMARY KEY, new text NOT NULL);
INSERT INTO plan_map VALUES ('free', 'starter'), ('pro', 'business');
CREATE INDEX ON plan_map (new);
UPDATE accounts a SET plan = m.new FROM plan_map m WHERE m.old = a.plan;
CREATE TEMPORARY VIEW plan_counts AS SELECT new, count(*) AS n FROM plan_map GROUP BY new;

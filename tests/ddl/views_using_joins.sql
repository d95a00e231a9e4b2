-- Joins with USING, NATURAL and aliases, as hand-written views use them: SELECT * puts the merged
-- columns first (their common type), an unqualified merged name is not ambiguous, a qualified one
-- still reaches its side, outer joins keep nullability, and joins nest.
CREATE TABLE orgs (org_id int PRIMARY KEY, org_name text NOT NULL, name text);
CREATE TABLE teams (team_id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, name text NOT NULL);
CREATE TABLE members (team_id bigint NOT NULL, user_name varchar(40) NOT NULL, org_id int, since date,
    PRIMARY KEY (team_id, user_name));

CREATE VIEW team_orgs AS SELECT * FROM teams JOIN orgs USING (org_id, name);
CREATE VIEW team_orgs_left AS SELECT * FROM teams LEFT JOIN orgs USING (org_id, name);
CREATE VIEW team_orgs_full AS SELECT org_id, teams.name AS team, orgs.name AS org FROM teams FULL JOIN orgs USING (org_id);
CREATE VIEW members_teams AS SELECT * FROM members JOIN teams USING (team_id, org_id);
CREATE VIEW members_natural AS SELECT * FROM members NATURAL JOIN teams;
CREATE VIEW nested AS SELECT * FROM members m JOIN teams t USING (team_id, org_id) JOIN orgs o USING (org_id, name);
CREATE VIEW nested_cols AS SELECT team_id, t.org_id, m.org_id AS member_org, o.name, org_name
    FROM members m JOIN teams t USING (team_id) JOIN orgs o ON o.org_id = t.org_id;
CREATE VIEW aliased AS SELECT j.org_id, j.name FROM (teams JOIN orgs USING (org_id, name)) AS j;
CREATE VIEW on_alias AS SELECT x.team_id, x.org_name FROM (teams t JOIN orgs o ON o.org_id = t.org_id) AS x;
CREATE VIEW star_of_side AS SELECT t.*, o.name AS org, org_id AS merged FROM teams t JOIN orgs o USING (org_id);

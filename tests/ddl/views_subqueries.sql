CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE players (id int PRIMARY KEY, team_id int NOT NULL REFERENCES teams, points int NOT NULL);
CREATE VIEW team_points AS
    SELECT t.name, s.total, s.n
    FROM teams t JOIN (SELECT team_id, sum(points) AS total, count(*) AS n FROM players GROUP BY team_id) s ON s.team_id = t.id;
CREATE VIEW team_best AS
    SELECT t.name, (SELECT max(p.points) FROM players p WHERE p.team_id = t.id) AS best,
           EXISTS (SELECT 1 FROM players p WHERE p.team_id = t.id) AS has_players
    FROM teams t;
CREATE VIEW renamed AS SELECT x.a, x.b FROM (SELECT id, name FROM teams) AS x (a, b);

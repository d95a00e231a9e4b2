CREATE TABLE log_lines (at timestamptz NOT NULL DEFAULT now(), level text, message text);
CREATE TABLE pairs (a int NOT NULL, b int NOT NULL, UNIQUE (a, b));
CREATE INDEX ON log_lines (at);

-- Table inheritance: a child has its parents' columns first (merged by name), their NOT NULL,
-- defaults and CHECK constraints, then its own.
CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), kind text CHECK (kind <> ''));
CREATE TABLE tagged (tags text[] NOT NULL DEFAULT '{}', kind text);
CREATE TABLE clicks (url text NOT NULL, kind text NOT NULL) INHERITS (events, tagged);
CREATE TABLE views (id bigint, page int) INHERITS (events);
ALTER TABLE clicks ADD COLUMN referrer text;
CREATE INDEX ON clicks (url);
COMMENT ON TABLE clicks IS 'inherits events and tagged';

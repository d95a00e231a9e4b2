CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TYPE app.state AS ENUM ('on', 'off');
CREATE TABLE app.devices (id uuid PRIMARY KEY, state app.state NOT NULL);
CREATE TABLE audit.events (id bigserial PRIMARY KEY, device_id uuid REFERENCES app.devices (id), at timestamptz NOT NULL);
CREATE INDEX ON audit.events (device_id);
SET search_path TO app, public;
CREATE TABLE readings (device_id uuid NOT NULL REFERENCES devices, value double precision, state state);
CREATE VIEW last_readings AS SELECT r.device_id, r.value, d.state FROM readings r JOIN devices d ON d.id = r.device_id;

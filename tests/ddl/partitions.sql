CREATE TABLE measurements (
    sensor_id int NOT NULL,
    at timestamptz NOT NULL,
    value double precision,
    PRIMARY KEY (sensor_id, at)
) PARTITION BY RANGE (at);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX ON measurements (value);
CREATE TABLE events (id bigint NOT NULL, kind text NOT NULL, payload jsonb) PARTITION BY LIST (kind);
CREATE TABLE events_click PARTITION OF events FOR VALUES IN ('click');
CREATE TABLE events_other (id bigint NOT NULL, kind text NOT NULL, payload jsonb);
ALTER TABLE events ATTACH PARTITION events_other DEFAULT;

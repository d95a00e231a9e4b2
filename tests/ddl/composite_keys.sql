CREATE TABLE regions (country char(2), code text, name text NOT NULL, PRIMARY KEY (country, code));
CREATE TABLE cities (
    country char(2) NOT NULL, region_code text NOT NULL, name text NOT NULL, population int,
    PRIMARY KEY (country, region_code, name),
    FOREIGN KEY (country, region_code) REFERENCES regions
);
CREATE TABLE visits (
    id bigserial PRIMARY KEY, country char(2), region_code text, city text,
    CONSTRAINT visits_city_fk FOREIGN KEY (country, region_code, city) REFERENCES cities (country, region_code, name)
);
CREATE INDEX ON cities (population);

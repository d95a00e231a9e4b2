CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE DOMAIN short_code AS varchar(8) DEFAULT 'none';
CREATE TABLE subscribers (
    id positive_int PRIMARY KEY,
    address email NOT NULL,
    backup email,
    code short_code,
    tries positive_int
);

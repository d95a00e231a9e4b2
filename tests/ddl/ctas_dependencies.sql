-- CREATE TABLE AS keeps no dependency on its source; a materialized view does.
CREATE TABLE src (a int);
CREATE TABLE copy AS SELECT a FROM src;
DROP TABLE src;
CREATE TABLE s2 (b int);
CREATE MATERIALIZED VIEW mv AS SELECT b FROM s2;
DROP TABLE s2 CASCADE;

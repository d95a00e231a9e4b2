-- DROP COLUMN takes what depends on the column, as PostgreSQL does: CHECKs that read it (one
-- column or several), indexes with it in an expression, a WHERE or INCLUDE; a RENAME follows it.
CREATE TABLE docs (id int PRIMARY KEY, title text NOT NULL CHECK (title <> ''), body text, score int, lang text,
    CONSTRAINT body_or_title CHECK (body IS NOT NULL OR title IS NOT NULL), CHECK (score >= 0));
CREATE INDEX docs_lower_title ON docs (lower(title));
CREATE INDEX docs_scored ON docs (id) WHERE score > 10;
CREATE INDEX docs_with_lang ON docs (id) INCLUDE (lang);
CREATE INDEX docs_body ON docs (body);
ALTER TABLE docs RENAME COLUMN score TO rank;
ALTER TABLE docs DROP COLUMN title;
ALTER TABLE docs DROP COLUMN rank;
ALTER TABLE docs DROP COLUMN lang;
ALTER TABLE docs ADD CHECK (body <> 'x');

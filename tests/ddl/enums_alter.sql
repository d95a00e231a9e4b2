CREATE TYPE mood AS ENUM ('sad', 'happy');
ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';
ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';
ALTER TYPE mood ADD VALUE 'angry';
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'angry';
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
CREATE TYPE level AS ENUM ();
ALTER TYPE level ADD VALUE 'low';
CREATE TABLE feelings (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok', l level);

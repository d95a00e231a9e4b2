ALTER TABLE profiles RENAME COLUMN bio TO about;
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;
CREATE TYPE plan AS ENUM ('free', 'pro');
ALTER TABLE accounts ADD COLUMN plan plan NOT NULL DEFAULT 'free';

DROP TABLE profiles;
ALTER TABLE accounts DROP COLUMN name;

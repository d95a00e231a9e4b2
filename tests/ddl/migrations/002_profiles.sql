CREATE TABLE profiles (account_id bigint PRIMARY KEY REFERENCES accounts, bio text);
ALTER TABLE accounts ADD COLUMN name text;

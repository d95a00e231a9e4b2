CREATE VIEW account_profiles AS SELECT a.id, a.email, p.about FROM accounts a LEFT JOIN profiles p ON p.account_id = a.id;

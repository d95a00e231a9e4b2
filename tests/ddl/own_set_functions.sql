-- Views over the schema's own set-returning functions, as real schemas write them: RETURNS TABLE,
-- OUT parameters, RETURNS SETOF a table's row type or a scalar, a single OUT parameter (the column
-- takes its name), WITH ORDINALITY, column aliases, and a LATERAL call over a table.
CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL DEFAULT 0);

CREATE FUNCTION rich(min_balance numeric) RETURNS SETOF accounts
    LANGUAGE sql STABLE AS $$ SELECT * FROM accounts WHERE balance >= min_balance $$;
CREATE FUNCTION owners_of(prefix text)
    RETURNS TABLE (owner text, accounts bigint, total numeric)
    LANGUAGE sql STABLE AS $$ SELECT owner, count(*), sum(balance) FROM accounts WHERE owner LIKE prefix || '%' GROUP BY owner $$;
CREATE FUNCTION split_name(full_name text, OUT first_name text, OUT last_name varchar(40))
    LANGUAGE sql IMMUTABLE AS $$ SELECT split_part(full_name, ' ', 1), split_part(full_name, ' ', 2) $$;
CREATE FUNCTION days_back(n int) RETURNS SETOF date
    LANGUAGE sql IMMUTABLE AS $$ SELECT current_date - i FROM generate_series(0, n - 1) i $$;
CREATE FUNCTION one_total(OUT grand_total numeric)
    LANGUAGE sql STABLE AS $$ SELECT sum(balance) FROM accounts $$;
CREATE FUNCTION tagged(a_id int) RETURNS TABLE (tag text)
    LANGUAGE sql STABLE AS $$ SELECT 'vip' WHERE a_id > 10 $$;

CREATE VIEW rich_accounts AS SELECT r.id, r.owner, r.balance FROM rich(1000) r;
CREATE VIEW rich_all AS SELECT * FROM rich(0);
CREATE VIEW owner_totals AS SELECT * FROM owners_of('a');
CREATE VIEW owner_renamed AS SELECT o.* FROM owners_of('b') AS o (who, n);
CREATE VIEW names AS SELECT a.id, s.first_name, s.last_name FROM accounts a, split_name(a.owner) s;
CREATE VIEW recent_days AS SELECT d, n FROM days_back(7) WITH ORDINALITY AS t (d, n);
CREATE VIEW recent_default AS SELECT * FROM days_back(3);
CREATE VIEW recent_alias AS SELECT * FROM days_back(3) AS day;
CREATE VIEW totals AS SELECT * FROM one_total() AS t;
CREATE VIEW account_tags AS SELECT a.id, t.tag FROM accounts a CROSS JOIN LATERAL tagged(a.id) t;
CREATE VIEW single_scalar AS SELECT id, split_name(owner) IS NULL AS no_name FROM accounts;
CREATE FUNCTION short_owner(a_id int) RETURNS varchar(12)
    LANGUAGE sql STABLE AS $$ SELECT left(owner, 12) FROM accounts WHERE id = a_id $$;
CREATE VIEW short_owners AS SELECT id, short_owner(id) AS owner FROM accounts;

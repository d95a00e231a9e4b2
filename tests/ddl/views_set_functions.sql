-- Set-returning functions in FROM: generate_series, unnest, json(b) elements and pairs.
CREATE TABLE posts (id int PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', meta jsonb, published date);
CREATE VIEW days AS SELECT d AS day FROM generate_series(date '2024-01-01', date '2024-01-31', interval '1 day') d;
CREATE VIEW numbers AS SELECT n, n * 2 AS doubled FROM generate_series(1, 10) AS n;
CREATE VIEW numbered AS SELECT * FROM generate_series(1, 3) WITH ORDINALITY;
CREATE VIEW post_tags AS SELECT p.id, t.tag, t.pos FROM posts p, unnest(p.tags) WITH ORDINALITY AS t(tag, pos);
CREATE VIEW meta_pairs AS SELECT p.id, kv.key, kv.value FROM posts p CROSS JOIN LATERAL jsonb_each(p.meta) kv;
CREATE VIEW meta_texts AS SELECT e.value FROM posts p, jsonb_array_elements_text(p.meta) e;
CREATE VIEW words AS SELECT w FROM regexp_split_to_table('a b c', ' ') AS w;
CREATE VIEW pairs AS SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b']) AS u(n, s);

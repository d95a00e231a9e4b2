-- Views real projects have: ARRAY[...] and ARRAY(subquery), subscripts, scalar subqueries named
-- after their column, untyped NULLs in UNION branches, and more builtins.
CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL, tags text[], n numeric, v2 varchar(5));
CREATE VIEW arrays AS SELECT ARRAY[id, 2] AS ids, ARRAY['a', 'b'] AS ab, ARRAY[name, NULL] AS names, ARRAY[v2],
    ARRAY(SELECT id FROM t) AS all_ids, ARRAY[]::int[] AS none, tags[1] AS first, tags[1:2] AS two,
    coalesce(tags[1], '') AS first_or_empty FROM t;
CREATE VIEW scalars AS SELECT (SELECT max(id) FROM t), (SELECT name AS nm FROM t LIMIT 1), (SELECT 1 + 1);
CREATE VIEW unions AS SELECT 1 AS x, NULL AS y, 'a' AS z UNION SELECT NULL, now(), 'b'
    UNION ALL SELECT 2.5, NULL, NULL;
CREATE VIEW maths AS SELECT power(n, 2) AS p, power(id, 2) AS q, sqrt(n) AS r, sqrt(id) AS s2, exp(1.0) AS e,
    ln(2) AS l, log(10.0) AS lg, pi() AS pp, sign(n) AS sg FROM t;
CREATE VIEW array_fns AS SELECT array_to_string(tags, ',') AS s, string_to_array(name, ',') AS parts,
    array_append(tags, 'x') AS t2, array_prepend('y', tags) AS t3, array_position(tags, 'x') AS pos,
    array_upper(tags, 1) AS up, unnest(tags) AS tag FROM t;
CREATE VIEW stats AS SELECT variance(id) AS vi, stddev(n) AS sn, variance(id::float8) AS vf FROM t;
CREATE VIEW typmods AS SELECT coalesce(name, NULL) AS a, coalesce(v2, v2) AS b, coalesce(name, v2) AS c,
    CASE WHEN id > 0 THEN name END AS d, CASE WHEN id > 0 THEN v2 ELSE v2 END AS e, greatest(v2, v2) AS f,
    ARRAY(SELECT v2 FROM t) AS g FROM t;

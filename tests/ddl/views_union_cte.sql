CREATE TABLE cats (id int PRIMARY KEY, name text NOT NULL, born date);
CREATE TABLE dogs (id bigint PRIMARY KEY, name varchar(50) NOT NULL, born date NOT NULL);
CREATE VIEW pets AS
    SELECT id, name, born, 'cat' AS kind FROM cats
    UNION ALL
    SELECT id, name, born, 'dog' FROM dogs;
CREATE VIEW recent AS
    WITH young AS (SELECT id, name FROM cats WHERE born > '2020-01-01'),
         old (dog_id, dog_name) AS (SELECT id, name FROM dogs)
    SELECT y.name AS cat, o.dog_name FROM young y CROSS JOIN old o;
CREATE VIEW numbers AS VALUES (1, 'one'), (2, 'two');
CREATE VIEW common AS SELECT name FROM cats INTERSECT SELECT name FROM dogs;

-- WITH RECURSIVE: the columns come from the non-recursive term, which the recursive term sees.
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories, name varchar(40) NOT NULL);
CREATE VIEW category_paths AS
WITH RECURSIVE tree (id, path, depth) AS (
    SELECT id, name::text, 1 FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, t.path || '/' || c.name, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT id, path, depth FROM tree;
CREATE VIEW countdown AS WITH RECURSIVE n(i) AS (SELECT 10 UNION SELECT i - 1 FROM n WHERE i > 0) SELECT i FROM n;
CREATE VIEW plain_in_recursive AS WITH RECURSIVE roots AS (SELECT id FROM categories WHERE parent_id IS NULL)
    SELECT id FROM roots;

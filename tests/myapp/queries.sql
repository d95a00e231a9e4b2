-- Another project's own queries: blogdb_generate(... QUERIES queries.sql) types them.
-- name: TasksDueBefore :many
SELECT id, title, due FROM tasks WHERE due < @before OR due IS NULL ORDER BY id;

-- name: Reprioritize :execrows
UPDATE tasks SET priority = @priority WHERE title = @title;

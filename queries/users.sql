-- name: UserByEmail :one
SELECT id, email, created_at FROM users WHERE email = @email;

-- Authors with how many posts they published, most prolific first.
-- name: TopAuthors :many
SELECT u.id, u.email, count(p.id) AS published
FROM users u
LEFT JOIN posts p ON p.user_id = u.id AND p.status = 'published'
GROUP BY u.id, u.email
ORDER BY published DESC, u.id
LIMIT @max_authors;

-- name: TouchUser :exec
UPDATE users SET updated_at = now() WHERE id = @id;

-- The blog's own queries (sqlc's annotation syntax): blogdb-gen --queries queries/ types each
-- against schema.sql and generates blogdb_queries.h. Indexes that serve them: schema.sql.

-- The public feed: published posts, newest first, with each author's email.
-- Keyset paging: pass the created_at and id of the last row of the previous page
-- (for the first page, a time after every post and the nil UUID).
-- name: FeedPage :many
SELECT p.id, p.title, p.created_at, u.email AS author_email
FROM posts p
JOIN users u ON u.id = p.user_id
WHERE p.status = 'published'
  AND (p.created_at, p.id) < (@before_created_at, @before_id)
ORDER BY p.created_at DESC, p.id DESC
LIMIT @page_size;

-- The feed as whole posts, each with its author's email: sqlc.embed(p) is a nested posts row.
-- name: FeedPosts :many
SELECT sqlc.embed(p), u.email AS author_email
FROM posts p
JOIN users u ON u.id = p.user_id
WHERE p.status = 'published'
ORDER BY p.created_at DESC, p.id DESC
LIMIT @page_size;

-- One author's posts, newest first, every status, keyset paged like the feed.
-- name: MyPosts :many
SELECT * FROM posts
WHERE user_id = @user_id
  AND (created_at, id) < (@before_created_at, @before_id)
ORDER BY created_at DESC, id DESC
LIMIT @page_size;

-- How many posts an author has in each status.
-- name: CountMyPostsByStatus :many
SELECT status, count(*) AS posts
FROM posts
WHERE user_id = @user_id
GROUP BY status
ORDER BY status;

-- Published posts whose title contains a word (case-insensitive), newest first.
-- name: SearchPublishedTitles :many
SELECT id, title, created_at
FROM posts
WHERE status = 'published' AND title ILIKE '%' || @word || '%'
ORDER BY created_at DESC
LIMIT @max_results;

-- A post with its author's email.
-- name: PostWithAuthor :one
SELECT p.id, p.title, p.content, p.status, p.created_at, u.id AS author_id, u.email AS author_email
FROM posts p
JOIN users u ON u.id = p.user_id
WHERE p.id = @id;

-- Publishes a draft of its author's.
-- name: PublishPost :execrows
UPDATE posts SET status = 'published', updated_at = now()
WHERE id = @id AND user_id = @user_id AND status = 'draft';

-- Renames a post and returns it as stored.
-- name: RenamePost :one
UPDATE posts SET title = @title
WHERE id = @id
RETURNING *;

-- Writes a draft.
-- name: CreateDraft :one
INSERT INTO posts (user_id, title, content)
VALUES (@user_id, @title, @content)
RETURNING *;

-- Several posts at once, by id.
-- name: PostsByIds :many
SELECT id, title, status FROM posts WHERE id = ANY(@ids::uuid[]) ORDER BY id;

-- Deletes an author's drafts older than a moment.
-- name: DeleteOldDrafts :execrows
DELETE FROM posts WHERE user_id = $1 AND status = 'draft' AND created_at < $2;

-- Posts of any of some statuses, optionally only after a moment (NULL: all).
-- name: PostsByStatuses :many
SELECT id, status, created_at FROM posts
WHERE status IN (sqlc.slice(statuses))
  AND (sqlc.narg(since)::timestamp IS NULL OR created_at >= sqlc.narg(since))
ORDER BY created_at, id
LIMIT 100;

-- Imports an author's posts in bulk (an archive from elsewhere), all or nothing.
-- name: ImportPosts :copyfrom
INSERT INTO posts (user_id, title, content, status, created_at)
VALUES (@user_id, @title, @content, @status, @created_at);

-- comments_parent (parent_id) and comments_root_time (root_id, created_at,
-- id) held an entry for every root comment too, whose parent_id and
-- root_id are NULL, though nothing looks comments up by a NULL parent or
-- root: replies are found by their parent or root (x = ? and x IN (…)
-- imply x IS NOT NULL, so both databases use the partial index for them,
-- the foreign keys' cascades included), and a page's roots by
-- comments_page_roots. Most comments are roots, and each index entry is
-- written with the comment: two fewer for every root comment written or
-- imported.
DROP INDEX comments_parent;
CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;
DROP INDEX comments_root_time;
CREATE INDEX comments_root_time ON comments (root_id, created_at, id) WHERE root_id IS NOT NULL;

-- 0005 serves the thread reads of issue 8. Pinned roots are looked up on
-- every first page: without their own index that read walked every root of
-- the page (10 ms for 10,000 roots). Replies are read per root oldest first
-- and paged by (created_at, id): an index in that order spares sorting a
-- root's whole subtree; it also serves the root_id foreign key, so the
-- plain root_id index goes.
CREATE INDEX comments_page_sticky ON comments (page_id, parent_id, created_at, id) WHERE sticky;
CREATE INDEX comments_root_time ON comments (root_id, created_at, id);
DROP INDEX comments_root;

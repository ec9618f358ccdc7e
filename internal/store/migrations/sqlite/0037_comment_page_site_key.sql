-- 0037 exists for PostgreSQL (see postgres/0037_comment_page_site_key.sql),
-- where one foreign key (page_id, site_id) replaces comments' two to pages
-- and sites, each checked by a query per row written. SQLite checks a
-- foreign key with one lookup in the parent's index, and changing one
-- means rebuilding the comments table, so its schema keeps the two.
SELECT 1;

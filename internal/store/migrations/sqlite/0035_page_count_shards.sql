-- 0035 exists for PostgreSQL (see postgres/0035_page_count_shards.sql):
-- concurrent comments on one page add to shards of the page's count there
-- instead of queueing on the page's row. SQLite has one writer, which takes
-- comments in turn anyway, and keeps moving pages.comment_count; the table
-- exists so that both databases read a page's count the same way
-- (comment_count plus its shards, none here).
CREATE TABLE page_count_shards (
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (page_id, shard)
) WITHOUT ROWID;

-- 0035 exists so that concurrent comments on one PostgreSQL page stop
-- queueing on the page's row (issue 13, item 3). A new comment added one to
-- pages.comment_count, and every other comment of the page then waited for
-- that row's lock until the first one's commit had flushed the WAL: the
-- page's writers took turns, whatever the number of cores. Now a new comment
-- adds to a shard of its page's count instead, the one of its database
-- connection (pg_backend_pid() % store.PageCountShards): each connection
-- writes one transaction at a time, so no two concurrent comments touch the
-- same row. A page's count is comment_count plus its shards (at most
-- store.PageCountShards rows, read by the primary key); other changes of a
-- count (moderation, deletion, recounts of an import) keep moving
-- comment_count, and a recount clears the page's shards.
CREATE TABLE page_count_shards (
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (page_id, shard)
);

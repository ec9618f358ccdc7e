-- An owner's month of usage becomes rows per shard, as on PostgreSQL (see
-- postgres/0038_usage_shards.sql), so that both databases read it the same
-- way (the sum of its shards). SQLite has one writer and writes shard 0
-- only. Its primary key changes, so the table is rebuilt.
CREATE TABLE usage_monthly_sharded (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    month    INTEGER NOT NULL,
    shard    INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    views    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, month, shard)
);
INSERT INTO usage_monthly_sharded (user_id, month, shard, comments, views)
    SELECT user_id, month, 0, comments, views FROM usage_monthly;
DROP TABLE usage_monthly;
ALTER TABLE usage_monthly_sharded RENAME TO usage_monthly;

-- An owner's month of usage becomes up to store.UsageShards rows, one per
-- shard (shard 0 before this migration, and views always). On PostgreSQL a
-- new comment adds to the shard of its database connection
-- (pg_backend_pid() % 16), as a page's count does (0035): every comment of
-- every site of one owner wrote the same row, and each waited for that
-- row's lock until the comment before had committed. The month's use is
-- the sum of its shards.
ALTER TABLE usage_monthly ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_monthly DROP CONSTRAINT usage_monthly_pkey;
ALTER TABLE usage_monthly ADD PRIMARY KEY (user_id, month, shard);

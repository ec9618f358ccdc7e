-- Four tables refer to a comment without an index on the reference:
-- mail_links (one row a link of every mail sent, kept for its lifetime),
-- notify_events, bans and ip_blocks. Deleting a comment (or a page or a
-- site, comment by comment through the cascades) had to read each of them
-- whole for every comment deleted, to set its reference to NULL or delete
-- the rows naming it.
CREATE INDEX mail_links_comment ON mail_links (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX notify_events_comment ON notify_events (comment_id);
CREATE INDEX bans_comment ON bans (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX ip_blocks_comment ON ip_blocks (comment_id) WHERE comment_id IS NOT NULL;

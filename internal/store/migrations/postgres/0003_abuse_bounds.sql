-- 0003 exists to bound what one anonymous client can do (issue 8, items 2 and 7).
--
-- votes.network is a keyed HMAC of the voter's network (IPv4 address or IPv6
-- /64), so that votes per network per comment can be capped whatever user
-- agent a client sends. Votes cast before 0003 have no network (NULL): they
-- keep counting in every score, but not towards any network's cap.
--
-- pages.created_by_read marks pages that a thread read (a page view) created,
-- so that such creations can be capped per site per day; pages created by a
-- comment, and every page created before 0003, are FALSE.

ALTER TABLE votes ADD COLUMN network BYTEA;
CREATE INDEX votes_comment_network ON votes (comment_id, network);

ALTER TABLE pages ADD COLUMN created_by_read BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX pages_created_by_read ON pages (site_id, created_at) WHERE created_by_read;

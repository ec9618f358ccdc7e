-- 0020 exists for the dashboard's moderation (issue 10, item 4): bans of
-- commenters and blocks of IP addresses or ranges, which the API checks
-- before every comment, edit and vote, and the audit log's note of them.
--
-- A ban names its commenter only by what Parley already keeps, never in
-- plain text: the account (user_id), else the keyed blind index of the
-- guest's email (email_index), and the keyed hash of the network the
-- comment came from (ip_index: the IPv4 address or the IPv6 /64). site_id
-- NULL is a ban on every site, which only the operator makes. expires_at
-- NULL is forever; an expired ban no longer counts.
CREATE TABLE bans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id     INTEGER REFERENCES sites (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    email_index BLOB,
    ip_index    BLOB,
    comment_id  INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER
);
CREATE INDEX bans_site ON bans (site_id, id);
CREATE INDEX bans_user ON bans (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX bans_email ON bans (email_index) WHERE email_index IS NOT NULL;
CREATE INDEX bans_ip ON bans (ip_index) WHERE ip_index IS NOT NULL;

-- An IP block is an address or a CIDR range. It is matched without being
-- read: prefix_index is the keyed hash of the range (its masked prefix, such
-- as "192.0.2.0/24"), and a write's address is hashed at each prefix length
-- the site's blocks use (bits) and looked up. The range itself is kept only
-- sealed (AES-GCM), for the dashboard to show. hidden marks a block made
-- from a comment's stored address, which the dashboard never shows.
CREATE TABLE ip_blocks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      INTEGER REFERENCES sites (id) ON DELETE CASCADE,
    cidr_sealed  BLOB    NOT NULL,
    prefix_index BLOB    NOT NULL,
    bits         INTEGER NOT NULL,
    hidden       INTEGER NOT NULL DEFAULT 0,
    comment_id   INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER
);
CREATE INDEX ip_blocks_site ON ip_blocks (site_id, bits, expires_at);
CREATE INDEX ip_blocks_prefix ON ip_blocks (prefix_index);

-- What a ban or block entry of the audit log was: its scope and duration
-- in words made by Parley ("every site, 7 days"), never an address.
ALTER TABLE audit_log ADD COLUMN detail TEXT NOT NULL DEFAULT '';

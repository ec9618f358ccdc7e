-- 0019 exists for the dashboard's sites (issue 10, item 3): owners add
-- sites, configure them and invite moderators themselves.
--
-- sites.live: a site added in the dashboard by an account whose email is
-- not confirmed yet does not serve the widget until its owner confirms the
-- address (the confirmation sets it in the same transaction). Every site
-- that exists today stays live, and so does every site the operator adds.
--
-- sites.akismet_key_sealed: the site's Akismet API key, sealed like every
-- secret; kept out of the settings JSON, which the widget receives.
--
-- site_invitations: an invitation to become a moderator of a site, mailed
-- to an address. Only the SHA-256 of the link's token is kept; the address
-- is sealed and indexed by keyed HMAC, so that the invitation is accepted
-- only by the account with that address. Deleting the site deletes them.
ALTER TABLE sites ADD COLUMN live INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN akismet_key_sealed BLOB;

CREATE TABLE site_invitations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    token_hash   BLOB    NOT NULL UNIQUE,
    email_sealed BLOB    NOT NULL,
    email_index  BLOB    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('moderator')),
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX site_invitations_site ON site_invitations (site_id);
CREATE INDEX site_invitations_expires ON site_invitations (expires_at);

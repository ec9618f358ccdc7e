-- 0012 exists for site SSO and for avatars served from the Parley origin
-- (issue 9, items 3 and 7; promise P2).
--
-- avatar_images holds pictures already fetched server-side, resized and re-encoded
-- as PNG (package media): readers load them from /avatars/{sha256}.png, never
-- from the host they came from. One row per distinct picture (sha256 unique),
-- shared by every account that has it. (Not the avatars table of 0009,
-- which keeps one provider picture per account under /api/v1/avatars/{id}.)
--
-- site_sso holds the secret a site signs its SSO tokens with, sealed like
-- every other secret; a site signs its users in by SSO exactly when it has a
-- row here (parley site sso HOST creates it).
--
-- sso_users links a site's own user id (external_id) to the Parley account
-- made for it. Accounts are never matched by email: a site vouching for an
-- address must not take over the account of whoever owns it elsewhere.
-- avatar_source is the picture URL the site sent last (never shown to
-- anyone): the picture is fetched again only when it changes.
--
-- sso_used_tokens remembers the SHA-256 of each token already used, until
-- the token expires (at most 10 minutes), so that a token is accepted once;
-- the hourly retention job purges expired rows, which bounds the table.

CREATE TABLE avatar_images (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256     BLOB NOT NULL UNIQUE,
    png        BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE site_sso (
    site_id       INTEGER NOT NULL PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sso_users (
    site_id       INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    external_id   TEXT NOT NULL,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    avatar_source TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (site_id, external_id)
);

CREATE TABLE sso_used_tokens (
    token_hash BLOB NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sso_used_tokens_expires ON sso_used_tokens (expires_at);

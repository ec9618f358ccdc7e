-- 0009 exists so that people can sign in with OAuth2 and OpenID Connect
-- providers (issue 9, items 3 and 4).
--
-- identities links a provider's account to a Parley user: subject_index is a
-- keyed HMAC of the provider's name and its subject (the provider's stable id
-- of the person), so that the database alone does not say which GitHub or
-- Google account someone uses. Deleting the user deletes its identities. The
-- providers' access and refresh tokens are not stored at all: Parley reads
-- the profile once, at login, and has no later use for them.
--
-- login_states holds the logins in progress between the start of the flow and
-- the provider's callback, keyed by the SHA-256 of the random state: the
-- provider's name, the site, the exact origin the session token will be handed
-- to, "remember me", and the sealed nonce and PKCE verifier. Keeping them on
-- the server (not in a cookie) is what lets the flow work where third-party
-- cookies are blocked, and with several servers on one PostgreSQL. Rows are
-- taken once by the callback, or deleted once expired (10 minutes).
--
-- avatars holds each account's provider picture as Parley serves it: fetched
-- once at login, cropped, scaled to 96 pixels and re-encoded as PNG, so that
-- readers' browsers get it from Parley and never contact the provider
-- (promise P2). users.avatar_url then points at Parley's copy.

CREATE TABLE identities (
    subject_index BYTEA   PRIMARY KEY,
    provider      TEXT    NOT NULL,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    last_login_at BIGINT  NOT NULL
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE login_states (
    state_hash      BYTEA   PRIMARY KEY,
    provider        TEXT    NOT NULL,
    site_id         BIGINT  NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    origin          TEXT    NOT NULL,
    remember        BOOLEAN NOT NULL DEFAULT FALSE,
    nonce_sealed    BYTEA   NOT NULL,
    verifier_sealed BYTEA   NOT NULL,
    expires_at      BIGINT  NOT NULL
);
CREATE INDEX login_states_expires ON login_states (expires_at);

CREATE TABLE avatars (
    user_id    BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    png        BYTEA   NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- 0008 exists so that people can sign in (issue 9, items 1, 3, 5 and 9).
--
-- users gains what an account needs besides its name and email:
-- password_hash is a PHC-encoded argon2id hash (NULL: no password, such as an
-- account that signs in only through a provider); email_verified_at is when
-- the email was confirmed (NULL: not yet), which marks the account verified
-- on its comments; website, avatar_url and profile_url are the public profile
-- shown on the account's comments (the email never is).
--
-- sessions holds sign-ins: only the SHA-256 of each random token is stored,
-- so a copy of the database cannot be used to sign in. A session lives 2 days,
-- or 14 days when "remember me" was ticked (promise P11), and is purged by
-- the hourly retention job once expired. kind separates the widget's sessions
-- from the dashboard's. The id is AUTOINCREMENT so ids are never reused (see 0002).
--
-- comments_author finds an account's comments: to tell whether it has an
-- approved one (moderation "first"), and to anonymise them when the account
-- is deleted (author_id ON DELETE SET NULL).

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar_url TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN profile_url TEXT NOT NULL DEFAULT '';

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('widget', 'dashboard')),
    remember     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE INDEX comments_author ON comments (author_id, site_id, status) WHERE author_id IS NOT NULL;

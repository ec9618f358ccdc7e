-- 0010 exists so that people can sign up with a password, confirm their
-- email, reset a forgotten password and change their email by mailed link
-- (issue 9, items 3 and 6).
--
-- account_tokens holds the single-use links of those mails: only the SHA-256
-- of each random token is stored, so a copy of the database opens nothing.
-- purpose says what a token may do (verify: confirm the account's email;
-- reset: set a new password; email_change: replace the email with
-- new_email_sealed, sealed like every address). used_at is set when a link is
-- followed, so that a second use is refused with a clear page; expired rows,
-- used or not, are purged by the hourly retention job. Deleting the account
-- deletes its tokens.
--
-- users.signed_up marks an account made by signing up, not by the operator
-- or a provider: until its email is confirmed, its comments are held.
--
-- comments.hold_reason says why an account's comment waits although the
-- site's moderation would have published it: 'email_unverified' until the
-- account confirms its email, which then publishes it. NULL for every other
-- comment, pending ones included (they wait for a moderator).

CREATE TABLE account_tokens (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       BLOB    NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose          TEXT    NOT NULL CHECK (purpose IN ('verify', 'reset', 'email_change')),
    new_email_sealed BLOB,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

ALTER TABLE users ADD COLUMN signed_up INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN hold_reason TEXT;

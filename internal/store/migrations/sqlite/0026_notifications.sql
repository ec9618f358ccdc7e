-- 0026 exists for notifications by email (issue 11, items 5 and 6; promise P9).
--
-- comments.notify_replies and users.notify_replies are the commenter's
-- opt-in to reply mail: per comment (the widget's checkbox) or for every
-- comment of an account (the profile). A guest gets mail only once their
-- address is a verified guest's (verified_guests).
--
-- moderator_notify is each owner's or moderator's choice per site: 'all'
-- comments, 'held' ones only (the default when there is no row) or 'none'.
--
-- notify_events holds one row per comment that may cause mail, written in
-- the comment's own transaction (one bounded insert); a background step of
-- internal/notify fans it out to its recipients in batches, stage by stage
-- (moderators, the author, the thread's subscribers), after_key being the last
-- recipient key done. notify_sent fences a recipient to one mail per event.
--
-- mail_links are the links of those mails: only the SHA-256 of each token.
-- A 'moderate' link (approve, reject, spam) works once (used_at) until it
-- expires; an 'unsubscribe' link works until it expires, with no session.
-- notify_unsubscribed lists the addresses (blind index) that asked, per
-- site, for no more reply and status mail.
--
-- outbox.unsubscribe_sealed is the https link of a mail's List-Unsubscribe
-- header (RFC 8058), sealed like the mail's other parts.
--
-- Everything goes with its site (P7), comment or account.

ALTER TABLE comments ADD COLUMN notify_replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN notify_replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN unsubscribe_sealed BLOB;

CREATE TABLE moderator_notify (
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode    TEXT    NOT NULL CHECK (mode IN ('all', 'held', 'none')),
    PRIMARY KEY (site_id, user_id)
);

CREATE TABLE notify_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('created', 'approved')),
    stage      INTEGER NOT NULL DEFAULT 0,
    after_key  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE notify_sent (
    event_id    INTEGER NOT NULL REFERENCES notify_events (id) ON DELETE CASCADE,
    email_index BLOB    NOT NULL,
    PRIMARY KEY (event_id, email_index)
);

CREATE TABLE mail_links (
    token_hash  BLOB    PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('moderate', 'unsubscribe')),
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    comment_id  INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    email_index BLOB,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX mail_links_expires ON mail_links (expires_at);
CREATE INDEX mail_links_email ON mail_links (email_index) WHERE email_index IS NOT NULL;

CREATE TABLE notify_unsubscribed (
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    email_index BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (site_id, email_index)
);
CREATE INDEX notify_unsubscribed_email ON notify_unsubscribed (email_index);

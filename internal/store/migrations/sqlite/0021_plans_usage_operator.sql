-- 0021 exists for usage limits and the operator area (issue 10, items 6
-- and 7): plans an operator assigns to owner accounts, the monthly usage
-- counters the limits are checked against (so that no comment counts rows),
-- the once-a-month threshold notices, suspension, broadcast mails with
-- their recipients, and the messages of the public contact form.

-- A plan's limits; NULL is unlimited. At most one plan is the default of
-- accounts without a plan of their own (none: unlimited).
CREATE TABLE plans (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL UNIQUE,
    max_sites        INTEGER,
    max_views        INTEGER,
    max_comments     INTEGER,
    max_upload_bytes INTEGER,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       INTEGER NOT NULL
);

ALTER TABLE users ADD COLUMN plan_id INTEGER REFERENCES plans (id) ON DELETE SET NULL;
-- A suspended account signs in nowhere and its sites take no comments.
ALTER TABLE users ADD COLUMN suspended_at INTEGER;

-- What an owner's sites used in a calendar month (YYYYMM, UTC): comments
-- counted as they are stored, views as the counters are flushed.
CREATE TABLE usage_monthly (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    month    INTEGER NOT NULL,
    comments INTEGER NOT NULL DEFAULT 0,
    views    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, month)
);

-- The 80% and 100% mails sent: one per owner, month, limit and level.
CREATE TABLE usage_notices (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    month      INTEGER NOT NULL,
    metric     TEXT    NOT NULL,
    level      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, month, metric, level)
);

-- What the operator sent to every owner (the instance's words, no one's data).
CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Who a broadcast was queued to; an erased account leaves no row.
CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    outbox_id    INTEGER NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX broadcast_recipients_user ON broadcast_recipients (user_id);

-- The sender's email is sealed, with its blind index so that the person's
-- export and erasure find it; the whole message is purged after the
-- contact retention (PARLEY_CONTACT_RETENTION).
CREATE TABLE contact_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    email_sealed BLOB    NOT NULL,
    email_index  BLOB    NOT NULL,
    message      TEXT    NOT NULL,
    handled_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX contact_messages_created ON contact_messages (created_at);
CREATE INDEX contact_messages_email ON contact_messages (email_index);

-- Counting an owner's sites (the max-sites limit, usage) reads by owner.
CREATE INDEX sites_by_owner ON sites (owner_id);

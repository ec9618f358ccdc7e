-- 0007 exists to send mail without losing any (issue 9, item 2). A change
-- that causes a mail writes it here in the same transaction; a background
-- worker (internal/notify) claims due rows, delivers them and records the
-- outcome, retrying with backoff until the row is sent or dead.
--
-- id is AUTOINCREMENT so that an id is never reused (a log line naming
-- outbox_id 12 names one mail forever). The recipient, subject and both bodies
-- are sealed (AES-256-GCM): a subject or body may hold a name, a comment or a
-- reset link. recipient_index is the keyed blind index of the address, so that
-- erasing a person can delete the mail queued for them. Once sent, a row keeps
-- no personal data: only its kind, site, times and attempts, until purged.
-- last_error is a summary without addresses or server text.
--
-- A mail about a site goes with the site (ON DELETE CASCADE, promise P7);
-- site_id is NULL for mail about the instance or an account.
--
-- status 'pending' rows are due at next_attempt_at; a claim pushes it out by
-- a lease and counts the attempt, so attempts also fences a worker whose
-- lease ran out.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT    NOT NULL,
    site_id          INTEGER REFERENCES sites (id) ON DELETE CASCADE,
    recipient_sealed BLOB,
    recipient_index  BLOB,
    subject_sealed   BLOB,
    text_sealed      BLOB,
    html_sealed      BLOB,
    status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_finished ON outbox (created_at) WHERE status <> 'pending';
CREATE INDEX outbox_recipient ON outbox (recipient_index) WHERE recipient_index IS NOT NULL;
CREATE INDEX outbox_site ON outbox (site_id) WHERE site_id IS NOT NULL;

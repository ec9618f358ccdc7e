-- 0011 exists so that guests can export and erase their data, and confirm
-- their email (issue 9, items 8 and 10; promises P8 and P12).
--
-- privacy_requests holds the links Parley mails to a guest who asked, by
-- email, to export or erase what was written with that address, or to
-- confirm it. Only the SHA-256 of each link's random token is stored, so a
-- copy of the database cannot be used to follow a link; the address is kept
-- only as its keyed blind index (no sealed copy: matching is all a request
-- needs). A link is single use (its row is deleted when used) and expires;
-- expired rows are deleted when the next request is made. site_id is the
-- site the request came from, for the mail's sender only (NULL: the instance).
--
-- verified_guests lists the blind indexes of the guest emails confirmed by
-- link, with when. A guest comment written with such an email carries the
-- verified mark (comments.guest_verified, fixed when the comment is
-- written), and only such guests skip the queue of moderation "first".

CREATE TABLE privacy_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  BLOB    NOT NULL UNIQUE,
    email_index BLOB    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('export', 'erase', 'verify')),
    site_id     INTEGER REFERENCES sites (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX privacy_requests_email ON privacy_requests (email_index);
CREATE INDEX privacy_requests_expires ON privacy_requests (expires_at);

CREATE TABLE verified_guests (
    email_index BLOB    PRIMARY KEY,
    verified_at INTEGER NOT NULL
);

ALTER TABLE comments ADD COLUMN guest_verified INTEGER NOT NULL DEFAULT 0;

-- An account's erasure finds the comments written with its email as a guest.
CREATE INDEX comments_email ON comments (guest_email_index) WHERE guest_email_index IS NOT NULL;

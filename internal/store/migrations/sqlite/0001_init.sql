-- 0001 creates the foundation's schema: one user registry, sites and their
-- members, pages, comments, votes and daily page views. Times are Unix
-- milliseconds (UTC) so that both dialects store and compare them alike.
-- Columns ending in _sealed hold AES-256-GCM ciphertext, _index a keyed HMAC.

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL DEFAULT '',
    email_sealed BLOB,
    email_index  BLOB UNIQUE,
    role         TEXT    NOT NULL DEFAULT 'commenter',
    created_at   INTEGER NOT NULL
);

CREATE TABLE sites (
    id         INTEGER PRIMARY KEY,
    host       TEXT    NOT NULL UNIQUE,
    origins    TEXT    NOT NULL DEFAULT '',
    owner_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    settings   TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

CREATE TABLE site_members (
    site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, user_id)
);

CREATE TABLE pages (
    id            INTEGER PRIMARY KEY,
    site_id       INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    path          TEXT    NOT NULL,
    title         TEXT    NOT NULL DEFAULT '',
    locked        INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (site_id, path)
);

CREATE TABLE comments (
    id                 INTEGER PRIMARY KEY,
    site_id            INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    page_id            INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    parent_id          INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    root_id            INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    guest_name         TEXT    NOT NULL DEFAULT '',
    guest_email_sealed BLOB,
    guest_email_index  BLOB,
    guest_website      TEXT    NOT NULL DEFAULT '',
    text               TEXT    NOT NULL,
    html               TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('approved', 'pending', 'spam', 'deleted')),
    created_at         INTEGER NOT NULL,
    edited_at          INTEGER,
    deleted_at         INTEGER,
    score              INTEGER NOT NULL DEFAULT 0,
    upvotes            INTEGER NOT NULL DEFAULT 0,
    downvotes          INTEGER NOT NULL DEFAULT 0,
    sticky             INTEGER NOT NULL DEFAULT 0,
    ip_sealed          BLOB,
    ua_sealed          BLOB,
    edit_token_hash    BLOB,
    import_source      TEXT,
    import_id          TEXT
);
CREATE INDEX comments_page_roots ON comments (page_id, parent_id, created_at, id);
CREATE INDEX comments_page_status ON comments (page_id, status);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_root ON comments (root_id);
CREATE INDEX comments_site_status ON comments (site_id, status, created_at);
CREATE INDEX comments_site_email ON comments (site_id, guest_email_index);
CREATE INDEX comments_ip_age ON comments (created_at) WHERE ip_sealed IS NOT NULL;
CREATE UNIQUE INDEX comments_import ON comments (site_id, import_source, import_id) WHERE import_id IS NOT NULL;

CREATE TABLE votes (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    page_id    INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    voter      BLOB    NOT NULL,
    value      INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, voter)
);
CREATE INDEX votes_page_voter ON votes (page_id, voter);

CREATE TABLE page_views_daily (
    page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    day     TEXT    NOT NULL,
    views   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (page_id, day)
);
CREATE INDEX page_views_site_day ON page_views_daily (site_id, day);

-- 0002 exists for two reasons.
--
-- Ids are never reused. An INTEGER PRIMARY KEY without AUTOINCREMENT takes
-- max(id)+1, so deleting the newest comment (or site, page, user) handed its
-- id to the next one and an old permalink pointed at someone else's comment.
-- AUTOINCREMENT can only be declared when a table is created, so users,
-- sites, pages and comments are rebuilt (SQLite's documented procedure: the
-- migration runner turns foreign keys off around it and runs
-- foreign_key_check before committing). Columns, their order, constraints,
-- indexes and rows stay exactly as 0001 made them; copying the rows seeds
-- sqlite_sequence with each table's highest id.
--
-- The secret key is checked against the data. secret_key_check holds one row:
-- the key's public id and a value sealed with it, so that a start with a
-- missing or different key is refused instead of making every sealed value
-- unreadable (see privacy.KeyCheck).

CREATE TABLE users_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL DEFAULT '',
    email_sealed BLOB,
    email_index  BLOB UNIQUE,
    role         TEXT    NOT NULL DEFAULT 'commenter',
    created_at   INTEGER NOT NULL
);
INSERT INTO users_new SELECT id, name, email_sealed, email_index, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE sites_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    host       TEXT    NOT NULL UNIQUE,
    origins    TEXT    NOT NULL DEFAULT '',
    owner_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    settings   TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
INSERT INTO sites_new SELECT id, host, origins, owner_id, settings, created_at FROM sites;
DROP TABLE sites;
ALTER TABLE sites_new RENAME TO sites;

CREATE TABLE pages_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id       INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    path          TEXT    NOT NULL,
    title         TEXT    NOT NULL DEFAULT '',
    locked        INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    UNIQUE (site_id, path)
);
INSERT INTO pages_new SELECT id, site_id, path, title, locked, comment_count, created_at FROM pages;
DROP TABLE pages;
ALTER TABLE pages_new RENAME TO pages;

CREATE TABLE comments_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO comments_new SELECT id, site_id, page_id, parent_id, root_id, author_id,
    guest_name, guest_email_sealed, guest_email_index, guest_website, text, html, status,
    created_at, edited_at, deleted_at, score, upvotes, downvotes, sticky,
    ip_sealed, ua_sealed, edit_token_hash, import_source, import_id FROM comments;
DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;
CREATE INDEX comments_page_roots ON comments (page_id, parent_id, created_at, id);
CREATE INDEX comments_page_status ON comments (page_id, status);
CREATE INDEX comments_parent ON comments (parent_id);
CREATE INDEX comments_root ON comments (root_id);
CREATE INDEX comments_site_status ON comments (site_id, status, created_at);
CREATE INDEX comments_site_email ON comments (site_id, guest_email_index);
CREATE INDEX comments_ip_age ON comments (created_at) WHERE ip_sealed IS NOT NULL;
CREATE UNIQUE INDEX comments_import ON comments (site_id, import_source, import_id) WHERE import_id IS NOT NULL;

CREATE TABLE secret_key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    key_id     TEXT    NOT NULL,
    verifier   BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

-- 0002 exists to check the secret key against the data. secret_key_check
-- holds one row: the key's public id and a value sealed with it, so that a
-- start with a missing or different key is refused instead of making every
-- sealed value unreadable (see privacy.KeyCheck).
--
-- The SQLite migration of the same number also rebuilds tables so that ids
-- are never reused; PostgreSQL needs nothing for that: identity columns draw
-- from sequences, which never hand out a number twice.

CREATE TABLE secret_key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    key_id     TEXT    NOT NULL,
    verifier   BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

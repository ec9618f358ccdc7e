-- 0017 exists for the proof-of-work CAPTCHA (package captcha): each solved
-- challenge is accepted once. The table, not process memory, remembers which
-- were spent, so that several Parley servers sharing one PostgreSQL database
-- refuse a solution replayed to another server. A row holds only the SHA-256
-- of the challenge's signature and when the challenge expires: nothing about
-- who solved it. Expired rows are deleted as new ones arrive.
CREATE TABLE captcha_spent (
    challenge  BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX captcha_spent_expires ON captcha_spent (expires_at);

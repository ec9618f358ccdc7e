-- 0015 exists for the dashboard's moderation (issue 10): every action a
-- moderator, owner or operator takes on a site's comments or pages is
-- recorded, so that later screens can show who did what. A row holds the
-- actor's account id and the target's id, never personal data.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT    NOT NULL,
    comment_id INTEGER,
    page_id    INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_site ON audit_log (site_id, id);

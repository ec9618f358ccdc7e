-- 0022 exists for imports started from the dashboard (issue 10, item 8):
-- an upload is imported in the background, and its progress and final
-- report must outlive the request that started it, a page reload, and be
-- visible from every server of the instance. A row names its site, never a
-- person: who uploaded it is not kept. At most one import runs per site
-- (the partial unique index); a running row whose updated_at stops moving
-- (its server stopped) is shown and marked as interrupted.
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    dry_run     BOOLEAN NOT NULL,
    bytes       INTEGER NOT NULL DEFAULT 0,
    total_bytes INTEGER NOT NULL DEFAULT 0,
    read_count  INTEGER NOT NULL DEFAULT 0,
    added       INTEGER NOT NULL DEFAULT 0,
    present     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    report      TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX import_jobs_site ON import_jobs (site_id, id);
CREATE UNIQUE INDEX import_jobs_running ON import_jobs (site_id) WHERE status = 'running';

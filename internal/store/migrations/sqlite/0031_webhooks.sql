-- 0031 exists for webhooks (issue 11, item 7): a site's owner names HTTPS
-- endpoints that hear of its comments, delivered through an outbox of their
-- own (docs/webhooks.md).
--
-- webhooks are a site's endpoints (at most store.MaxWebhooksPerSite): the
-- URL, the events chosen (a comma-separated list of store.WebhookEvents)
-- and the secret that signs each delivery, sealed (AES-256-GCM) like the
-- site's other secrets.
--
-- webhook_deliveries is their outbox: one row per event and endpoint,
-- written in the transaction of the change it reports, so that an event
-- exists exactly when its change committed. payload is the JSON body sent,
-- made then (a deleted comment is gone by the time it is sent); it is
-- cleared once delivered. A 'pending' row is due at next_attempt_at; a claim
-- pushes that out by a lease and counts the attempt, which fences a worker
-- whose lease ran out (as the mail outbox, 0007). last_status is the
-- receiver's last HTTP status (0: none came back). A finished row is the
-- delivery log the owner reads; at most store.WebhookLogRows of them are
-- kept per endpoint, none longer than the retention.
--
-- Both go with their site (promise P7); deliveries with their endpoint.

CREATE TABLE webhooks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id       INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    events        TEXT    NOT NULL,
    secret_sealed BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX webhooks_site ON webhooks (site_id);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    site_id         INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    event           TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_attempt_at INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_site ON webhook_deliveries (site_id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';

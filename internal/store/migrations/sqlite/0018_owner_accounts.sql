-- 0018 exists for owner accounts in the dashboard (issue 10, items 2 and 9).
--
-- users.signup_ip_sealed is the address a sign-up came from, sealed like
-- every address, kept for abuse handling (blocking a spammer's network) and
-- shown to the operator only. The hourly retention job sets it to NULL once
-- the account is older than PARLEY_SIGNUP_IP_RETENTION. NULL for accounts
-- made by the operator, a provider or site SSO.
--
-- invitations are the single-use sign-up links of PARLEY_SIGNUP=invite: only
-- the SHA-256 of each random token is stored, with the invited address
-- sealed and its blind index. Using an invitation deletes its row (a used
-- link cannot be used again); expired rows are purged by the retention job.
-- Deleting the inviting account keeps its invitations (invited_by NULL).
ALTER TABLE users ADD COLUMN signup_ip_sealed BLOB;

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    email_sealed BLOB NOT NULL,
    email_index  BLOB NOT NULL,
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX invitations_expires ON invitations (expires_at);

-- 0029 exists for image uploads in comments (issue 12, item 4;
-- docs/uploads.md). A site turns them on in its settings (the JSON blob of
-- sites.settings, so no column here).
--
-- uploads holds each image as Parley re-encoded it (package media: EXIF,
-- GPS, XMP, IPTC, ICC profiles and comments are gone; only pixels remain),
-- never the bytes the browser sent. id is 128 random bits (base32), the
-- name the image is served under (/uploads/{id}.jpg or .png), so that
-- nobody can list the images nobody has posted yet.
--
-- user_id is the account that uploaded it (NULL for a guest); comment_id
-- the comment that shows it, set when that comment is posted. An image no
-- comment took is deleted after store.UploadClaimWindow by the retention
-- job. Everything goes with its site (P7), its comment or its account.
CREATE TABLE uploads (
    id           TEXT    PRIMARY KEY,
    site_id      INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    comment_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX uploads_site ON uploads (site_id);
CREATE INDEX uploads_user ON uploads (user_id);
CREATE INDEX uploads_comment ON uploads (comment_id);
CREATE INDEX uploads_unclaimed ON uploads (created_at) WHERE comment_id IS NULL;

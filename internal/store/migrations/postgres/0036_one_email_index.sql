-- comments_site_email (site_id, guest_email_index) repeated comments_email
-- (guest_email_index, for the rows that have one): every lookup by a
-- guest's email gives the index value, which finds that guest's few
-- comments, and the site is checked on them. Each index is written with
-- every comment, so the second one cost every write and helped no read.
DROP INDEX comments_site_email;

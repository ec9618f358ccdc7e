-- 0014 exists because two avatar stores were built at once: 0009's avatars
-- (one provider picture per account, served at /api/v1/avatars/{id}) and
-- 0012's avatar_images (pictures by their SHA-256, served at
-- /avatars/{sha256}.png, for site SSO). Provider logins now use
-- avatar_images too, through the same fetcher, so avatars goes. Accounts
-- whose avatar_url pointed at it show their initial until their next login
-- fetches the picture again.
UPDATE users SET avatar_url = '' WHERE avatar_url LIKE '%/api/v1/avatars/%';
DROP TABLE avatars;

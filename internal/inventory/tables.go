package inventory

// Shorthands for the table below.
func exported(name, why, seen string) Column {
	return Column{Name: name, Class: Exported, Why: why, Seen: seen}
}
func derived(name, why string) Column {
	return Column{Name: name, Class: Derived, Why: why, Seen: NoOne}
}
func secret(name, why string) Column { return Column{Name: name, Class: Secret, Why: why, Seen: NoOne} }
func plain(names ...string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{Name: n, Class: NotPersonal}
	}
	return out
}

// shown returns c shown to everyone.
func shown(c Column) Column { c.Seen = Everyone; return c }

// keptFor returns c with its own retention.
func keptFor(c Column, kept string) Column { c.Kept = kept; return c }

const (
	accountLife = "until the account is erased (an account with a password whose email is never confirmed: {PARLEY_UNVERIFIED_RETENTION})"
	emailIndex  = "a keyed hash of the email, to find the person's data without decrypting every row"
	bySelf      = Person
	toModerate  = Person + "; " + Moderators
)

// Tables is the inventory: every table of the schema. A test compares it
// with the live schema of a migrated database, and docs/privacy.md's
// inventory is generated from it.
var Tables = []Table{
	{Name: "users", Holds: "an account: a commenter, a site's owner or moderator, or the operator", Kept: accountLife, Columns: []Column{
		exported("id", "the account's number", bySelf),
		exported("name", "the name shown with the person's comments", Everyone),
		exported("email_sealed", "to sign in, and for the mails the person asked for",
			Person+"; the owner and moderators of a site the person commented on or is a member of; "+Operator),
		derived("email_index", emailIndex+", and to sign in"),
		exported("role", "commenter, owner or operator", bySelf+"; "+Operator),
		exported("created_at", "when the account was made", bySelf+"; "+Operator),
		secret("password_hash", "to check the password (argon2id); absent for a provider's sign-in"),
		exported("email_verified_at", "when the email was confirmed: a confirmed account skips the queue and its guest comments are its own", bySelf),
		exported("website", "shown with the person's comments, when they give one", Everyone),
		exported("avatar_url", "the picture shown with the person's comments, served by Parley", Everyone),
		exported("profile_url", "the link of the person's name, from their provider or site", Everyone),
		exported("signed_up", "whether the person signed up on the dashboard (or was made by the operator or a provider)", bySelf+"; "+Operator),
		keptFor(exported("signup_ip_sealed", "the address a dashboard sign-up came from, for abuse handling", bySelf), "{PARLEY_SIGNUP_IP_RETENTION}"),
		exported("plan_id", "the usage plan of an owner", bySelf+"; "+Operator),
		exported("suspended_at", "when the operator suspended the account", bySelf+"; "+Operator),
		exported("notify_replies", "the person's choice of reply notifications", bySelf),
	}},
	{Name: "sessions", Holds: "a signed-in browser", Kept: "until it expires (2 days, 2 weeks with “Remember me”) or the person logs out", Columns: []Column{
		exported("id", "to list and end sessions", bySelf),
		secret("token_hash", "the SHA-256 of the browser's token, to recognise it"),
		exported("user_id", "whose session it is", bySelf),
		exported("kind", "widget or dashboard", bySelf),
		exported("remember", "whether “Remember me” was ticked", bySelf),
		exported("created_at", "when the person signed in", bySelf),
		exported("last_used_at", "shown in the sessions list, so the person can spot a stranger's", bySelf),
		exported("expires_at", "when it ends", bySelf),
	}},
	{Name: "comments", Holds: "a comment", Kept: "until its author, a moderator or an erasure deletes it (one with replies stays as an empty placeholder)", Columns: []Column{
		exported("id", "the comment's permalink", Everyone),
		exported("site_id", "the site it is on", Everyone),
		exported("page_id", "the page it is on", Everyone),
		exported("parent_id", "the comment it answers", Everyone),
		{Name: "root_id", Class: Derived, Why: "the thread it belongs to, from parent_id", Seen: Everyone},
		exported("author_id", "the account that wrote it", Everyone),
		exported("guest_name", "the name a guest wrote with", Everyone),
		exported("guest_email_sealed", "a guest's email, for the mails they ask for and to find their comments", Moderators),
		derived("guest_email_index", emailIndex),
		exported("guest_website", "a guest's website, shown with the comment", Everyone),
		exported("guest_verified", "whether a guest's email was confirmed when they wrote", Everyone),
		exported("text", "what the person wrote (Markdown)", Everyone),
		exported("html", "the same, as shown", Everyone),
		exported("status", "published, waiting, spam or deleted", toModerate),
		exported("created_at", "when it was written", Everyone),
		exported("edited_at", "when it was last edited", Everyone),
		exported("deleted_at", "when it was deleted", Everyone),
		exported("score", "votes up minus down", Everyone),
		exported("upvotes", "votes up", Everyone),
		exported("downvotes", "votes down", Everyone),
		exported("sticky", "pinned by a moderator", Everyone),
		keptFor(exported("ip_sealed", "the writer's network address, for spam checks (Akismet) and bans", bySelf),
			"{PARLEY_IP_RETENTION}, or less where the site's owner chose less"),
		keptFor(exported("ua_sealed", "the writer's browser name, for spam checks (Akismet)", bySelf),
			"{PARLEY_IP_RETENTION}, or less where the site's owner chose less"),
		secret("edit_token_hash", "lets a guest edit or delete their comment from the same browser"),
		{Name: "import_source", Class: NotPersonal, Why: "the system it was imported from"},
		{Name: "import_id", Class: NotPersonal, Why: "its id in that system, not the person's"},
		exported("hold_reason", "why it waits for a moderator or is spam", toModerate),
		exported("spam_verdict", "what Akismet said of it, or what a moderator reported", Moderators),
		exported("notify_replies", "whether its author wants mail about replies", bySelf),
	}},
	{Name: "sites", Holds: "a site with comments", Kept: "until its owner or the operator deletes it", Columns: append([]Column{
		exported("owner_id", "who owns the site", bySelf+"; "+Operator),
		{Name: "akismet_key_sealed", Class: NotPersonal, Why: "the site's Akismet key, a secret of the site"},
	}, plain("id", "host", "origins", "settings", "created_at", "live")...)},
	{Name: "site_members", Holds: "a moderator or owner of a site", Kept: "until the owner removes them, the site or the account is deleted", Columns: []Column{
		exported("site_id", "the site", bySelf+"; "+Moderators),
		exported("user_id", "the member", bySelf+"; "+Moderators),
		exported("role", "owner or moderator", bySelf+"; "+Moderators),
		exported("created_at", "since when", bySelf),
	}},
	{Name: "identities", Holds: "an OAuth/OpenID Connect login of an account", Kept: accountLife, Columns: []Column{
		derived("subject_index", "a keyed hash of the provider's id for the person: the id itself is not kept"),
		exported("provider", "which provider", bySelf),
		exported("user_id", "the account", bySelf),
		exported("created_at", "first login with it", bySelf),
		exported("last_login_at", "last login with it", bySelf),
	}},
	{Name: "sso_users", Holds: "an account signed in by a site's own single sign-on", Kept: accountLife + "; or the site is deleted", Columns: []Column{
		exported("site_id", "the site that signs the person in", bySelf),
		exported("external_id", "the site's id for the person", bySelf),
		exported("user_id", "the account", bySelf),
		exported("avatar_source", "the picture address the site sent last, fetched by Parley", bySelf),
		exported("created_at", "first sign-in", bySelf),
	}},
	{Name: "sso_used_tokens", Holds: "a used single sign-on token, so that it cannot be replayed", Kept: "until it expires", Columns: []Column{
		secret("token_hash", "the token's hash"), secret("expires_at", "when it can be forgotten"),
	}},
	{Name: "avatar_images", Holds: "a picture shown as an avatar, fetched and re-encoded by Parley", Kept: "while an account shows it", Columns: []Column{
		shown(derived("id", "the picture's number")), shown(derived("sha256", "its hash, which its address names")),
		shown(derived("png", "the picture, re-encoded without metadata")), derived("created_at", "when it was fetched"),
	}},
	{Name: "account_tokens", Holds: "a confirmation, password reset or email-change link mailed to an account", Kept: "until used or expired, then deleted", Columns: []Column{
		{Name: "id", Class: NotPersonal},
		secret("token_hash", "the link's token, hashed"),
		exported("user_id", "the account", bySelf),
		exported("purpose", "what the link does", bySelf),
		exported("new_email_sealed", "the address an email change goes to", bySelf),
		exported("created_at", "when it was sent", bySelf),
		exported("expires_at", "when it stops working", bySelf),
		exported("used_at", "when it was used", bySelf),
	}},
	{Name: "outbox", Holds: "a mail waiting to be sent, sent, or undeliverable", Kept: "until sent (then its address and content are erased) or, undeliverable, {PARLEY_MAIL_RETENTION}", Columns: []Column{
		exported("id", "the mail's number", bySelf),
		exported("kind", "what kind of mail", bySelf+"; "+Operator),
		{Name: "site_id", Class: NotPersonal, Why: "the site it is about"},
		exported("recipient_sealed", "where it goes", bySelf),
		derived("recipient_index", emailIndex),
		exported("subject_sealed", "the subject", bySelf),
		exported("text_sealed", "the text", bySelf),
		derived("html_sealed", "the text, as HTML"),
		exported("status", "waiting, sent or dead", bySelf+"; "+Operator),
		{Name: "attempts", Class: NotPersonal}, {Name: "next_attempt_at", Class: NotPersonal},
		{Name: "last_error", Class: NotPersonal, Why: "the mail server's answer, shown to the operator (never an address)"},
		exported("created_at", "when it was queued", bySelf),
		{Name: "sent_at", Class: NotPersonal},
		secret("unsubscribe_sealed", "the mail's one-click unsubscribe link"),
	}},
	{Name: "privacy_requests", Holds: "an export, erase or confirmation link mailed to a guest", Kept: "until used or expired (24 hours)", Columns: []Column{
		{Name: "id", Class: NotPersonal},
		secret("token_hash", "the link's token, hashed"),
		derived("email_index", emailIndex+": the address itself is not kept"),
		exported("action", "what the link does", bySelf),
		{Name: "site_id", Class: NotPersonal, Why: "the site named in the mail"},
		exported("created_at", "when it was asked", bySelf),
		exported("expires_at", "when it stops working", bySelf),
	}},
	{Name: "verified_guests", Holds: "a guest's confirmed email (a verified guest)", Kept: "until the guest is erased", Columns: []Column{
		derived("email_index", emailIndex+": the address itself is not kept"),
		exported("verified_at", "when it was confirmed", bySelf),
	}},
	{Name: "site_invitations", Holds: "an invitation to moderate a site, mailed to an address", Kept: "7 days after it was sent, used or not", Columns: []Column{
		{Name: "id", Class: NotPersonal},
		exported("site_id", "the site", bySelf+"; "+Moderators),
		secret("token_hash", "the link's token, hashed"),
		exported("email_sealed", "where it was sent", bySelf+"; "+Moderators),
		derived("email_index", emailIndex),
		exported("role", "the role offered", bySelf+"; "+Moderators),
		{Name: "invited_by", Class: NotPersonal, Why: "the inviting owner's account, not the invitee's data"},
		exported("created_at", "when it was sent", bySelf+"; "+Moderators),
		exported("expires_at", "when it stops working", bySelf+"; "+Moderators),
		exported("used_at", "when it was accepted", bySelf),
	}},
	{Name: "invitations", Holds: "an invitation to sign up on the dashboard, sent by the operator", Kept: "until used or expired", Columns: []Column{
		{Name: "id", Class: NotPersonal},
		secret("token_hash", "the link's token, hashed"),
		exported("email_sealed", "where it was sent", bySelf+"; "+Operator),
		derived("email_index", emailIndex),
		exported("invited_by", "the operator who sent it", bySelf),
		exported("created_at", "when it was sent", bySelf+"; "+Operator),
		exported("expires_at", "when it stops working", bySelf+"; "+Operator),
	}},
	{Name: "audit_log", Holds: "a moderation action on the dashboard", Kept: "until the site is deleted (the actor's name goes when their account is erased)", Columns: []Column{
		exported("id", "the entry's number", bySelf+"; "+Moderators),
		exported("site_id", "the site", bySelf+"; "+Moderators),
		exported("actor_id", "who acted", bySelf+"; "+Moderators),
		exported("action", "what they did", bySelf+"; "+Moderators),
		exported("comment_id", "on which comment", bySelf+"; "+Moderators),
		exported("page_id", "on which page", bySelf+"; "+Moderators),
		exported("detail", "a ban's scope and length", bySelf+"; "+Moderators),
		exported("created_at", "when", bySelf+"; "+Moderators),
	}},
	{Name: "bans", Holds: "a ban of an account, a guest email or a network", Kept: "until it ends or is lifted, or the site is deleted", Columns: []Column{
		{Name: "id", Class: NotPersonal},
		exported("site_id", "the site (none: every site)", bySelf+"; "+Moderators),
		exported("user_id", "the banned account", bySelf+"; "+Moderators),
		derived("email_index", "a keyed hash of a banned guest email"),
		derived("ip_index", "a keyed hash of a banned network, which outlives the purged address"),
		exported("comment_id", "the comment the ban was made from", Moderators),
		exported("created_at", "when", bySelf+"; "+Moderators),
		exported("expires_at", "until when (none: forever)", bySelf+"; "+Moderators),
	}},
	{Name: "usage_monthly", Holds: "an owner's monthly usage (views and comments of their sites)", Kept: accountLife, Columns: []Column{
		exported("user_id", "the owner", bySelf+"; "+Operator), exported("month", "the month", bySelf+"; "+Operator),
		{Name: "shard", Class: NotPersonal},
		exported("comments", "comments that month", bySelf+"; "+Operator), exported("views", "page views that month", bySelf+"; "+Operator),
	}},
	{Name: "usage_notices", Holds: "a mail telling an owner they near or passed a limit", Kept: accountLife, Columns: []Column{
		exported("user_id", "the owner", bySelf), exported("month", "the month", bySelf), exported("metric", "which limit", bySelf),
		exported("level", "near or passed", bySelf), exported("created_at", "when", bySelf),
	}},
	{Name: "broadcast_recipients", Holds: "an owner who received an operator's broadcast", Kept: accountLife, Columns: []Column{
		exported("broadcast_id", "which broadcast", bySelf+"; "+Operator), exported("user_id", "the owner", bySelf+"; "+Operator),
		derived("outbox_id", "the mail that carried it"),
	}},
	{Name: "contact_messages", Holds: "a message sent with the contact form to the operator", Kept: "{PARLEY_CONTACT_RETENTION}", Columns: []Column{
		exported("id", "the message's number", bySelf+"; "+Operator),
		exported("name", "the sender's name", bySelf+"; "+Operator),
		exported("email_sealed", "where to answer", bySelf+"; "+Operator),
		derived("email_index", emailIndex),
		exported("message", "what they wrote", bySelf+"; "+Operator),
		exported("handled_at", "when the operator dealt with it", bySelf+"; "+Operator),
		exported("created_at", "when it was sent", bySelf+"; "+Operator),
	}},
	{Name: "mail_links", Holds: "a link of a notification mail (moderate, unsubscribe)", Kept: "until used or expired", Columns: append([]Column{
		secret("token_hash", "the link's token, hashed"),
		derived("email_index", "a keyed hash of the address the mail went to"),
	}, plain("purpose", "site_id", "comment_id", "user_id", "created_at", "expires_at", "used_at")...)},
	{Name: "notify_unsubscribed", Holds: "an address that wants no more mail from a site", Kept: "until the address is erased or the site deleted", Columns: append([]Column{
		derived("email_index", "a keyed hash of the address: the address itself is not kept"),
	}, plain("site_id", "created_at")...)},
	{Name: "notify_sent", Holds: "who was told of a notification, so that no one is told twice", Kept: "minutes, with the notification", Columns: append([]Column{
		derived("email_index", "a keyed hash of the address"),
	}, plain("event_id")...)},

	{Name: "webhook_deliveries", Holds: "a webhook delivery: an event about a comment sent to the site's endpoint, and its log", Kept: "until delivered (the payload), then 7 days (webhook.Retention), at most 50 per endpoint", Columns: append([]Column{
		derived("payload", "the JSON sent to the site's endpoint: a comment's name and text as its moderators see them, never an email or address; cleared once delivered"),
	}, plain("id", "webhook_id", "site_id", "event", "status", "attempts", "next_attempt_at", "last_status", "last_error", "last_attempt_at", "created_at")...)},

	{Name: "uploads", Holds: "an image a commenter added to a comment, re-encoded without any metadata (docs/uploads.md)", Kept: "with its comment; an image no comment takes within 24 hours is deleted", Columns: []Column{
		exported("id", "the image's random name, part of its address", Everyone),
		exported("site_id", "the site it was uploaded to", bySelf+"; "+Moderators),
		exported("user_id", "the account that uploaded it (none: a guest)", bySelf+"; "+Moderators),
		exported("comment_id", "the comment that shows it", Everyone),
		exported("content_type", "JPEG or PNG, chosen by Parley", Everyone),
		exported("width", "its width in pixels", Everyone),
		exported("height", "its height in pixels", Everyone),
		exported("size", "its size in bytes, counted toward the owner's plan", bySelf+"; "+Moderators),
		shown(derived("data", "the picture itself, downloadable at the address the export names")),
		exported("created_at", "when it was uploaded", bySelf+"; "+Moderators),
	}},

	// Tables without personal data.
	{Name: "schema_migrations", Holds: "the migrations applied", Kept: "always", NotPersonal: true},
	{Name: "secret_key_check", Holds: "a text sealed with the key, to refuse a wrong key", Kept: "always", NotPersonal: true},
	{Name: "pages", Holds: "a page with a thread", Kept: "until its site is deleted", NotPersonal: true},
	{Name: "page_count_shards", Holds: "parts of a page's count of comments, one per database connection that wrote", Kept: "until its page is deleted or recounted", NotPersonal: true},
	{Name: "page_views_daily", Holds: "a page's views of a day, and how many were signed in (not who)", Kept: "until its site is deleted", NotPersonal: true},
	{Name: "votes", Holds: "a vote: keyed hashes of a network and a browser, linked to no person", Kept: "with its comment", NotPersonal: true},
	{Name: "captcha_spent", Holds: "a spent proof-of-work challenge: its hash and expiry", Kept: "until it expires", NotPersonal: true},
	{Name: "login_states", Holds: "a login in progress: a site, an origin, sealed nonces", Kept: "minutes", NotPersonal: true},
	{Name: "site_sso", Holds: "a site's single sign-on secret (sealed)", Kept: "until turned off", NotPersonal: true},
	{Name: "moderator_notify", Holds: "a moderator's choice of mail about a site", Kept: "with the membership", NotPersonal: true},
	{Name: "notify_events", Holds: "a notification to send: a comment and a kind", Kept: "minutes", NotPersonal: true},
	{Name: "import_jobs", Holds: "an import's progress and report; who started it is not kept", Kept: "until the site is deleted", NotPersonal: true},
	{Name: "ip_blocks", Holds: "a blocked address or range, sealed, linked to no account or email", Kept: "until it ends or is lifted", NotPersonal: true},
	{Name: "plans", Holds: "the instance's usage plans", Kept: "always", NotPersonal: true},
	{Name: "webhooks", Holds: "a site's webhook endpoint, its events and its signing secret (sealed)", Kept: "until the owner deletes it or the site", NotPersonal: true},
	{Name: "broadcasts", Holds: "the operator's words to every owner", Kept: "always", NotPersonal: true},
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// PersonalData is everything the store holds about one person: an account
// (and, when its email was confirmed, what was written with that email as a
// guest) or a guest's email. Every column that holds personal data is read
// here; see docs/privacy.md for the document made of it.
type PersonalData struct {
	Account    *model.User     // nil for a guest
	Sessions   []model.Session // the account's sessions, expired ones not yet purged included
	SiteRoles  []SiteRole
	Comments   []PersonalComment
	VerifiedAt *time.Time // when the email was confirmed as a guest's; nil: never
	Mail       []PersonalMail
	Requests   []PrivacyRequest // privacy links mailed and not used yet

	// NotifyReplies is the account's opt-in to reply mail on every comment.
	NotifyReplies bool

	Logins     []LoginIdentity // the providers the account signs in with
	SiteLogins []SiteLogin     // the sites whose SSO signs the account in
	Links      []AccountLink   // account links mailed (confirm, reset, email change)
	// Moderation is what the account did on the dashboard (audit_log).
	Moderation []ModerationRecord
	// Plan is the account's plan, suspension, usage, usage notices and the
	// broadcasts it received (nil for a guest).
	Plan *AccountPlan
	// ContactMessages are the messages sent through the contact form with
	// the email, kept until PARLEY_CONTACT_RETENTION.
	ContactMessages []ContactMessage

	SignupIP        string       // where the account signed up from; "" once purged
	Invitations     []Invitation // pending invitations to sign up sent to the address
	InvitationsSent []Invitation // pending invitations the account sent (an operator)
	// Bans are the bans of the account that have not expired.
	Bans []AccountBan
	// SiteInvitations are the invitations to sites sent to the account's
	// confirmed address and not purged yet.
	SiteInvitations []InvitationRecord
	// Uploads are the images the account uploaded (without their bytes).
	Uploads []Upload
}

// InvitationRecord is an invitation to a site mailed to the person.
type InvitationRecord struct {
	Site      string
	Role      model.Role
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// AccountBan is a ban of an account: on the site of that host, or on
// every site when Site is "".
type AccountBan struct {
	Site      string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: forever
}

// ModerationRecord is one moderation action of an account, with the host
// of the site it was taken on.
type ModerationRecord struct {
	ID        int64
	Site      string
	Action    string
	CommentID int64 // 0 for a page action
	PageID    int64
	Detail    string
	CreatedAt time.Time
}

// LoginIdentity is a provider an account signs in with. The provider's
// subject is kept only as a keyed hash, so it is not part of it.
type LoginIdentity struct {
	Provider    string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// SiteLogin is a site that signs the account in with its own SSO: the
// site's id for the person and the picture URL it sent last.
type SiteLogin struct {
	Site         string
	ExternalID   string
	AvatarSource string
	CreatedAt    time.Time
}

// AccountLink is a link mailed to an account and not purged yet.
type AccountLink struct {
	Purpose   TokenPurpose
	NewEmail  string // TokenEmailChange: the address asked for
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// SiteRole is a person's role on a site: owner or moderator.
type SiteRole struct {
	Host  string
	Role  model.Role
	Since *time.Time // when the membership was made; nil for the site's owner of record
}

// PersonalComment is a comment with its personal data opened and where it is.
type PersonalComment struct {
	model.Comment
	Host string // its site
	Path string // its page
}

// PersonalMail is a mail to the person still in the outbox (pending or
// dead; a sent mail keeps no address or content).
type PersonalMail struct {
	ID        int64
	Kind      string
	Status    string
	To        string
	Subject   string
	Text      string // the HTML part says the same
	CreatedAt time.Time
}

// AccountData returns the personal data of an account, or ErrNotFound.
func (s *Store) AccountData(ctx context.Context, userID int64) (*PersonalData, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	var index []byte
	var verified sql.NullInt64
	d := &PersonalData{Account: u}
	if err := s.read.QueryRowContext(ctx, s.q("SELECT email_index, email_verified_at, notify_replies FROM users WHERE id = ?"), userID).
		Scan(&index, &verified, &d.NotifyReplies); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if d.Sessions, err = s.UserSessions(ctx, userID, time.Time{}); err != nil {
		return nil, err
	}
	if d.SiteRoles, err = s.siteRoles(ctx, userID); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if err := s.emailData(ctx, d, userID, verifiedIndex(index, verified)); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if err := s.accountLogins(ctx, d, userID); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if err := s.ownerData(ctx, d, userID); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if d.SiteInvitations, err = s.invitationsTo(ctx, verifiedIndex(index, verified)); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if d.Plan, err = s.accountPlan(ctx, userID); err != nil {
		return nil, fmt.Errorf("store: account data: %w", err)
	}
	if d.Uploads, err = s.UploadsOfAccount(ctx, userID); err != nil {
		return nil, err
	}
	return d, nil
}

// accountLogins fills in an account's provider and site logins and its
// mailed links.
func (s *Store) accountLogins(ctx context.Context, d *PersonalData, userID int64) error {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT provider, created_at, last_login_at FROM identities WHERE user_id = ? ORDER BY created_at"), userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l LoginIdentity
		var created, last int64
		if err := rows.Scan(&l.Provider, &created, &last); err != nil {
			return err
		}
		l.CreatedAt, l.LastLoginAt = fromMillis(created), fromMillis(last)
		d.Logins = append(d.Logins, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if d.Links, err = s.accountLinks(ctx, userID); err != nil {
		return err
	}
	if d.SiteLogins, err = s.siteLogins(ctx, userID); err != nil {
		return err
	}
	if d.Moderation, err = s.moderationRecords(ctx, userID); err != nil {
		return err
	}
	d.Bans, err = s.accountBans(ctx, userID)
	return err
}

// accountBans returns the bans of an account that have not expired.
func (s *Store) accountBans(ctx context.Context, userID int64) ([]AccountBan, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT COALESCE(sites.host, ''), b.created_at, b.expires_at
		FROM bans b LEFT JOIN sites ON sites.id = b.site_id WHERE b.user_id = ? AND (b.expires_at IS NULL OR b.expires_at > ?) ORDER BY b.id`),
		userID, millis(s.now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountBan
	for rows.Next() {
		var b AccountBan
		var created int64
		var expires sql.NullInt64
		if err := rows.Scan(&b.Site, &created, &expires); err != nil {
			return nil, err
		}
		b.CreatedAt, b.ExpiresAt = fromMillis(created), nullMillis(expires)
		out = append(out, b)
	}
	return out, rows.Err()
}

// moderationRecords returns the moderation actions an account took.
func (s *Store) moderationRecords(ctx context.Context, userID int64) ([]ModerationRecord, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT a.id, sites.host, a.action, COALESCE(a.comment_id, 0), COALESCE(a.page_id, 0), a.detail, a.created_at
		FROM audit_log a JOIN sites ON sites.id = a.site_id WHERE a.actor_id = ? ORDER BY a.id`), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ModerationRecord
	for rows.Next() {
		var m ModerationRecord
		var created int64
		if err := rows.Scan(&m.ID, &m.Site, &m.Action, &m.CommentID, &m.PageID, &m.Detail, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMillis(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// siteLogins returns the sites whose SSO signs the account in.
func (s *Store) siteLogins(ctx context.Context, userID int64) ([]SiteLogin, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT sites.host, sso_users.external_id, sso_users.avatar_source, sso_users.created_at
		FROM sso_users JOIN sites ON sites.id = sso_users.site_id WHERE sso_users.user_id = ? ORDER BY sso_users.created_at`), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SiteLogin
	for rows.Next() {
		var l SiteLogin
		var created int64
		if err := rows.Scan(&l.Site, &l.ExternalID, &l.AvatarSource, &created); err != nil {
			return nil, err
		}
		l.CreatedAt = fromMillis(created)
		out = append(out, l)
	}
	return out, rows.Err()
}

// accountLinks returns the links mailed to an account, with the address
// of an email change opened.
func (s *Store) accountLinks(ctx context.Context, userID int64) ([]AccountLink, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT purpose, new_email_sealed, created_at, expires_at, used_at
		FROM account_tokens WHERE user_id = ? ORDER BY id`), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountLink
	for rows.Next() {
		var l AccountLink
		var sealed []byte
		var created, expires int64
		var used sql.NullInt64
		if err := rows.Scan(&l.Purpose, &sealed, &created, &expires, &used); err != nil {
			return nil, err
		}
		if l.NewEmail, err = s.sealer.Open(sealed); err != nil {
			return nil, err
		}
		l.CreatedAt, l.ExpiresAt, l.UsedAt = fromMillis(created), fromMillis(expires), nullMillis(used)
		out = append(out, l)
	}
	return out, rows.Err()
}

// GuestData returns the personal data kept under a guest email's blind
// index, on every site of the instance.
func (s *Store) GuestData(ctx context.Context, index []byte) (*PersonalData, error) {
	d := &PersonalData{}
	if err := s.emailData(ctx, d, 0, index); err != nil {
		return nil, fmt.Errorf("store: guest data: %w", err)
	}
	return d, nil
}

// emailData fills d with the comments of account userID (0: none) and what
// is kept under the email of blind index (nil: nothing).
func (s *Store) emailData(ctx context.Context, d *PersonalData, userID int64, index []byte) error {
	var err error
	if d.Comments, err = s.personalComments(ctx, userID, index); err != nil {
		return err
	}
	if index == nil {
		return nil
	}
	var at sql.NullInt64
	err = s.read.QueryRowContext(ctx, s.q("SELECT verified_at FROM verified_guests WHERE email_index = ?"), index).Scan(&at)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	d.VerifiedAt = nullMillis(at)
	if d.Mail, err = s.personalMail(ctx, index); err != nil {
		return err
	}
	if d.ContactMessages, err = s.contactMessages(ctx, "WHERE email_index = ?", "ORDER BY id", index); err != nil {
		return err
	}
	if d.Requests, err = s.privacyRequests(ctx, index); err != nil {
		return err
	}
	d.Invitations, err = s.invitationsWhere(ctx, "email_index = ?", index)
	return err
}

// extraScan scans a row's first columns with a scanner made for them and
// the columns after them into extra.
type extraScan struct {
	row   rowScanner
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

func (s *Store) personalComments(ctx context.Context, userID int64, index []byte) ([]PersonalComment, error) {
	where, args := personComments(userID, index)
	return s.commentsWhere(ctx, where, args)
}

// commentsWhere reads the comments matching where, with their personal
// data opened and their site and page, oldest first.
func (s *Store) commentsWhere(ctx context.Context, where string, args []any) ([]PersonalComment, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+commentColumns+
		`, (SELECT host FROM sites WHERE sites.id = comments.site_id), (SELECT path FROM pages WHERE pages.id = comments.page_id),
		comments.notify_replies FROM comments WHERE `+where+" ORDER BY id"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PersonalComment{}
	for rows.Next() {
		var pc PersonalComment
		var notify bool
		c, err := s.scanComment(extraScan{rows, []any{&pc.Host, &pc.Path, &notify}})
		if err != nil {
			return nil, err
		}
		pc.Comment = *c
		pc.NotifyReplies = notify
		out = append(out, pc)
	}
	return out, rows.Err()
}

func (s *Store) siteRoles(ctx context.Context, userID int64) ([]SiteRole, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT host, 'owner', CAST(NULL AS BIGINT) FROM sites WHERE owner_id = ?
		UNION SELECT st.host, m.role, m.created_at FROM site_members m JOIN sites st ON st.id = m.site_id WHERE m.user_id = ?
		ORDER BY 1, 2`), userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SiteRole{}
	for rows.Next() {
		var r SiteRole
		var role string
		var since sql.NullInt64
		if err := rows.Scan(&r.Host, &role, &since); err != nil {
			return nil, err
		}
		r.Role, r.Since = model.Role(role), nullMillis(since)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Store) personalMail(ctx context.Context, index []byte) ([]PersonalMail, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, kind, status, recipient_sealed, subject_sealed, text_sealed, created_at
		FROM outbox WHERE recipient_index = ? ORDER BY id`), index)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PersonalMail{}
	for rows.Next() {
		var m PersonalMail
		var to, subject, text []byte
		var created int64
		if err := rows.Scan(&m.ID, &m.Kind, &m.Status, &to, &subject, &text, &created); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			dst    *string
			sealed []byte
		}{{&m.To, to}, {&m.Subject, subject}, {&m.Text, text}} {
			if *f.dst, err = s.sealer.Open(f.sealed); err != nil {
				return nil, err
			}
		}
		m.CreatedAt = fromMillis(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (s *Store) privacyRequests(ctx context.Context, index []byte) ([]PrivacyRequest, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+privacyRequestColumns+" FROM privacy_requests WHERE email_index = ? ORDER BY id"), index)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PrivacyRequest{}
	for rows.Next() {
		req, err := scanPrivacyRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *req)
	}
	return out, rows.Err()
}

// invitationsTo returns the invitations sent to the address of a blind
// index; none for a nil index.
func (s *Store) invitationsTo(ctx context.Context, index []byte) ([]InvitationRecord, error) {
	if index == nil {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT sites.host, i.role, i.created_at, i.expires_at, i.used_at
		FROM site_invitations i JOIN sites ON sites.id = i.site_id WHERE i.email_index = ? ORDER BY i.id`), index)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InvitationRecord
	for rows.Next() {
		var r InvitationRecord
		var role string
		var created, expires int64
		var used sql.NullInt64
		if err := rows.Scan(&r.Site, &role, &created, &expires, &used); err != nil {
			return nil, err
		}
		r.Role, r.CreatedAt, r.ExpiresAt, r.UsedAt = model.Role(role), fromMillis(created), fromMillis(expires), nullMillis(used)
		out = append(out, r)
	}
	return out, rows.Err()
}

package model

import "time"

// Status is a comment's moderation state.
type Status string

// The comment states. Only approved comments are shown to readers.
const (
	StatusApproved Status = "approved"
	StatusPending  Status = "pending"
	StatusSpam     Status = "spam"
	StatusDeleted  Status = "deleted"
)

// Valid reports whether s is one of the known states.
func (s Status) Valid() bool {
	switch s {
	case StatusApproved, StatusPending, StatusSpam, StatusDeleted:
		return true
	}
	return false
}

// Role is a user's role: on the instance for users, on a site for members.
type Role string

// The roles of DESIGN.md section 2.
const (
	RoleOperator  Role = "operator"
	RoleOwner     Role = "owner"
	RoleModerator Role = "moderator"
	RoleCommenter Role = "commenter"
)

// User is one identity in the single user registry: a commenter, an owner,
// a moderator and an operator are all users (one account whatever they do).
type User struct {
	ID    int64
	Name  string // display name, public on the user's comments
	Email string // plain text in memory; sealed at rest; never public (P3)
	Role  Role   // RoleOperator or RoleCommenter on the instance; site roles are site members'

	// PasswordHash is the PHC-encoded argon2id hash of the password, empty
	// when the account has none (it signs in through a provider, or was
	// created without). It never leaves the server.
	PasswordHash string
	// EmailVerifiedAt is when the email was confirmed; nil until then. A
	// verified account is marked so on its comments.
	EmailVerifiedAt *time.Time
	// SignedUp marks an account its owner created by signing up (not the
	// operator, not a provider): until its email is confirmed, its comments
	// are held (comment status pending, hold reason "email_unverified").
	SignedUp bool

	// The public profile, shown on the user's comments. AvatarURL is loaded
	// by readers' browsers, so it must be an image served from the Parley
	// origin (promise P2), never a provider's or Gravatar's own URL.
	Website    string
	AvatarURL  string
	ProfileURL string

	CreatedAt time.Time
}

// Verified reports whether the user's email has been confirmed.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// SessionKind says which surface a session signs in to.
type SessionKind string

// The session kinds.
const (
	SessionWidget    SessionKind = "widget"    // a commenter, through the widget (Bearer token)
	SessionDashboard SessionKind = "dashboard" // an owner, moderator or operator, through the dashboard
)

// Session is one sign-in of a user. Its token is never kept: the store holds
// only its SHA-256, and this type has no field for either.
type Session struct {
	ID         int64
	UserID     int64
	Kind       SessionKind
	Remember   bool // "remember me" was ticked: the longer lifetime
	CreatedAt  time.Time
	LastUsedAt time.Time // updated at most once a minute
	ExpiresAt  time.Time
}

// Moderation modes for new comments.
const (
	ModerationNone   = "none"   // publish at once
	ModerationFirst  = "first"  // hold a commenter's first comment; previously approved commenters skip (P12)
	ModerationGuests = "guests" // hold guests' and anonymous comments; accounts and previously approved commenters skip
	ModerationAll    = "all"    // hold every comment
)

// SiteSettings are the per-site knobs the widget and the comment service read.
type SiteSettings struct {
	MaxLength         int    `json:"maxLength"`
	EditWindowSeconds int    `json:"editWindowSeconds"`
	RequireEmail      bool   `json:"requireEmail"`
	AllowAnonymous    bool   `json:"allowAnonymous"`
	MaxDepth          int    `json:"maxDepth"`
	Moderation        string `json:"moderation"`
	// LoginMethods are the ways besides anonymous comments (AllowAnonymous)
	// that commenters may identify themselves on the site: LoginGuest,
	// LoginLocal and the names of the operator's OAuth2/OpenID Connect
	// providers. Empty means guest only. A provider that the operator has
	// not configured is ignored.
	LoginMethods []string `json:"loginMethods,omitempty"`
	// Voting lets readers vote on comments; when false the API refuses
	// votes and the widget shows no vote buttons.
	Voting bool `json:"voting"`
	// DefaultSort is the thread's sort when a request names none:
	// "oldest", "newest" or "top" (store.SortOldest…); "" means oldest.
	DefaultSort string `json:"defaultSort,omitempty"`
	// ClosedAfterDays closes a page to new comments once it is that many
	// days old (its creation or first comment, whichever is older), as if
	// locked; 0 never closes one.
	ClosedAfterDays int `json:"closedAfterDays,omitempty"`

	// The spam policy (internal/policy, docs/moderation.md), checked by
	// policy.Check. Never sent to the widget: the lists would tell a
	// spammer what to avoid. LinkLimit holds a comment with that many
	// links or more (0: no limit); HoldImages holds one with an image;
	// HeldWords hold a comment, BlockedWords mark it spam (whole words or
	// phrases, any case).
	LinkLimit    int      `json:"linkLimit"`
	HoldImages   bool     `json:"holdImages,omitempty"`
	HeldWords    []string `json:"heldWords,omitempty"`
	BlockedWords []string `json:"blockedWords,omitempty"`
	// AkismetOnError is what happens to a comment Akismet could not
	// decide (docs/moderation.md): AkismetHold, AkismetPublish, or "" for
	// the operator's PARLEY_AKISMET_ON_ERROR. Never sent to the widget.
	AkismetOnError string `json:"akismetOnError,omitempty"`

	// ProofOfWork requires a proof-of-work solution (package captcha) with
	// every guest and anonymous comment; ProofOfWorkDifficulty is its
	// difficulty, 0 for the instance's (PARLEY_CAPTCHA_DIFFICULTY).
	// docs/moderation.md, "Flood and abuse limits".
	ProofOfWork           bool `json:"proofOfWork,omitempty"`
	ProofOfWorkDifficulty int  `json:"proofOfWorkDifficulty,omitempty"`

	// Uploads lets commenters add images to comments (docs/uploads.md):
	// the API takes uploads for the site and comments show them; the
	// widget shows its image button. Off by default.
	Uploads bool `json:"uploads,omitempty"`
	// IPRetentionDays shortens, for this site, how long commenters' IP
	// addresses and user agents are kept (promise P5); 0 keeps them as long
	// as the operator's PARLEY_IP_RETENTION allows. It can only shorten:
	// see IPRetention. Never sent to the widget.
	IPRetentionDays int `json:"ipRetentionDays,omitempty"`
}

// IPRetention is how long the site keeps commenters' IP addresses and user
// agents when the operator allows at most max: the site's IPRetentionDays
// when set and shorter, else max. A site's setting never lengthens it, even
// when the operator lowered max after the site chose its period.
func (s SiteSettings) IPRetention(max time.Duration) time.Duration {
	if d := time.Duration(s.IPRetentionDays) * 24 * time.Hour; s.IPRetentionDays > 0 && d < max {
		return d
	}
	return max
}

// The failure policies of SiteSettings.AkismetOnError.
const (
	AkismetHold    = "hold"    // hold the comment for a moderator
	AkismetPublish = "publish" // let the site's policy decide alone
)

// ClosedBefore returns the time before which a page, opened then, takes no
// new comments at now (ClosedAfterDays); the zero time when pages never close.
func (s SiteSettings) ClosedBefore(now time.Time) time.Time {
	if s.ClosedAfterDays <= 0 {
		return time.Time{}
	}
	return now.AddDate(0, 0, -s.ClosedAfterDays)
}

// The login methods that are not providers.
const (
	LoginAnonymous = "anonymous" // stored as AllowAnonymous, not in LoginMethods
	LoginGuest     = "guest"     // name, optional email and website, no account
	LoginLocal     = "local"     // an account with email and password
)

// Logins returns the site's login methods: LoginMethods, or guest alone when
// it is empty.
func (s SiteSettings) Logins() []string {
	if len(s.LoginMethods) == 0 {
		return []string{LoginGuest}
	}
	return s.LoginMethods
}

// AllowsLogin reports whether method (a name of Logins) is enabled.
func (s SiteSettings) AllowsLogin(method string) bool {
	for _, m := range s.Logins() {
		if m == method {
			return true
		}
	}
	return false
}

// DefaultLinkLimit is the links that hold a comment on a new site: 2, as
// WordPress's default.
const DefaultLinkLimit = 2

// DefaultSiteSettings returns the settings a new site starts with.
func DefaultSiteSettings() SiteSettings {
	return SiteSettings{
		MaxLength:         10000,
		EditWindowSeconds: 15 * 60,
		MaxDepth:          5,
		Moderation:        ModerationNone,
		Voting:            true,
		LinkLimit:         DefaultLinkLimit,
	}
}

// Site is one domain whose pages carry comments.
type Site struct {
	ID      int64
	Host    string   // e.g. "example.com" or "localhost:3000"
	Origins []string // extra allowed origins besides https://Host and http://Host
	OwnerID int64    // 0 when the site has no owner account yet
	// Waiting marks a site that is not live: added in the dashboard by an
	// account whose email is not confirmed, it serves no widget until the
	// owner confirms the address. Every other site is live (false).
	Waiting bool
	// HasAkismetKey says that the site stored an Akismet key of its own
	// (the key itself is read, sealed, only when a comment is checked).
	HasAkismetKey bool
	Settings      SiteSettings
	CreatedAt     time.Time
}

// AllowedOrigins returns every origin that may write to the site.
func (s *Site) AllowedOrigins() []string {
	out := []string{"https://" + s.Host, "http://" + s.Host}
	return append(out, s.Origins...)
}

// AllowsOrigin reports whether origin (scheme://host[:port]) may write to the site.
func (s *Site) AllowsOrigin(origin string) bool {
	for _, o := range s.AllowedOrigins() {
		if o == origin {
			return true
		}
	}
	return false
}

// Page is one thread: a path on a site.
type Page struct {
	ID        int64
	SiteID    int64
	Path      string
	Title     string
	Locked    bool
	CreatedAt time.Time
}

// Comment is one comment or reply.
type Comment struct {
	ID       int64
	SiteID   int64
	PageID   int64
	ParentID int64 // 0 for a root comment
	AuthorID int64 // 0 for guests

	GuestName    string
	GuestEmail   string // sealed at rest; never public (P3)
	GuestWebsite string
	// GuestVerified marks a guest comment written with an email its
	// writer had confirmed by link (a verified guest); fixed when written.
	GuestVerified bool
	// NotifyReplies is the author's opt-in, when writing it, to mail about
	// replies in its thread and about its approval (promise P9).
	NotifyReplies bool

	Text string // markdown source
	HTML string // sanitized rendering of Text

	Status Status
	// HoldReason says why a comment is pending or spam: a reason code of
	// internal/policy, or "email_unverified" (its account has not
	// confirmed its email yet); "" otherwise. Written on creation and when
	// an edit of an approved comment is held (policy.Decide).
	HoldReason string
	// SpamVerdict is what a spam checker said of the comment when it was
	// written ("ham" or "spam"; "" when none was asked or it did not
	// answer), then what a moderator reported to it since.
	SpamVerdict string
	CreatedAt   time.Time
	EditedAt    *time.Time
	DeletedAt   *time.Time

	Score     int
	Upvotes   int
	Downvotes int
	Sticky    bool

	IP        string // sealed at rest, purged after retention (P5)
	UserAgent string // sealed at rest

	EditTokenHash []byte // SHA-256 of the guest's edit token
	ReplyCount    int    // direct approved replies, filled by thread reads
}

// Deleted reports whether the comment was deleted by its author or a moderator.
func (c *Comment) Deleted() bool { return c.DeletedAt != nil }

// Mail is one message to one recipient, rendered and ready to send: what
// the outbox stores (sealed) until a worker delivers it.
type Mail struct {
	Kind    string // the template that made it, such as "test"; never personal
	SiteID  int64  // the site it is about; 0 for the instance or an account
	To      string // one bare address; sealed at rest
	Subject string // one line; sealed at rest
	Text    string // the text/plain part; sealed at rest
	HTML    string // the text/html part; sealed at rest
	// Unsubscribe, when set, is the https link that stops mails like this
	// one: sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058),
	// so that a POST to it unsubscribes in one click. Sealed at rest.
	Unsubscribe string
}

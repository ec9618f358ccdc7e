package spam

import (
	"context"
	"time"
)

// Verdict is a checker's answer about one comment.
type Verdict int

// The verdicts. Discard is spam so blatant that the checker advises not
// even keeping it for review (Akismet's "X-akismet-pro-tip: discard").
const (
	Unknown Verdict = iota // no answer: an error, or a checker that cannot tell
	Ham
	Spam
	Discard
)

func (v Verdict) String() string {
	switch v {
	case Ham:
		return "ham"
	case Spam:
		return "spam"
	case Discard:
		return "discard"
	}
	return "unknown"
}

// IsSpam reports whether v is Spam or Discard.
func (v Verdict) IsSpam() bool { return v == Spam || v == Discard }

// Comment is what a checker is told about a comment and the request that
// sent it. Personal data (IP, email) goes to the checker's service and
// nowhere else: the operator who configures a checker accepts that.
type Comment struct {
	Blog      string // the site's front page, https://HOST/
	Permalink string // the page the comment is on
	Type      string // "comment" or "reply"
	Lang      string // the site's languages, such as "en" or "en, fr_ca"; "" when unknown

	UserIP    string
	UserAgent string
	Referrer  string

	Author      string
	AuthorEmail string
	AuthorURL   string
	// UserRole is the author's role on the site: "administrator" for an
	// owner or moderator (Akismet never calls that spam), "" for others.
	UserRole string
	Content  string

	Created      time.Time // when the comment was written
	PostModified time.Time // when the page last changed; zero when unknown
}

// Checker decides whether a comment is spam. Check answers Unknown with an
// error when it could not decide (timeout, service down, bad key); the
// caller's failure policy decides what that means. Implementations are safe
// for concurrent use.
type Checker interface {
	Check(ctx context.Context, c Comment) (Verdict, error)
}

// Reporter tells a checker's service that it was wrong: a moderator marked
// a comment it passed as spam (ReportSpam), or approved one it called spam
// (ReportHam).
type Reporter interface {
	ReportSpam(ctx context.Context, c Comment) error
	ReportHam(ctx context.Context, c Comment) error
}

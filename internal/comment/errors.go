package comment

import "errors"

// FieldError is a validation failure of one input field. Field is the
// dotted JSON path of the field, e.g. "author.email".
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Message: msg} }

// Errors a caller maps to responses. There is no error for a wrong edit
// token: it is ErrNotFound, so that a comment that is not the caller's
// looks like one that does not exist.
var (
	ErrNotFound   = errors.New("comment not found")
	ErrEditWindow = errors.New("the edit window has closed")
	ErrPageLocked = errors.New("the page is locked")
	ErrVoteLimit  = errors.New("too many votes from one network on this comment")
	// ErrVotingOff: the site has turned voting off (SiteSettings.Voting).
	ErrVotingOff = errors.New("the site takes no votes")
	// ErrLoginRequired: the site does not take guest comments (its login
	// methods do not include guest), and the comment came without a session.
	ErrLoginRequired = errors.New("the site takes comments from logged-in people only")
	// ErrSiteSuspended: the site's owner is suspended by the operator; the
	// site shows its comments but takes no new ones.
	ErrSiteSuspended = errors.New("the site takes no comments while its owner is suspended")
)

// LimitError refuses a comment on a site whose owner's plan reached its
// monthly limit of comments or of page views: the site shows its
// comments, and takes new ones again next month or on a bigger plan.
type LimitError struct {
	Metric string // store.MetricComments or store.MetricViews
}

func (e *LimitError) Error() string { return "the site reached its monthly " + e.Metric + " limit" }

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

// Errors a caller maps to responses.
var (
	ErrNotFound   = errors.New("comment not found")
	ErrBadToken   = errors.New("edit token is missing or wrong")
	ErrEditWindow = errors.New("the edit window has closed")
	ErrPageLocked = errors.New("the page is locked")
	ErrVoteLimit  = errors.New("too many votes from one network on this comment")
)

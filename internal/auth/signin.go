package auth

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadCredentials is a password sign-in's one failure: the email address
// is unknown, the account has no password, or the password is wrong. Every
// surface answers all of them alike.
var ErrBadCredentials = errors.New("auth: wrong email or password")

// RateLimitedError refuses a sign-in attempt past a sign-in limit; Wait is
// how long until the next attempt may be made.
type RateLimitedError struct{ Wait time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("auth: too many sign-in attempts; retry after %s", e.Wait)
}

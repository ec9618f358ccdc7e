package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
)

// userInvite serves parley user invite EMAIL: an invitation to sign up on
// the dashboard, mailed through the outbox (auth.Invite).
func userInvite(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "user invite", args, "EMAIL")
	if err != nil {
		return err
	}
	defer a.Close()
	email := strings.TrimSpace(pos[0])
	if !comment.ValidEmail(email) {
		return fmt.Errorf("%w: user invite takes one EMAIL, such as ada@example.com", ErrUsage)
	}
	inv, err := auth.Invite(ctx, a.store, email, 0, a.cfg.PublicURL, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "invited %s: the mail is queued (sent by the running server); the link works once, until %s\n",
		email, inv.ExpiresAt.Format(time.RFC3339))
	return nil
}

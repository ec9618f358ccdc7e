package auth

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// InvitationLifetime is how long an invitation to sign up
// (PARLEY_SIGNUP=invite) can be used.
const InvitationLifetime = 7 * 24 * time.Hour

// InvitationPath is the dashboard page an invitation link opens; its token
// is the invitation query parameter.
const InvitationPath = "/dashboard/signup"

// Invite stores an invitation for email, sent by the account invitedBy (0:
// the operator on the command line), and queues its mail from the instance
// at publicURL, in one transaction. The link works once, for
// InvitationLifetime from now.
func Invite(ctx context.Context, st *store.Store, email string, invitedBy int64, publicURL string, now time.Time) (*store.Invitation, error) {
	token, hash := NewLinkToken()
	now = now.UTC().Truncate(time.Millisecond)
	inv := &store.Invitation{Email: email, InvitedBy: invitedBy, CreatedAt: now, ExpiresAt: now.Add(InvitationLifetime)}
	name := publicURL
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		name = u.Host
	}
	link := publicURL + InvitationPath + "?" + url.Values{"invitation": {token}}.Encode()
	m, err := notify.InvitationMail(email, notify.Sender{Name: name, URL: publicURL}, notify.LinkData{Link: link, Valid: fmt.Sprintf("%d days", InvitationLifetime/(24*time.Hour))})
	if err != nil {
		return nil, err
	}
	if err := st.CreateInvitation(ctx, inv, hash, m); err != nil {
		return nil, err
	}
	return inv, nil
}

package cli_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/cli"
)

func TestUserInvite(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_PUBLIC_URL": "https://comments.example"}
	out, err := runIn(t, vars, "", "user", "invite", "nia@example.com")
	if err != nil || !strings.Contains(out, "invited nia@example.com") {
		t.Fatalf("user invite: %v %s", err, out)
	}
	if _, err := runIn(t, vars, "", "user", "invite", "not an address"); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("bad address: %v, want a usage error", err)
	}
	st := openStore(t, vars)
	ctx := context.Background()
	pending, err := st.PendingInvitations(ctx, time.Now())
	if err != nil || len(pending) != 1 || pending[0].Email != "nia@example.com" {
		t.Fatalf("pending: %+v %v", pending, err)
	}
	if got := pending[0].ExpiresAt.Sub(pending[0].CreatedAt); got != auth.InvitationLifetime {
		t.Errorf("valid for %s, want %s", got, auth.InvitationLifetime)
	}
	due, err := st.ClaimDueMail(ctx, time.Now(), 10, time.Minute)
	if err != nil || len(due) != 1 || due[0].To != "nia@example.com" ||
		!strings.Contains(due[0].Text, "https://comments.example/dashboard/signup?invitation=") || !strings.Contains(due[0].HTML, "Create my account") {
		t.Errorf("invitation mail: %+v %v", due, err)
	}
}

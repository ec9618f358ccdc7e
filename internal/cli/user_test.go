package cli_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// runIn runs the command line with stdin as its input.
func runIn(t *testing.T, vars map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.RunWithInput(context.Background(), args, getenv(vars), strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// openStore opens the database the commands used, with their key.
func openStore(t *testing.T, vars map[string]string) *store.Store {
	t.Helper()
	key, err := privacy.LoadKey("", vars["PARLEY_DATA_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := privacy.NewSealer(key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), vars["PARLEY_DATABASE_URL"], vars["PARLEY_DATA_DIR"], sealer, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestUserCommands(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
			if dialect == "postgres" {
				vars["PARLEY_DATABASE_URL"] = pgURL(t)
			}
			testUserCommands(t, vars)
		})
	}
}

func testUserCommands(t *testing.T, vars map[string]string) {
	ctx := context.Background()
	// The first operator, on a fresh instance.
	out, err := runIn(t, vars, "correct horse battery\n", "user", "add", "ada@example.com", "--operator", "--name", "Ada", "--verified")
	if err != nil || !strings.Contains(out, "added operator ada@example.com (with a password)") {
		t.Fatalf("user add: %v %s", err, out)
	}
	if out, err := runIn(t, vars, "", "user", "add", "bob@example.com", "--name", "Bob"); err != nil || !strings.Contains(out, "without a password") {
		t.Fatalf("user add without password: %v %s", err, out)
	}
	if _, err := runIn(t, vars, "another long one\n", "user", "add", "ADA@example.com"); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("same email twice: %v", err)
	}
	for _, bad := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"user", "add", "not-an-email"}, "EMAIL"},
		{"", []string{"user", "add"}, "EMAIL"},
		{"password123\n", []string{"user", "add", "carol@example.com"}, "too common"},
		{"short\n", []string{"user", "add", "carol@example.com"}, "at least 8"},
		{"carol@example.com\n", []string{"user", "add", "carol@example.com"}, "too common"},
		{"", []string{"user", "frobnicate"}, "unknown user command"},
	} {
		if _, err := runIn(t, vars, bad.stdin, bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want an error naming %q", bad.args, err, bad.want)
		}
	}
	out, err = runIn(t, vars, "", "user", "list")
	if err != nil || strings.Contains(out, "carol") || len(strings.Split(strings.TrimSpace(out), "\n")) != 3 {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	for _, want := range []string{"ada@example.com  Ada   operator   yes       yes", "bob@example.com  Bob   commenter  no        no"} {
		if !strings.Contains(out, want) {
			t.Errorf("user list lacks %q:\n%s", want, out)
		}
	}

	st := openStore(t, vars)
	ada, _ := st.UserByEmail(ctx, "ada@example.com")
	if ada == nil || !auth.CheckPassword(ada.PasswordHash, "correct horse battery") || !ada.Verified() || ada.Role != model.RoleOperator {
		t.Fatalf("ada as stored: %+v", ada)
	}

	// A new password works, the old sessions end.
	bob, _ := st.UserByEmail(ctx, "bob@example.com")
	sessions := auth.NewSessions(st, nil)
	token, _, _ := sessions.Create(ctx, bob.ID, false)
	if _, err := runIn(t, vars, "", "user", "password", "bob@example.com"); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("user password with nothing on stdin: %v", err)
	}
	if out, err := runIn(t, vars, "bobs new passphrase\n", "user", "password", "bob@example.com"); err != nil || !strings.Contains(out, "sessions have ended") {
		t.Fatalf("user password: %v %s", err, out)
	}
	bob, _ = st.UserByEmail(ctx, "bob@example.com")
	if !auth.CheckPassword(bob.PasswordHash, "bobs new passphrase") {
		t.Error("the new password does not match")
	}
	if _, err := sessions.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("a session survived the password change: %v", err)
	}
	if _, err := runIn(t, vars, "some password here\n", "user", "password", "nobody@example.com"); err == nil || !strings.Contains(err.Error(), "no account") {
		t.Errorf("password of an unknown account: %v", err)
	}

	// Sites: an owner, members and badges.
	if out, err := runIn(t, vars, "", "site", "add", "blog.example", "--owner", "ada@example.com"); err != nil {
		t.Fatalf("site add --owner: %v %s", err, out)
	}
	if _, err := runIn(t, vars, "", "site", "add", "other.example", "--owner", "nobody@example.com"); err == nil || !strings.Contains(err.Error(), "no account") {
		t.Errorf("site add with an unknown owner: %v", err)
	}
	site, _ := st.SiteByHost(ctx, "blog.example")
	if site.OwnerID != ada.ID {
		t.Errorf("site owner = %d, want %d", site.OwnerID, ada.ID)
	}
	if out, err := runIn(t, vars, "", "site", "member", "add", "blog.example", "bob@example.com", "--role", "moderator"); err != nil || !strings.Contains(out, "moderator") {
		t.Fatalf("site member add: %v %s", err, out)
	}
	if r, _ := st.SiteRole(ctx, site.ID, bob.ID); r != model.RoleModerator {
		t.Errorf("bob's role = %q", r)
	}
	for _, bad := range [][]string{
		{"site", "member", "add", "blog.example", "bob@example.com", "--role", "admin"},
		{"site", "member", "add", "blog.example", "bob@example.com"},
		{"site", "member", "add", "blog.example"},
	} {
		if _, err := runIn(t, vars, "", bad...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
	if _, err := runIn(t, vars, "", "site", "member", "add", "nowhere.example", "bob@example.com", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "no site") {
		t.Errorf("member of an unknown site: %v", err)
	}
	out, err = runIn(t, vars, "", "site", "member", "list", "blog.example")
	if err != nil || !strings.Contains(out, "ada@example.com") || !strings.Contains(out, "owner (site owner)") || !strings.Contains(out, "bob@example.com") {
		t.Errorf("site member list: %v\n%s", err, out)
	}
	if _, err := runIn(t, vars, "", "site", "member", "remove", "blog.example", "bob@example.com"); err != nil {
		t.Errorf("site member remove: %v", err)
	}
	if _, err := runIn(t, vars, "", "site", "member", "remove", "blog.example", "bob@example.com"); err == nil || !strings.Contains(err.Error(), "no role") {
		t.Errorf("removing twice: %v", err)
	}

	// Removing an account keeps its comments, anonymous: no IP or browser either.
	c := &model.Comment{SiteID: site.ID, AuthorID: bob.ID, Text: "bob's", HTML: "<p>bob's</p>", Status: model.StatusApproved,
		IP: "203.0.113.9", UserAgent: "bob's browser"}
	if err := st.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
		t.Fatal(err)
	}
	if out, err := runIn(t, vars, "", "user", "remove", "bob@example.com"); err != nil || !strings.Contains(out, "comments stay") {
		t.Fatalf("user remove: %v %s", err, out)
	}
	if got, err := st.Comment(ctx, c.ID); err != nil || got.AuthorID != 0 || got.Text != "bob's" || got.IP != "" || got.UserAgent != "" {
		t.Errorf("comment of a removed account: %+v, %v", got, err)
	}
	if _, err := runIn(t, vars, "", "user", "remove", "bob@example.com"); err == nil {
		t.Error("removing a missing account succeeded")
	}
}

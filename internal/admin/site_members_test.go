package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// mailedToken returns the token of the invitation link mailed to address,
// read from the outbox as the mail worker would send it.
func (e *env) mailedToken(address string) string {
	e.t.Helper()
	mails, err := e.st.ClaimDueMail(context.Background(), time.Now().Add(time.Minute), 100, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range mails {
		if m.To != address {
			continue
		}
		_, after, ok := strings.Cut(m.Text, "https://comments.example/dashboard/join?token=")
		if !ok || m.Kind != "site-invitation" || !strings.Contains(m.Subject, "a.example") || !strings.Contains(m.HTML, "Accept the invitation") {
			e.t.Fatalf("the invitation mail: %+v", m.Mail)
		}
		return strings.Fields(after)[0]
	}
	e.t.Fatalf("no mail to %s", address)
	return ""
}

func TestInviteModerator(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	members := fmt.Sprintf("/dashboard/sites/%d/members", e.siteA.ID)
	page := e.do(req{method: "GET", path: members, token: e.ownerTok}).Body.String()
	if !strings.Contains(page, "<td>owner@example.com</td><td>owner</td>") || !strings.Contains(page, "<td>mod@example.com</td><td>moderator</td>") {
		t.Fatalf("the members page: %s", page)
	}
	invite := func(email string) int {
		return e.do(req{method: "POST", path: members + "/invite", token: e.ownerTok, form: url.Values{"email": {email}}}).Code
	}
	for _, bad := range []string{"", "not an address"} {
		w := e.do(req{method: "POST", path: members + "/invite", token: e.ownerTok, form: url.Values{"email": {bad}}})
		if w.Code != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", bad, w.Code)
		}
		fieldError(t, w.Body.String(), "email", "Enter an email address such as mod@example.com.")
	}

	// An address without an account: the invitation waits until it has one.
	if code := invite("newmod@example.com"); code != http.StatusSeeOther {
		t.Fatalf("invite: %d", code)
	}
	token := e.mailedToken("newmod@example.com")
	join := "/dashboard/join?token=" + url.QueryEscape(token)
	signInPage := "/dashboard/signin?" + url.Values{"next": {join}}.Encode()
	if body := e.do(req{method: "GET", path: join}).Body.String(); !strings.Contains(body, `<a href="`+strings.ReplaceAll(signInPage, "&", "&amp;")+`">sign in</a> with newmod@example.com`) {
		t.Errorf("the link signed out: %s", body)
	}
	if body := e.do(req{method: "GET", path: signInPage}).Body.String(); !strings.Contains(body, `name="next" value="`+join+`"`) {
		t.Errorf("the sign-in page does not carry the way back: %s", body)
	}
	if body := e.do(req{method: "GET", path: join, token: e.strangerTok}).Body.String(); !strings.Contains(body, "You are signed in as stranger@example.com") {
		t.Errorf("the link for another account: %s", body)
	}
	accept := func(tok string) *httpResult {
		w := e.do(req{method: "POST", path: "/dashboard/join", token: tok, form: url.Values{"token": {token}}})
		return &httpResult{w.Code, w.Header().Get("Location"), w.Body.String()}
	}
	if r := accept(e.strangerTok); r.code != http.StatusForbidden {
		t.Errorf("another account accepts: %d, want 403", r.code)
	}
	newMod := e.user("NewMod@Example.com", model.RoleCommenter)
	in := signIn("newmod@example.com", password, false)
	in.form.Set("next", join)
	if w := e.do(in); w.Code != http.StatusSeeOther || w.Header().Get("Location") != join {
		t.Errorf("signing in from the invitation goes to %q, want back to the link", w.Header().Get("Location"))
	}
	newTok := e.token(newMod)
	if body := e.do(req{method: "GET", path: join, token: newTok}).Body.String(); !strings.Contains(body, "Accept: moderate a.example") {
		t.Errorf("the link for the invited account: %s", body)
	}
	if r := accept(newTok); r.code != http.StatusSeeOther || r.location != fmt.Sprintf("/dashboard/sites/%d", e.siteA.ID) {
		t.Fatalf("accept: %d to %q", r.code, r.location)
	}
	if role, err := e.st.SiteRole(ctx, e.siteA.ID, newMod.ID); err != nil || role != model.RoleModerator {
		t.Errorf("role %q, %v", role, err)
	}
	if w := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/moderation", e.siteA.ID), token: newTok}); w.Code != http.StatusOK {
		t.Errorf("the new moderator's queue: %d", w.Code)
	}
	if r := accept(newTok); r.code != http.StatusGone {
		t.Errorf("a second use: %d, want 410", r.code)
	}

	// A withdrawn invitation's link is no longer valid.
	invite("gone@example.com")
	pending, _ := e.st.SiteInvitations(ctx, e.siteA.ID, time.Now())
	if len(pending) != 1 || pending[0].Email != "gone@example.com" {
		t.Fatalf("pending invitations: %+v", pending)
	}
	if w := e.do(req{method: "POST", path: members + "/cancel", token: e.ownerTok, form: url.Values{"invitation": {fmt.Sprint(pending[0].ID)}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/dashboard/join?token=" + e.mailedToken("gone@example.com")}); w.Code != http.StatusNotFound {
		t.Errorf("a withdrawn invitation: %d, want 404", w.Code)
	}

	// At most MaxPendingInvitations wait at once.
	for i := range admin.MaxPendingInvitations {
		if code := invite(fmt.Sprintf("m%d@example.com", i)); code != http.StatusSeeOther {
			t.Fatalf("invitation %d: %d", i, code)
		}
	}
	w := e.do(req{method: "POST", path: members + "/invite", token: e.ownerTok, form: url.Values{"email": {"one.more@example.com"}}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("past the limit: %d, want 400", w.Code)
	}
	fieldError(t, w.Body.String(), "email", fmt.Sprintf("The site has %d invitations waiting", admin.MaxPendingInvitations))
}

type httpResult struct {
	code           int
	location, body string
}

func TestRemoveAndTransfer(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	members := fmt.Sprintf("/dashboard/sites/%d/members", e.siteA.ID)
	post := func(action string, user int64) int {
		return e.do(req{method: "POST", path: members + "/" + action, token: e.ownerTok, form: url.Values{"user": {fmt.Sprint(user)}}}).Code
	}
	if code := post("remove", e.stranger.ID); code != http.StatusNotFound {
		t.Errorf("remove a stranger: %d, want 404", code)
	}
	if code := post("transfer", e.stranger.ID); code != http.StatusNotFound {
		t.Errorf("give the site to a stranger: %d, want 404", code)
	}
	if code := post("transfer", e.mod.ID); code != http.StatusSeeOther {
		t.Fatalf("transfer: %d", code)
	}
	site, _ := e.st.SiteByID(ctx, e.siteA.ID)
	if site.OwnerID != e.mod.ID {
		t.Errorf("owner %d, want the moderator %d", site.OwnerID, e.mod.ID)
	}
	if role, err := e.st.SiteRole(ctx, e.siteA.ID, e.owner.ID); err != nil || role != model.RoleModerator {
		t.Errorf("the previous owner's role: %q %v, want moderator", role, err)
	}
	if _, err := e.st.SiteRole(ctx, e.siteA.ID, e.mod.ID); err == nil {
		t.Error("the new owner kept a membership row")
	}
	// Now the previous owner moderates only, and the new owner manages.
	if w := e.do(req{method: "GET", path: members, token: e.ownerTok}); w.Code != http.StatusNotFound {
		t.Errorf("the previous owner's members page: %d, want 404", w.Code)
	}
	w := e.do(req{method: "POST", path: members + "/remove", token: e.modTok, form: url.Values{"user": {fmt.Sprint(e.owner.ID)}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("the new owner removes the previous one: %d", w.Code)
	}
	if _, err := e.st.SiteRole(ctx, e.siteA.ID, e.owner.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the removed member's role: %v", err)
	}
	if w := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d", e.siteA.ID), token: e.ownerTok}); w.Code != http.StatusNotFound {
		t.Errorf("a removed member sees the site: %d", w.Code)
	}
}

// TestSignInGoesBackOnlyWithinTheDashboard: the sign-in form returns to
// the dashboard path it was given, and home for anything else.
func TestSignInGoesBackOnlyWithinTheDashboard(t *testing.T) {
	e := newEnv(t, "sqlite")
	for next, want := range map[string]string{
		"/dashboard/join?token=abc":        "/dashboard/join?token=abc",
		"https://evil.example/dashboard/x": "/dashboard",
		"//evil.example/dashboard/x":       "/dashboard",
		"/\\evil.example/dashboard/x":      "/dashboard",
		"/dashboard/../account":            "/dashboard",
		"/privacy":                         "/dashboard",
		"":                                 "/dashboard",
	} {
		in := signIn("owner@example.com", password, false)
		in.form.Set("next", next)
		if w := e.do(in); w.Header().Get("Location") != want {
			t.Errorf("next %q: to %q, want %q", next, w.Header().Get("Location"), want)
		}
	}
}

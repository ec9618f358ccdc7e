package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func signIn(email, pass string, remember bool) req {
	f := url.Values{"email": {email}, "password": {pass}}
	if remember {
		f.Set("remember", "1")
	}
	return req{method: "POST", path: "/dashboard/signin", form: f}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.do(req{method: "GET", path: "/dashboard/signin"})
	if w.Code != http.StatusOK || w.Header().Get("Content-Security-Policy") != admin.CSP || !strings.Contains(w.Body.String(), `<label for="email">`) {
		t.Fatalf("sign-in page: %d, CSP %q", w.Code, w.Header().Get("Content-Security-Policy"))
	}
	if !strings.Contains(admin.CSP, "default-src 'none'") || !strings.Contains(admin.CSP, "frame-ancestors 'none'") {
		t.Errorf("CSP %q is not strict", admin.CSP)
	}

	// Each missing field is named next to it.
	w = e.do(signIn("", "", false))
	body := w.Body.String()
	if w.Code != http.StatusBadRequest || !strings.Contains(body, `aria-describedby="email-error"`) ||
		!strings.Contains(body, `id="email-error">Enter your email address.`) || !strings.Contains(body, `id="password-error">Enter your password.`) {
		t.Errorf("empty form: %d %s", w.Code, body)
	}
	w = e.do(signIn("owner@example.com", "", false))
	if body := w.Body.String(); !strings.Contains(body, `value="owner@example.com"`) || strings.Contains(body, "email-error") {
		t.Errorf("a form without password keeps the email and blames the password only: %s", body)
	}

	// A wrong password and an unknown address look alike.
	wrong, unknown := e.do(signIn("owner@example.com", "wrong password", false)), e.do(signIn("nobody@example.com", "wrong password", false))
	const uniform = "The email address or the password is wrong."
	if wrong.Code != http.StatusUnauthorized || unknown.Code != http.StatusUnauthorized ||
		!strings.Contains(wrong.Body.String(), uniform) || !strings.Contains(unknown.Body.String(), uniform) {
		t.Errorf("wrong password %d, unknown address %d: want 401 with one message", wrong.Code, unknown.Code)
	}
	if wrong.Header().Get("Set-Cookie") != "" {
		t.Error("a failed sign-in set a cookie")
	}

	for _, tt := range []struct {
		remember bool
		lifetime time.Duration
	}{{false, auth.SessionLifetime}, {true, auth.RememberedSessionLifetime}} {
		start := time.Now()
		w := e.do(signIn("Owner@Example.com", password, tt.remember))
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard" {
			t.Fatalf("sign in: %d to %q: %s", w.Code, w.Header().Get("Location"), w.Body)
		}
		c := w.Result().Cookies()[0]
		if c.Name != admin.CookieName || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/dashboard" {
			t.Errorf("cookie %+v", c)
		}
		if d := c.Expires.Sub(start); d < tt.lifetime-time.Minute || d > tt.lifetime+time.Minute {
			t.Errorf("remember=%v: the cookie lives %v, want %v", tt.remember, d, tt.lifetime)
		}
		home := e.do(req{method: "GET", path: "/dashboard", token: c.Value})
		if home.Code != http.StatusOK || !strings.Contains(home.Body.String(), "a.example") {
			t.Fatalf("home after sign-in: %d", home.Code)
		}
		if w := e.do(req{method: "GET", path: "/dashboard/signin", token: c.Value}); w.Code != http.StatusSeeOther {
			t.Errorf("the sign-in page when signed in: %d, want 303 home", w.Code)
		}
		out := e.do(req{method: "POST", path: "/dashboard/signout", token: c.Value})
		if out.Code != http.StatusSeeOther || out.Result().Cookies()[0].MaxAge >= 0 {
			t.Errorf("sign out: %d, cookies %v", out.Code, out.Result().Cookies())
		}
		if w := e.do(req{method: "GET", path: "/dashboard", token: c.Value}); w.Code != http.StatusSeeOther {
			t.Errorf("the session after sign-out: %d, want 303 to sign in", w.Code)
		}
	}
}

// TestSignInSharesTheAPILimits: attempts on one address through the
// dashboard count against the API's sign-in of that address too.
func TestSignInSharesTheAPILimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range api.AccountLoginBurst {
		if r := e.do(signIn("owner@example.com", fmt.Sprint("guess ", i), false)); r.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.Code)
		}
	}
	r := e.do(signIn("owner@example.com", password, false))
	if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body.String(), "Too many sign-in attempts") || r.Header().Get("Retry-After") == "" {
		t.Fatalf("attempt past the burst: %d %s", r.Code, r.Body)
	}
	apiLogin := e.doJSON("/api/v1/auth/login", `{"email":"owner@example.com","password":"`+password+`"}`)
	if apiLogin.Code != http.StatusTooManyRequests {
		t.Errorf("the API's sign-in after the dashboard's attempts: %d, want 429", apiLogin.Code)
	}
}

func TestHomeListsSitesByRole(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, tt := range []struct {
		name, token string
		want, not   []string
	}{
		{"owner", e.ownerTok, []string{"a.example", ">owner<"}, []string{"b.example"}},
		{"moderator", e.modTok, []string{"a.example", ">moderator<"}, []string{"b.example"}},
		{"owner of another site", e.strangerTok, []string{"b.example"}, []string{"a.example"}},
		{"operator", e.opTok, []string{"a.example", "b.example", ">operator<"}, nil},
	} {
		body := e.do(req{method: "GET", path: "/dashboard", token: tt.token}).Body.String()
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: home lacks %q", tt.name, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("%s: home shows %q", tt.name, s)
			}
		}
	}
	link := fmt.Sprintf(`href="/dashboard/sites/%d/moderation"`, e.siteA.ID)
	if body := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}).Body.String(); !strings.Contains(body, link) {
		t.Errorf("home does not link to the queue: %s", body)
	}
}

func TestModerationQueuePage(t *testing.T) {
	e := newEnv(t, "sqlite")
	queue := fmt.Sprintf("/dashboard/sites/%d/moderation", e.siteA.ID)
	body := e.do(req{method: "GET", path: queue, token: e.modTok}).Body.String()
	second, first := strings.Index(body, "Second held."), strings.Index(body, "First held.")
	if second < 0 || first < 0 || second > first {
		t.Errorf("the queue does not show both held comments, newest first: %s", body)
	}
	for _, s := range []string{"gus@example.com", "/post", `aria-current="page">Pending <span class="count">2</span>`,
		"Held: its author has not confirmed their email address yet"} {
		if !strings.Contains(body, s) {
			t.Errorf("the moderator's queue lacks %q", s)
		}
	}
	if strings.Contains(body, "Held on B.") {
		t.Error("site A's queue shows a comment of site B")
	}
	// The operator, without a role on the site, moderates but sees no email.
	if body := e.do(req{method: "GET", path: queue, token: e.opTok}).Body.String(); strings.Contains(body, "gus@example.com") || !strings.Contains(body, "First held.") {
		t.Errorf("the operator's queue: %s", body)
	}
	for _, q := range []string{"?status=hidden", "?page=0", "?page=x", fmt.Sprintf("?page=%d", admin.MaxQueuePage+1)} {
		if w := e.do(req{method: "GET", path: queue + q, token: e.ownerTok}); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, w.Code)
		}
	}

	// Pages of QueuePageSize, older ones behind a link.
	for i := range admin.QueuePageSize {
		e.held(e.siteA, "/many", fmt.Sprint("Filler ", i))
	}
	body = e.do(req{method: "GET", path: queue, token: e.ownerTok}).Body.String()
	if n := strings.Count(body, `name="id"`); n != admin.QueuePageSize || !strings.Contains(body, `rel="next"`) || strings.Contains(body, "First held.") {
		t.Errorf("first page: %d comments, want %d and a link to older ones", n, admin.QueuePageSize)
	}
	body = e.do(req{method: "GET", path: queue + "?status=pending&page=2", token: e.ownerTok}).Body.String()
	if n := strings.Count(body, `name="id"`); n != 2 || !strings.Contains(body, "First held.") || !strings.Contains(body, `rel="prev"`) {
		t.Errorf("second page: %d comments, want the 2 oldest", n)
	}
}

func TestModerationActions(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	queue := fmt.Sprintf("/dashboard/sites/%d/moderation", e.siteA.ID)
	thread := func() string {
		return e.do(req{method: "GET", path: "/api/v1/thread?site=a.example&path=/post"}).Body.String()
	}
	if strings.Contains(thread(), "First held.") { // and now it is cached
		t.Fatal("a held comment is public")
	}

	post := func(f url.Values) *httptest.ResponseRecorder {
		return e.do(req{method: "POST", path: queue, token: e.modTok, form: f})
	}
	w := post(url.Values{"action": {"approve"}, "status": {"pending"}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Select at least one comment.") {
		t.Errorf("bulk without selection: %d", w.Code)
	}
	if w := post(url.Values{"action": {"burn"}, "id": {fmt.Sprint(e.heldA1.ID)}}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Choose an action.") {
		t.Errorf("unknown action: %d", w.Code)
	}
	many := url.Values{"action": {"approve"}}
	for i := range admin.QueuePageSize + 1 {
		many.Add("id", fmt.Sprint(i+1))
	}
	if w := post(many); w.Code != http.StatusBadRequest {
		t.Errorf("more than a page of ids: %d, want 400", w.Code)
	}
	if w := post(url.Values{"action": {"approve"}, "id": {fmt.Sprint(e.heldA1.ID), fmt.Sprint(e.heldB.ID)}}); w.Code != http.StatusNotFound {
		t.Errorf("a comment of site B in site A's batch: %d, want 404", w.Code)
	}
	e.unchanged(t)

	w = post(url.Values{"action": {"approve"}, "id": {fmt.Sprint(e.heldA1.ID), fmt.Sprint(e.heldA2.ID)}, "status": {"pending"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("bulk approve: %d %s", w.Code, w.Body)
	}
	if body := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.modTok}).Body.String(); !strings.Contains(body, "2 comments approved.") {
		t.Errorf("no note after approving: %s", body)
	}
	if body := thread(); !strings.Contains(body, "First held.") || !strings.Contains(body, "Second held.") {
		t.Errorf("the approved comments are not in the widget's thread at once: %s", body)
	}

	if w := post(url.Values{"one": {fmt.Sprintf("pin %d", e.heldA1.ID)}, "status": {"approved"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("pin: %d", w.Code)
	}
	if c, _ := e.st.Comment(ctx, e.heldA1.ID); !c.Sticky {
		t.Error("pin did not pin")
	}
	if w := post(url.Values{"one": {fmt.Sprintf("spam %d", e.heldA2.ID)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("spam: %d", w.Code)
	}
	if body := thread(); strings.Contains(body, "Second held.") {
		t.Error("a comment marked as spam is still in the thread")
	}
	lock := fmt.Sprintf("/dashboard/sites/%d/pages/%d/lock", e.siteA.ID, e.heldA1.PageID)
	if w := e.do(req{method: "POST", path: lock, token: e.ownerTok, form: url.Values{"locked": {"yes"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("locked=yes: %d, want 400", w.Code)
	}
	if w := e.do(req{method: "POST", path: lock, token: e.ownerTok, form: url.Values{"locked": {"1"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("lock: %d", w.Code)
	}
	if body := thread(); !strings.Contains(body, `"locked":true`) {
		t.Errorf("the thread does not say the page is locked: %s", body)
	}
	foreign := fmt.Sprintf("/dashboard/sites/%d/pages/%d/lock", e.siteA.ID, e.heldB.PageID)
	if w := e.do(req{method: "POST", path: foreign, token: e.ownerTok, form: url.Values{"locked": {"1"}}}); w.Code != http.StatusNotFound {
		t.Errorf("lock a page of site B through site A: %d, want 404", w.Code)
	}

	log, err := e.st.AuditLog(ctx, e.siteA.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range log {
		got = append(got, fmt.Sprintf("%s:%d", a.Action, a.ActorID))
	}
	want := []string{store.ActionLock + ":" + fmt.Sprint(e.owner.ID), "spam:" + fmt.Sprint(e.mod.ID), "pin:" + fmt.Sprint(e.mod.ID),
		"approve:" + fmt.Sprint(e.mod.ID), "approve:" + fmt.Sprint(e.mod.ID)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit log %v, want %v", got, want)
	}
	if c, _ := e.st.Comment(ctx, e.heldB.ID); c.Status != model.StatusPending {
		t.Errorf("site B's comment is %s", c.Status)
	}
}

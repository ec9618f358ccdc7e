package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/store"
)

const newPassword = "a different long passphrase"

func init() {
	get := func(path string) func(*env) req { return func(*env) req { return req{method: "GET", path: path} } }
	post := func(path string, f url.Values) func(*env) req {
		return func(*env) req { return req{method: "POST", path: path, form: f} }
	}
	publicRoutes = append(publicRoutes,
		otherRoute{"GET /dashboard/signup", get("/dashboard/signup"), 0},
		otherRoute{"POST /dashboard/signup", post("/dashboard/signup", signupForm("Nia Newcomer", "nia@example.com", newPassword)), 0},
		otherRoute{"GET /dashboard/signup/sent", get("/dashboard/signup/sent"), 0},
		otherRoute{"GET /dashboard/forgot", get("/dashboard/forgot"), 0},
		otherRoute{"POST /dashboard/forgot", post("/dashboard/forgot", url.Values{"email": {"owner@example.com"}}), 0},
		otherRoute{"GET /dashboard/forgot/sent", get("/dashboard/forgot/sent"), 0},
	)
	accountRoutes = append(accountRoutes,
		otherRoute{"POST /dashboard/verify", post("/dashboard/verify", url.Values{}), 0},
		otherRoute{"GET /dashboard/verify/sent", get("/dashboard/verify/sent"), 0},
		otherRoute{"GET /dashboard/account", get("/dashboard/account"), 0},
		otherRoute{"POST /dashboard/account/name", post("/dashboard/account/name", url.Values{"name": {"Renamed"}}), 0},
		otherRoute{"POST /dashboard/account/email", post("/dashboard/account/email", url.Values{"email": {"moved@example.com"}, "password": {password}}), 0},
		otherRoute{"POST /dashboard/account/password", post("/dashboard/account/password",
			url.Values{"current": {password}, "new": {newPassword}, "confirm": {newPassword}}), 0},
		otherRoute{"POST /dashboard/account/sessions", post("/dashboard/account/sessions", url.Values{}), 0},
		otherRoute{"GET /dashboard/account/delete", get("/dashboard/account/delete"), 0},
		// The request does not know whose session it carries: a typed
		// address that is nobody's is refused (400) for everyone allowed.
		otherRoute{"POST /dashboard/account/delete", post("/dashboard/account/delete",
			url.Values{"email": {"nobody@example.com"}, "password": {password}, "comments": {"delete"}}), http.StatusBadRequest},
	)
	operatorRoutes = append(operatorRoutes,
		otherRoute{"GET /dashboard/invitations", get("/dashboard/invitations"), 0},
		otherRoute{"POST /dashboard/invitations", post("/dashboard/invitations", url.Values{"email": {"guest@example.com"}}), 0},
		otherRoute{"POST /dashboard/invitations/{id}/revoke", func(e *env) req {
			inv := e.invite("guest@example.com")
			return req{method: "POST", path: fmt.Sprintf("/dashboard/invitations/%d/revoke", inv.ID), form: url.Values{}}
		}, 0},
	)
}

func signupForm(name, email, pass string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "password": {pass}}
}

func signupMode(mode string) func(*admin.Deps) { return func(d *admin.Deps) { d.Signup = mode } }

// invite makes an invitation as the operator does and returns it with its
// token, read from its mail.
func (e *env) invite(email string) *store.Invitation {
	inv, err := auth.Invite(context.Background(), e.st, email, e.operator.ID, "https://comments.example", time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return inv
}

// mails returns the text of the mails queued to to, oldest first, and
// takes them out of the queue.
func (e *env) mails(to string) []string {
	e.t.Helper()
	due, err := e.st.ClaimDueMail(context.Background(), time.Now().Add(time.Hour), 100, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, m := range due {
		if m.To == to {
			out = append(out, m.Text)
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`https://comments\.example(/\S+)`)

// link is the path and query of the only link in a mail.
func (e *env) link(mail string) string {
	e.t.Helper()
	m := linkRE.FindStringSubmatch(mail)
	if m == nil {
		e.t.Fatalf("no link in mail:\n%s", mail)
	}
	return m[1]
}

// fieldShown checks that a page shows msg as the error of field, next to it.
func fieldShown(t *testing.T, body, field, msg string) {
	t.Helper()
	if !strings.Contains(body, fmt.Sprintf(`aria-describedby="%s-error"`, field)) ||
		!strings.Contains(body, fmt.Sprintf(`<span class="field-error" id="%s-error">`, field)) || !strings.Contains(body, msg) {
		t.Errorf("%s: the error %q is not shown next to the field:\n%s", field, msg, body)
	}
}

func TestOwnerSignsUpConfirmsAndSignsIn(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			for _, tt := range []struct {
				form        url.Values
				field, want string
			}{
				{signupForm("Nia", "not an address", newPassword), "email", "not a valid email address"},
				{signupForm("", "nia@example.com", newPassword), "name", "name"},
				{signupForm("Nia", "nia@example.com", "short"), "password", "at least"},
			} {
				w := e.do(req{method: "POST", path: "/dashboard/signup", form: tt.form})
				body := w.Body.String()
				if w.Code != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", tt.field, w.Code)
				}
				fieldShown(t, body, tt.field, tt.want)
				if tt.field != "email" && !strings.Contains(body, `value="nia@example.com"`) {
					t.Errorf("%s: the typed address is not kept", tt.field)
				}
			}
			w := e.do(req{method: "POST", path: "/dashboard/signup", form: signupForm("Nia Newcomer", "nia@example.com", newPassword)})
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/signup/sent" {
				t.Fatalf("sign-up: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
			}
			if w := e.do(req{method: "GET", path: "/dashboard/signup/sent"}); !strings.Contains(w.Body.String(), "Check your mailbox") {
				t.Errorf("after sign-up: %s", w.Body)
			}
			u, err := e.st.UserByEmail(ctx, "nia@example.com")
			if err != nil || u.Name != "Nia Newcomer" || u.Verified() {
				t.Fatalf("account: %+v %v", u, err)
			}
			if ip, err := e.st.SignupIP(ctx, u.ID); err != nil || ip != "192.0.2.1" {
				t.Errorf("sign-up address: %q %v, want the client's", ip, err)
			}
			// Not confirmed: the home page says so and offers a new mail.
			tok := e.token(u)
			home := e.do(req{method: "GET", path: "/dashboard", token: tok}).Body.String()
			if !strings.Contains(home, "Confirm your email address") || !strings.Contains(home, `action="/dashboard/verify"`) {
				t.Errorf("home of an unconfirmed owner:\n%s", home)
			}
			if w := e.do(req{method: "POST", path: "/dashboard/verify", token: tok, form: url.Values{}}); w.Code != http.StatusSeeOther {
				t.Errorf("resend: %d", w.Code)
			}
			mails := e.mails("nia@example.com")
			if len(mails) != 2 {
				t.Fatalf("mails to nia: %d, want the sign-up's and the resent one", len(mails))
			}
			link := e.link(mails[1])
			if !strings.HasPrefix(link, "/auth/verify?token=") || !strings.HasSuffix(link, "&next=dashboard") {
				t.Errorf("confirmation link %q, want one leading to the dashboard", link)
			}
			w = e.do(req{method: "GET", path: link})
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/signin?notice=confirmed" {
				t.Fatalf("following the link: %d %q", w.Code, w.Header().Get("Location"))
			}
			if !strings.Contains(e.do(req{method: "GET", path: "/dashboard/signin?notice=confirmed"}).Body.String(), "Your email address is confirmed") {
				t.Error("the sign-in page does not say the address is confirmed")
			}
			if u, _ := e.st.UserByEmail(ctx, "nia@example.com"); !u.Verified() {
				t.Error("the address is not confirmed")
			}
			if home := e.do(req{method: "GET", path: "/dashboard", token: tok}).Body.String(); strings.Contains(home, "Confirm your email address") {
				t.Error("a confirmed owner is still asked to confirm")
			}
			if w := e.do(signIn("nia@example.com", newPassword, false)); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard" {
				t.Errorf("sign-in: %d %q", w.Code, w.Header().Get("Location"))
			}
			// The same address again: the same answer, and its owner is told.
			w = e.do(req{method: "POST", path: "/dashboard/signup", form: signupForm("Someone", "nia@example.com", newPassword)})
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/signup/sent" {
				t.Errorf("sign-up with a taken address: %d %q, want the same answer", w.Code, w.Header().Get("Location"))
			}
			if m := e.mails("nia@example.com"); len(m) != 1 || !strings.Contains(m[0], "already has an account") {
				t.Errorf("mail to the owner of a taken address: %q", m)
			}
		})
	}
}

func TestSignupModes(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		e := newEnv(t, "sqlite", signupMode(config.SignupClosed))
		for _, r := range []req{{method: "GET", path: "/dashboard/signup"},
			{method: "POST", path: "/dashboard/signup", form: signupForm("Nia", "nia@example.com", newPassword)}} {
			if w := e.do(r); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Sign-up is closed") {
				t.Errorf("%s: %d, want 404 saying sign-up is closed", r.method, w.Code)
			}
		}
		if _, err := e.st.UserByEmail(context.Background(), "nia@example.com"); err == nil {
			t.Error("a closed sign-up created an account")
		}
		if strings.Contains(e.do(req{method: "GET", path: "/dashboard/signin"}).Body.String(), "Create an account") {
			t.Error("the sign-in page offers a closed sign-up")
		}
		// Commenters' sign-up through the API is not affected.
		if w := e.doJSON("/api/v1/auth/signup", `{"email":"reader@example.com","name":"Reader","password":"`+newPassword+`"}`); w.Code != http.StatusAccepted {
			t.Errorf("API sign-up with PARLEY_SIGNUP=closed: %d %s, want 202", w.Code, w.Body)
		}
	})
	t.Run("invite", func(t *testing.T) {
		e := newEnv(t, "sqlite", signupMode(config.SignupInvite))
		if w := e.do(req{method: "GET", path: "/dashboard/signup"}); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "by invitation") {
			t.Errorf("without an invitation: %d, want 403", w.Code)
		}
		if strings.Contains(e.do(req{method: "GET", path: "/dashboard/signin"}).Body.String(), "Create an account") {
			t.Error("the sign-in page offers sign-up to everyone")
		}
		// The operator invites from the dashboard; the mail carries the link.
		w := e.do(req{method: "POST", path: "/dashboard/invitations", token: e.opTok, form: url.Values{"email": {"nia@example.com"}}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("invite: %d %s", w.Code, w.Body)
		}
		mails := e.mails("nia@example.com")
		if len(mails) != 1 {
			t.Fatalf("invitation mails: %d", len(mails))
		}
		link := e.link(mails[0])
		token := strings.TrimPrefix(link, "/dashboard/signup?invitation=")
		page := e.do(req{method: "GET", path: link})
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `value="nia@example.com" readonly`) {
			t.Fatalf("invitation page: %d\n%s", page.Code, page.Body)
		}
		withInvitation := func(email string) url.Values {
			f := signupForm("Nia", email, newPassword)
			f.Set("invitation", token)
			return f
		}
		// The address is the invitation's: another typed one is ignored.
		w = e.do(req{method: "POST", path: "/dashboard/signup", form: withInvitation("eve@example.com")})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("sign-up with the invitation: %d %s", w.Code, w.Body)
		}
		if _, err := e.st.UserByEmail(context.Background(), "nia@example.com"); err != nil {
			t.Errorf("the invited account: %v", err)
		}
		if _, err := e.st.UserByEmail(context.Background(), "eve@example.com"); err == nil {
			t.Error("an invitation made an account for another address")
		}
		w = e.do(req{method: "POST", path: "/dashboard/signup", form: withInvitation("nia@example.com")})
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "cannot be used") {
			t.Errorf("second use: %d, want 404", w.Code)
		}
		if w := e.do(req{method: "GET", path: "/dashboard/signup?invitation=made-up"}); w.Code != http.StatusNotFound {
			t.Errorf("made-up invitation: %d, want 404", w.Code)
		}
	})
}

func TestInvitationsPage(t *testing.T) {
	e := newEnv(t, "sqlite", signupMode(config.SignupInvite))
	w := e.do(req{method: "POST", path: "/dashboard/invitations", token: e.opTok, form: url.Values{"email": {"not an address"}}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("bad address: %d, want 400", w.Code)
	}
	fieldShown(t, w.Body.String(), "email", "not a valid email address")
	inv := e.invite("ray@example.com")
	if page := e.do(req{method: "GET", path: "/dashboard/invitations", token: e.opTok}).Body.String(); !strings.Contains(page, "ray@example.com") {
		t.Errorf("the pending invitation is not listed:\n%s", page)
	}
	path := fmt.Sprintf("/dashboard/invitations/%d/revoke", inv.ID)
	if w := e.do(req{method: "POST", path: path, token: e.opTok, form: url.Values{}}); w.Code != http.StatusSeeOther {
		t.Errorf("revoke: %d", w.Code)
	}
	if page := e.do(req{method: "GET", path: "/dashboard/invitations", token: e.opTok}).Body.String(); strings.Contains(page, "ray@example.com") {
		t.Error("a revoked invitation is still listed")
	}
	if w := e.do(req{method: "POST", path: path, token: e.opTok, form: url.Values{}}); w.Code != http.StatusNotFound {
		t.Errorf("revoke twice: %d, want 404", w.Code)
	}
}

func TestForgotPassword(t *testing.T) {
	e := newEnv(t, "sqlite")
	if !strings.Contains(e.do(req{method: "GET", path: "/dashboard/signin"}).Body.String(), `href="/dashboard/forgot"`) {
		t.Error("the sign-in page has no link to the reset form")
	}
	w := e.do(req{method: "POST", path: "/dashboard/forgot", form: url.Values{"email": {"nope"}}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("bad address: %d", w.Code)
	}
	fieldShown(t, w.Body.String(), "email", "not a valid email address")
	for _, email := range []string{"owner@example.com", "nobody@example.com"} {
		w := e.do(req{method: "POST", path: "/dashboard/forgot", form: url.Values{"email": {email}}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/forgot/sent" {
			t.Errorf("%s: %d %q, want the same answer for every address", email, w.Code, w.Header().Get("Location"))
		}
	}
	if m := e.mails("owner@example.com"); len(m) != 1 || !strings.Contains(e.link(m[0]), "/auth/reset?token=") {
		t.Errorf("reset mail: %q", m)
	}
	if m := e.mails("nobody@example.com"); len(m) != 0 {
		t.Errorf("mail to an address without an account: %q", m)
	}
}

func TestAccountChanges(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	acct := func(path string, f url.Values) *http.Response {
		return e.do(req{method: "POST", path: "/dashboard/account/" + path, token: e.ownerTok, form: f}).Result()
	}
	for _, tt := range []struct {
		path        string
		form        url.Values
		field, want string
	}{
		{"name", url.Values{"name": {" "}}, "name", "your name is required"},
		{"email", url.Values{"email": {"bad"}, "password": {password}}, "email", "not a valid email address"},
		{"email", url.Values{"email": {"new@example.com"}, "password": {"wrong password"}}, "password", "The password is wrong"},
		{"password", url.Values{"current": {"wrong password"}, "new": {newPassword}, "confirm": {newPassword}}, "current", "The password is wrong"},
		{"password", url.Values{"current": {password}, "new": {newPassword}, "confirm": {"something else"}}, "confirm", "differ"},
		{"password", url.Values{"current": {password}, "new": {"short"}, "confirm": {"short"}}, "new", "at least"},
	} {
		r := acct(tt.path, tt.form)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s/%s: %d, want 400", tt.path, tt.field, r.StatusCode)
		}
		fieldShown(t, readAll(r), tt.field, tt.want)
	}
	if r := acct("name", url.Values{"name": {"Olga Owner"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("name: %d", r.StatusCode)
	}
	if u, _ := e.st.UserByID(ctx, e.owner.ID); u.Name != "Olga Owner" {
		t.Errorf("name is %q", u.Name)
	}
	if r := acct("email", url.Values{"email": {"olga@new.example"}, "password": {password}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("email: %d", r.StatusCode)
	}
	if m := e.mails("olga@new.example"); len(m) != 1 || !strings.Contains(e.link(m[0]), "/auth/email?token=") {
		t.Errorf("confirmation to the new address: %q", m)
	}
	// A second session of the owner ends with the password change; the
	// browser that changed it stays signed in with a new cookie.
	other := e.token(e.owner)
	r := acct("password", url.Values{"current": {password}, "new": {newPassword}, "confirm": {newPassword}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/dashboard/account?done=password" {
		t.Fatalf("password: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	var fresh string
	for _, c := range r.Cookies() {
		if c.Name == admin.CookieName {
			fresh = c.Value
		}
	}
	for name, tok := range map[string]string{"other session": other, "old cookie": e.ownerTok} {
		if w := e.do(req{method: "GET", path: "/dashboard/account", token: tok}); w.Code != http.StatusSeeOther {
			t.Errorf("%s after the change: %d, want 303 to sign in", name, w.Code)
		}
	}
	if w := e.do(req{method: "GET", path: "/dashboard/account?done=password", token: fresh}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Your password is changed") {
		t.Errorf("new session: %d", w.Code)
	}
	if w := e.do(signIn("owner@example.com", newPassword, false)); w.Code != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", w.Code)
	}
}

func TestDeleteAccountFromDashboard(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			page := e.do(req{method: "GET", path: "/dashboard/account/delete", token: e.ownerTok}).Body.String()
			if !strings.Contains(page, "a.example") {
				t.Errorf("the page does not name the site that goes:\n%s", page)
			}
			del := func(email, pass string) *http.Response {
				return e.do(req{method: "POST", path: "/dashboard/account/delete", token: e.ownerTok,
					form: url.Values{"email": {email}, "password": {pass}, "comments": {"delete"}}}).Result()
			}
			for _, tt := range []struct{ email, pass, field, want string }{
				{"mod@example.com", password, "email", "Type your account"},
				{"owner@example.com", "wrong password", "password", "The password is wrong"},
			} {
				r := del(tt.email, tt.pass)
				if r.StatusCode != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", tt.field, r.StatusCode)
				}
				fieldShown(t, readAll(r), tt.field, tt.want)
			}
			if _, err := e.st.SiteByID(ctx, e.siteA.ID); err != nil {
				t.Fatalf("a refused deletion deleted the site: %v", err)
			}
			r := del("Owner@Example.com", password)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/dashboard/signin?notice=deleted" {
				t.Fatalf("delete: %d %q", r.StatusCode, r.Header.Get("Location"))
			}
			if _, err := e.st.UserByID(ctx, e.owner.ID); err == nil {
				t.Error("the account is still there")
			}
			if _, err := e.st.SiteByID(ctx, e.siteA.ID); err == nil {
				t.Error("the owned site is still there")
			}
			if _, err := e.st.SiteByID(ctx, e.siteB.ID); err != nil {
				t.Errorf("another owner's site went: %v", err)
			}
			if w := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}); w.Code != http.StatusSeeOther {
				t.Errorf("the deleted account's session still works: %d", w.Code)
			}
			if w := e.do(req{method: "GET", path: "/dashboard", token: e.modTok}); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "a.example") {
				t.Errorf("the moderator still sees the deleted site: %d", w.Code)
			}
		})
	}
}

// TestAccountFormsRefuseCrossOrigin: every account form posted from another
// site changes nothing (http.CrossOriginProtection).
func TestAccountFormsRefuseCrossOrigin(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, table := range [][]otherRoute{publicRoutes, accountRoutes, operatorRoutes} {
		for _, route := range table {
			r := route.req(e)
			if r.method != "POST" || !strings.Contains(route.pattern, "/signup") && !strings.Contains(route.pattern, "/account") &&
				!strings.Contains(route.pattern, "/forgot") && !strings.Contains(route.pattern, "/verify") && !strings.Contains(route.pattern, "/invitations") {
				continue
			}
			r.token, r.header = e.opTok, map[string]string{"Sec-Fetch-Site": "cross-site"}
			if w := e.do(r); w.Code != http.StatusForbidden {
				t.Errorf("%s cross-site: %d, want 403", route.pattern, w.Code)
			}
		}
	}
	if _, err := e.st.UserByEmail(context.Background(), "nia@example.com"); err == nil {
		t.Error("a cross-site sign-up created an account")
	}
	if u, _ := e.st.UserByID(context.Background(), e.operator.ID); u.Name != "operator" {
		t.Errorf("a cross-site form renamed the operator to %q", u.Name)
	}
}

func readAll(r *http.Response) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// TestAccountFormsShareTheAPILimits: the dashboard's mail forms count
// against the API's sign-in budgets (api.LoginBurst per network,
// api.AccountLoginBurst per address); past them the form says how long to
// wait, and the API refuses too.
func TestAccountFormsShareTheAPILimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	forgot := req{method: "POST", path: "/dashboard/forgot", form: url.Values{"email": {"owner@example.com"}}}
	for i := 0; i < api.AccountLoginBurst; i++ {
		if w := e.do(forgot); w.Code != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}
	w := e.do(forgot)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Too many attempts") {
		t.Errorf("past the budget: %d %q", w.Code, w.Header().Get("Retry-After"))
	}
	if w := e.doJSON("/api/v1/auth/reset", `{"email":"owner@example.com"}`); w.Code != http.StatusTooManyRequests {
		t.Errorf("the API after the dashboard used the budget: %d, want 429", w.Code)
	}
}

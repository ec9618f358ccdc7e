package api_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

// mailRig is an API served over real HTTP on its PublicURL, whose outbox a
// real mail worker delivers to an SMTP server in the test.
type mailRig struct {
	*env
	url    string // PublicURL: where the handler listens
	smtp   *smtptest.Server
	worker *notify.Worker
}

// eachMailRig runs a scenario on SQLite and on PostgreSQL with a mailRig.
func eachMailRig(t *testing.T, opts options, fn func(t *testing.T, m *mailRig)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, newMailRig(t, d, opts)) })
	}
}

func newMailRig(t *testing.T, dialect string, opts options) *mailRig {
	ts := httptest.NewUnstartedServer(nil)
	opts.publicURL = "http://" + ts.Listener.Addr().String()
	e := newEnv(t, dialect, opts)
	ts.Config.Handler = e.handler
	ts.Start()
	t.Cleanup(ts.Close)
	srv := smtptest.Start(t)
	u, err := smtpurl.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := notify.NewSMTPMailer(u, "noreply@comments.example")
	if err != nil {
		t.Fatal(err)
	}
	w := notify.NewWorker(e.store, mailer, notify.WorkerOptions{Now: func() time.Time { return e.now }})
	return &mailRig{env: e, url: opts.publicURL, smtp: srv, worker: w}
}

// received is one delivered mail, decoded.
type received struct {
	to, subject, text, html string
}

// mails delivers what the outbox holds and returns every mail the SMTP
// server has received so far, which must be want in all.
func (m *mailRig) mails(want int) []received {
	m.t.Helper()
	if _, err := m.worker.DeliverDue(context.Background()); err != nil {
		m.t.Fatal(err)
	}
	var out []received
	for _, raw := range m.smtp.Wait(want, 5*time.Second) {
		msg, err := mail.ReadMessage(strings.NewReader(string(raw.Data)))
		if err != nil {
			m.t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		r := received{to: strings.Join(raw.To, ","), subject: subject}
		_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				m.t.Fatal(err)
			}
			body, _ := io.ReadAll(p)
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				r.html = string(body)
			} else {
				r.text = string(body)
			}
		}
		out = append(out, r)
	}
	if len(out) != want {
		m.t.Fatalf("received %d mails, want %d", len(out), want)
	}
	return out
}

// to returns the last of mails sent to addr.
func to(mails []received, addr string) received {
	var out received
	for _, r := range mails {
		if r.to == addr {
			out = r
		}
	}
	return out
}

// link returns the one link of a mail to Parley's page path, checking that
// the mail links nowhere but Parley's origin, in both parts.
func (m *mailRig) link(r received, path string) string {
	m.t.Helper()
	for _, part := range []string{r.text, r.html} {
		for _, u := range regexp.MustCompile(`https?://[^\s"<>]+`).FindAllString(part, -1) {
			if !strings.HasPrefix(u, m.url) {
				m.t.Errorf("mail %q links to %s, not only to Parley (%s)", r.subject, u, m.url)
			}
		}
	}
	found := regexp.MustCompile(regexp.QuoteMeta(m.url+path) + `\?token=[A-Za-z0-9_-]+`).FindString(r.text)
	if found == "" || !strings.Contains(r.html, found) {
		m.t.Fatalf("mail %q has no %s link in both parts:\n%s", r.subject, path, r.text)
	}
	return found
}

// get follows a link over HTTP and returns the status and page.
func (m *mailRig) get(link string) (int, string) {
	m.t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode < 500 && !strings.Contains(csp, "default-src 'none'") {
		m.t.Errorf("%s: CSP %q", link, csp)
	}
	return resp.StatusCode, string(body)
}

// signup signs up with a name that carries a link: the mail to the address,
// whose owner may not be the one signing up, must not repeat it (link
// checks that mails link only to Parley).
func (m *mailRig) signup(email, password string) *resp {
	return m.do(req{method: "POST", path: "/api/v1/auth/signup", body: map[string]any{
		"email": email, "password": password, "name": "Bea, win at https://evil.example", "site": "blog.example",
		"altcha": m.solvedCaptcha()}})
}

// TestSignUpVerifiesByMailAndPublishesHeldComments: a new account's comment
// waits until the address is confirmed through the mailed link, followed
// over HTTP; then it is published, and the account is marked verified.
func TestSignUpVerifiesByMailAndPublishesHeldComments(t *testing.T) {
	eachMailRig(t, options{}, func(t *testing.T, m *mailRig) {
		if r := m.signup("bea@example.com", testPassword); r.status != http.StatusAccepted || r.str("status") != "mail_sent" {
			t.Fatalf("signup: %d %s", r.status, r.raw)
		}
		token := m.login("bea@example.com", false)
		if r := m.do(req{method: "GET", path: "/api/v1/me", headers: bearer(token)}); r.get("user.verified") != false {
			t.Fatalf("new account verified before confirming: %s", r.raw)
		}
		post := m.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token),
			body: map[string]any{"site": "blog.example", "path": "/p", "text": "held until confirmed"}})
		if post.status != http.StatusCreated || post.str("comment.status") != "pending" || post.str("comment.holdReason") != "email_unverified" {
			t.Fatalf("comment of an unverified account: %d %s", post.status, post.raw)
		}
		if th := m.thread("path=/p"); strings.Contains(string(th.raw), "held until confirmed") {
			t.Fatalf("held comment is public: %s", th.raw)
		}

		got := m.mails(1)[0]
		if got.to != "bea@example.com" || !strings.Contains(got.subject, "blog.example") || !strings.Contains(got.text, "blog.example") {
			t.Errorf("verification mail: to %s, subject %q\n%s", got.to, got.subject, got.text)
		}
		status, page := m.get(m.link(got, "/auth/verify"))
		if status != http.StatusOK || !strings.Contains(page, "confirmed") {
			t.Fatalf("following the link: %d\n%s", status, page)
		}
		th := m.thread("path=/p")
		if !strings.Contains(string(th.raw), "held until confirmed") || th.num("page.commentCount") != 1 {
			t.Fatalf("comment not published after confirming: %s", th.raw)
		}
		if !strings.Contains(string(th.raw), `"verified"`) {
			t.Errorf("published comment lacks the verified badge: %s", th.raw)
		}
		if status, page := m.get(m.link(got, "/auth/verify")); status != http.StatusGone || !strings.Contains(page, "used already") {
			t.Errorf("second use of the link: %d\n%s", status, page)
		}
		if status, _ := m.get(m.url + "/auth/verify?token=nonsense"); status != http.StatusNotFound {
			t.Errorf("made-up token: %d", status)
		}
	})
}

// TestVerificationKeepsModeration: on a site that reviews every comment, a
// confirmed address does not publish the comment; a moderator still must.
func TestVerificationKeepsModeration(t *testing.T) {
	m := newMailRig(t, "sqlite", options{settings: func(s *model.SiteSettings) { s.Moderation = model.ModerationAll }})
	m.signup("bea@example.com", testPassword)
	token := m.login("bea@example.com", false)
	post := m.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token),
		body: map[string]any{"site": "blog.example", "path": "/p", "text": "for the moderator"}})
	if post.str("comment.status") != "pending" || post.str("comment.holdReason") != "" {
		t.Fatalf("comment on a moderated site: %s", post.raw)
	}
	m.get(m.link(m.mails(1)[0], "/auth/verify"))
	c, err := m.store.Comment(context.Background(), post.num("comment.id"))
	if err != nil || c.Status != model.StatusPending {
		t.Fatalf("after confirming, a comment awaiting moderation is %v (%v)", c.Status, err)
	}
}

// TestSignUpDoesNotTellWhetherAnAccountExists: signing up with an address
// that has an account answers exactly as a new sign-up, and mails the
// owner a notice with a reset link instead of a second account.
func TestSignUpDoesNotTellWhetherAnAccountExists(t *testing.T) {
	eachMailRig(t, options{}, func(t *testing.T, m *mailRig) {
		m.account("ada@example.com", "Ada")
		known := m.signup("ADA@example.com", "another fine password")
		fresh := m.signup("new@example.com", "another fine password")
		if known.status != fresh.status || string(known.raw) != string(fresh.raw) || known.header.Get("Cache-Control") != fresh.header.Get("Cache-Control") {
			t.Fatalf("known address: %d %s; new address: %d %s", known.status, known.raw, fresh.status, fresh.raw)
		}
		users, _ := m.store.Users(context.Background())
		if len(users) != 2 {
			t.Fatalf("%d accounts, want Ada's and the new one", len(users))
		}
		notice := to(m.mails(2), "ada@example.com")
		if !strings.Contains(notice.text, "already has an account") {
			t.Fatalf("the owner got no notice: %+v", notice)
		}
		status, page := m.get(m.link(notice, "/auth/reset"))
		if status != http.StatusOK || !strings.Contains(page, `name="password"`) {
			t.Errorf("the notice's reset link: %d\n%s", status, page)
		}
		m.login("ada@example.com", false) // the password did not change
	})
}

func TestSignUpValidation(t *testing.T) {
	e := newEnv(t, "sqlite", options{publicURL: "https://comments.example"})
	for _, tc := range []struct {
		name  string
		body  map[string]any
		code  string
		field string
	}{
		{"bad email", map[string]any{"email": "nope", "password": testPassword, "name": "Bea"}, "invalid_field", "email"},
		{"no name", map[string]any{"email": "b@example.com", "password": testPassword, "name": " "}, "invalid_field", "name"},
		{"short password", map[string]any{"email": "b@example.com", "password": "short", "name": "Bea"}, "weak_password", "password"},
		{"common password", map[string]any{"email": "b@example.com", "password": "password123", "name": "Bea"}, "weak_password", "password"},
		{"password is the email", map[string]any{"email": "b@example.com", "password": "b@example.com", "name": "Bea"}, "weak_password", "password"},
		{"unknown site", map[string]any{"email": "b@example.com", "password": testPassword, "name": "Bea", "site": "nowhere.example"}, "site_not_found", "site"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(req{method: "POST", path: "/api/v1/auth/signup", body: tc.body})
			if r.status/100 != 4 || r.str("error.code") != tc.code || r.str("error.field") != tc.field {
				t.Errorf("%d %s, want %s on %s", r.status, r.raw, tc.code, tc.field)
			}
		})
	}
	if users, _ := e.store.Users(context.Background()); len(users) != 0 {
		t.Errorf("refused sign-ups created %d accounts", len(users))
	}
}

// TestSignUpAndResetAreRateLimitedPerAddress: one address cannot be mailed
// more than the per-account burst, from any number of networks.
func TestSignUpAndResetAreRateLimitedPerAddress(t *testing.T) {
	e := newEnv(t, "sqlite", options{publicURL: "https://comments.example"})
	limited := 0
	for i := range 12 {
		ip := fmt.Sprintf("198.51.%d.1", i) // a network each
		path, body := "/api/v1/auth/reset", map[string]any{"email": "victim@example.com"}
		if i%2 == 0 {
			path, body = "/api/v1/auth/signup", map[string]any{"email": "victim@example.com", "password": testPassword, "name": "V", "altcha": e.solvedCaptcha()}
		}
		if r := e.do(req{method: "POST", path: path, body: body, ip: ip}); r.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 12 requests for one address limited, want the 2 past the burst of 10", limited)
	}
	limited = 0
	for i := range 12 { // one network, a new address each time
		body := map[string]any{"email": fmt.Sprintf("u%d@example.com", i)}
		if r := e.do(req{method: "POST", path: "/api/v1/auth/reset", body: body, ip: "203.0.113.7"}); r.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 12 requests from one network limited, want the 2 past the burst of %d", limited, api.LoginBurst)
	}
}

// resetForm posts the new-password form over HTTP as a browser on Parley's
// page would, and returns the status and page.
func (m *mailRig) resetForm(token, password, confirm string, header http.Header) (int, string) {
	m.t.Helper()
	form := url.Values{"token": {token}, "password": {password}, "confirm": {confirm}}
	r, _ := http.NewRequest("POST", m.url+"/auth/reset", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		r.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestPasswordReset: the mailed link shows a form; a refused password shows
// it again; a good one replaces the password and ends every session; the
// link then works no more, and an old one has expired.
func TestPasswordReset(t *testing.T) {
	eachMailRig(t, options{}, func(t *testing.T, m *mailRig) {
		m.account("ada@example.com", "Ada")
		session := m.login("ada@example.com", true)
		known := m.do(req{method: "POST", path: "/api/v1/auth/reset", body: map[string]any{"email": "Ada@example.com"}})
		unknown := m.do(req{method: "POST", path: "/api/v1/auth/reset", body: map[string]any{"email": "nobody@example.com"}})
		if known.status != http.StatusAccepted || known.status != unknown.status || string(known.raw) != string(unknown.raw) {
			t.Fatalf("reset of a known address: %d %s; of an unknown one: %d %s", known.status, known.raw, unknown.status, unknown.raw)
		}
		got := m.mails(1)[0] // only the account's address gets one
		if got.to != "ada@example.com" || !strings.Contains(got.text, "1 hour") {
			t.Fatalf("reset mail to %s:\n%s", got.to, got.text)
		}
		link := m.link(got, "/auth/reset")
		if status, page := m.get(link); status != http.StatusOK || !strings.Contains(page, tokenOf(t, link)) {
			t.Fatalf("reset form: %d\n%s", status, page)
		}
		if status, page := m.resetForm(tokenOf(t, link), "new long password", "new long passwort", nil); status != http.StatusBadRequest || !strings.Contains(page, "differ") {
			t.Errorf("different confirmation: %d\n%s", status, page)
		}
		if status, page := m.resetForm(tokenOf(t, link), "password1", "password1", nil); status != http.StatusBadRequest || !strings.Contains(page, "too common") {
			t.Errorf("common password: %d\n%s", status, page)
		}
		if status, _ := m.resetForm(tokenOf(t, link), "new long password", "new long password", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}); status != http.StatusForbidden {
			t.Errorf("the form posted from another site: %d, want 403", status)
		}
		if status, page := m.resetForm(tokenOf(t, link), "new long password", "new long password", nil); status != http.StatusOK || !strings.Contains(page, "signed out everywhere") {
			t.Fatalf("new password: %d\n%s", status, page)
		}
		if r := m.do(req{method: "GET", path: "/api/v1/me", headers: bearer(session)}); r.status != http.StatusUnauthorized {
			t.Errorf("the session from before the reset still works: %d", r.status)
		}
		if r := m.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ada@example.com", "password": "new long password"}}); r.status != http.StatusOK {
			t.Errorf("sign-in with the new password: %d %s", r.status, r.raw)
		}
		if status, page := m.get(link); status != http.StatusGone || !strings.Contains(page, "used already") {
			t.Errorf("reused reset link: %d\n%s", status, page)
		}
		if status, _ := m.resetForm(tokenOf(t, link), "third long password", "third long password", nil); status != http.StatusGone {
			t.Errorf("reused reset link, posted: %d", status)
		}

		m.do(req{method: "POST", path: "/api/v1/auth/reset", body: map[string]any{"email": "ada@example.com"}})
		late := m.link(m.mails(2)[1], "/auth/reset")
		m.now = m.now.Add(61 * time.Minute)
		if status, page := m.get(late); status != http.StatusGone || !strings.Contains(page, "expired") {
			t.Errorf("expired reset link: %d\n%s", status, page)
		}
		if status, _ := m.resetForm(tokenOf(t, late), "third long password", "third long password", nil); status != http.StatusGone {
			t.Errorf("expired reset link, posted: %d", status)
		}
	})
}

// TestEmailChange: the new address confirms by link, the old one is told;
// signing in then takes the new address. A link to an address that got an
// account meanwhile is refused and changes nothing.
func TestEmailChange(t *testing.T) {
	eachMailRig(t, options{}, func(t *testing.T, m *mailRig) {
		m.account("ada@example.com", "Ada")
		session := m.login("ada@example.com", false)
		change := func(email, password string) *resp {
			return m.do(req{method: "POST", path: "/api/v1/me/email", headers: bearer(session), body: map[string]any{"email": email, "password": password}})
		}
		if r := change("ada@new.example", "wrong password"); r.status != http.StatusUnauthorized || r.str("error.field") != "password" {
			t.Errorf("wrong password: %d %s", r.status, r.raw)
		}
		if r := change("ADA@example.com", testPassword); r.status != http.StatusBadRequest || r.str("error.field") != "email" {
			t.Errorf("the same address: %d %s", r.status, r.raw)
		}
		if r := change("ada@new.example", testPassword); r.status != http.StatusAccepted {
			t.Fatalf("change: %d %s", r.status, r.raw)
		}
		sent := m.mails(2)
		confirm, notice := to(sent, "ada@new.example"), to(sent, "ada@example.com")
		if !strings.Contains(notice.text, "replace this") || strings.Contains(notice.text, "ada@new.example") {
			t.Errorf("notice to the old address:\n%s", notice.text)
		}
		link := m.link(confirm, "/auth/email")
		if u, _ := m.store.UserByEmail(context.Background(), "ada@example.com"); u == nil {
			t.Fatal("the email changed before it was confirmed")
		}
		if status, page := m.get(link); status != http.StatusOK || !strings.Contains(page, "changed") {
			t.Fatalf("confirming: %d\n%s", status, page)
		}
		if r := m.do(req{method: "GET", path: "/api/v1/me", headers: bearer(session)}); r.str("user.email") != "ada@new.example" || r.get("user.verified") != true {
			t.Errorf("after confirming: %s", r.raw)
		}
		m.login("ada@new.example", false)
		if status, _ := m.get(link); status != http.StatusGone {
			t.Errorf("reused email link: %d", status)
		}

		change("ada@third.example", testPassword)
		taken := m.link(to(m.mails(4), "ada@third.example"), "/auth/email")
		m.account("ada@third.example", "Someone else")
		if status, page := m.get(taken); status != http.StatusConflict || !strings.Contains(page, "has an account already") {
			t.Errorf("address taken meanwhile: %d\n%s", status, page)
		}
		if u, err := m.store.UserByEmail(context.Background(), "ada@new.example"); err != nil || u.Name != "Ada" {
			t.Errorf("refused change altered the account: %v %v", u, err)
		}
	})
}

// TestNewConfirmationLinkAfterExpiry: a confirmation link expires after 24
// hours with a page saying so; a signed-in account asks for a new one,
// which works; a confirmed account is told it is confirmed already.
func TestNewConfirmationLinkAfterExpiry(t *testing.T) {
	m := newMailRig(t, "sqlite", options{})
	m.signup("bea@example.com", testPassword)
	first := m.link(m.mails(1)[0], "/auth/verify")
	m.now = m.now.Add(24*time.Hour + time.Second)
	if status, page := m.get(first); status != http.StatusGone || !strings.Contains(page, "expired") {
		t.Fatalf("expired confirmation link: %d\n%s", status, page)
	}
	token := m.login("bea@example.com", false)
	if r := m.do(req{method: "POST", path: "/api/v1/me/verify", headers: bearer(token)}); r.status != http.StatusAccepted {
		t.Fatalf("new link: %d %s", r.status, r.raw)
	}
	if status, _ := m.get(m.link(m.mails(2)[1], "/auth/verify")); status != http.StatusOK {
		t.Fatalf("new confirmation link: %d", status)
	}
	if r := m.do(req{method: "POST", path: "/api/v1/me/verify", headers: bearer(token)}); r.status != http.StatusConflict || r.str("error.code") != "already_verified" {
		t.Errorf("asking again once confirmed: %d %s", r.status, r.raw)
	}
}

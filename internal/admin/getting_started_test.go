package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/admin"
)

// TestNewcomerFindsTheWay checks the links and words a new owner following
// docs/getting-started.md relies on: every page of the site reachable from
// the site's page, the operator area from every page's header, each chart of
// the analytics page named, and no settings hint promising what is there.
func TestNewcomerFindsTheWay(t *testing.T) {
	e := newEnv(t, "sqlite")
	site := fmt.Sprintf("/dashboard/sites/%d", e.siteA.ID)
	for _, tt := range []struct {
		name, path, token string
		want, not         []string
	}{
		{"owner's site page", site, e.ownerTok,
			[]string{`href="` + site + `/import"`, `href="` + site + `/export"`, `href="` + site + `/settings"`, `href="` + site + `/analytics"`},
			[]string{`href="/dashboard/operator"`}},
		{"moderator's site page", site, e.modTok, []string{`href="` + site + `/moderation"`},
			[]string{`href="` + site + `/import"`, `href="` + site + `/export"`}},
		{"operator's site page", site, e.opTok, []string{`href="/dashboard/operator">Operator area</a>`, `href="` + site + `/import"`}, nil},
		{"operator's moderation page", site + "/moderation", e.opTok, []string{`href="/dashboard/operator">Operator area</a>`}, nil},
		{"analytics", site + "/analytics", e.ownerTok,
			[]string{"<figcaption>Page views per day</figcaption>", "<figcaption>Approved comments per day</figcaption>", `<a href="` + site + `">a.example</a>`},
			[]string{"None in this range."}}, // the empty chart says so already
		{"settings", site + "/settings", e.ownerTok, []string{"checked with Akismet when saved"}, []string{"later version", "not used yet"}},
	} {
		code, body := e.page(tt.token, tt.path)
		if code != 200 {
			t.Errorf("%s: status %d", tt.name, code)
		}
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %s", tt.name, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %s", tt.name, s)
			}
		}
	}
}

// TestMailboxPagesSayWhereTheMailIs: without PARLEY_SMTP_URL the pages
// that promise a mail point to the log, where the mail is printed; with a
// mail server they do not.
func TestMailboxPagesSayWhereTheMailIs(t *testing.T) {
	const hint = "mail printed instead of sent"
	for _, logged := range []bool{false, true} {
		e := newEnv(t, "sqlite", func(d *admin.Deps) { d.MailLogged = logged })
		for _, r := range []req{
			{method: "GET", path: "/dashboard/signup/sent"},
			{method: "GET", path: "/dashboard/forgot/sent"},
			{method: "GET", path: "/dashboard/verify/sent", token: e.ownerTok},
		} {
			w := e.do(r)
			if w.Code != 200 {
				t.Errorf("%s: status %d", r.path, w.Code)
			}
			if got := strings.Contains(w.Body.String(), hint); got != logged {
				t.Errorf("mails logged %v: %s mentions the log: %v", logged, r.path, got)
			}
		}
	}
}

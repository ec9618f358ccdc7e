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

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

func init() {
	publicRoutes = append(publicRoutes,
		otherRoute{"GET /dashboard/mail/moderate", func(e *env) req {
			return req{method: "GET", path: "/dashboard/mail/moderate?action=approve&token=" + e.mailLinks(e.owner).moderate}
		}, http.StatusOK},
		otherRoute{"POST /dashboard/mail/moderate", func(e *env) req {
			return req{method: "POST", path: "/dashboard/mail/moderate",
				form: url.Values{"token": {e.mailLinks(e.owner).moderate}, "action": {"approve"}}}
		}, http.StatusOK},
		otherRoute{"GET /dashboard/mail/unsubscribe", func(e *env) req {
			return req{method: "GET", path: "/dashboard/mail/unsubscribe?token=" + e.mailLinks(e.owner).unsubscribe}
		}, http.StatusOK},
		otherRoute{"POST /dashboard/mail/unsubscribe", func(e *env) req {
			return req{method: "POST", path: "/dashboard/mail/unsubscribe?token=" + e.mailLinks(e.owner).unsubscribe,
				body: "List-Unsubscribe=One-Click", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
		}, http.StatusOK},
	)
	accountRoutes = append(accountRoutes,
		otherRoute{"GET /dashboard/notifications", func(*env) req { return req{method: "GET", path: "/dashboard/notifications"} }, 0},
		otherRoute{"POST /dashboard/notifications", func(*env) req {
			// The same answer for every account (a site's own are proven
			// by TestNotificationChoices): a mode that does not exist.
			return req{method: "POST", path: "/dashboard/notifications", form: url.Values{"site": {"a.example"}, "mode": {"loud"}}}
		}, http.StatusBadRequest},
	)
}

// links are the tokens of one moderator mail, and the comment it is about.
type links struct {
	moderate, unsubscribe string
	comment               *model.Comment
}

var tokenRE = regexp.MustCompile(`/dashboard/mail/(moderate|unsubscribe)\?token=([A-Za-z0-9_-]+)`)

// mailLinks holds a new comment on site A, fans out the events and returns
// the links of its moderator mail to u. Each call makes new links, so that
// a test may use them as many times as it makes requests.
func (e *env) mailLinks(u *model.User) links {
	e.t.Helper()
	ctx := context.Background()
	text := fmt.Sprintf("Mailed and held %d.", time.Now().UnixNano())
	c := e.held(e.siteA, "/post", text)
	n := notify.NewNotifier(e.st, "https://comments.example", time.Now, nil)
	for {
		more, err := n.Step(ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if !more {
			break
		}
	}
	mails, err := e.st.ClaimDueMail(ctx, time.Now(), store.MaxMailClaim, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range mails {
		if m.To != u.Email || m.Kind != "comment-moderator" || !strings.Contains(m.Text, text) {
			continue
		}
		l := links{comment: c}
		for _, match := range tokenRE.FindAllStringSubmatch(m.Text, -1) {
			if match[1] == "moderate" {
				l.moderate = match[2]
			} else {
				l.unsubscribe = match[2]
			}
		}
		return l
	}
	e.t.Fatalf("no moderator mail to %s among %d", u.Email, len(mails))
	return links{}
}

// TestModerateLinkWorksOnceAfterConfirmation: opening the link (as a mail
// scanner would) changes nothing; the confirmation's POST approves the
// comment without a session, recorded as the moderator's; the second use
// of the mail's links is refused with 410.
func TestModerateLinkWorksOnceAfterConfirmation(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			l := e.mailLinks(e.mod)
			if w := e.do(req{method: "GET", path: "/dashboard/mail/moderate?action=approve&token=" + l.moderate}); w.Code != http.StatusOK ||
				!strings.Contains(w.Body.String(), `method="post"`) {
				t.Fatalf("confirmation page: %d %.300s", w.Code, w.Body)
			}
			e.unchanged(t)
			post := func(action string) int {
				return e.do(req{method: "POST", path: "/dashboard/mail/moderate", form: url.Values{"token": {l.moderate}, "action": {action}}}).Code
			}
			if code := post("approve"); code != http.StatusOK {
				t.Fatalf("approve: %d", code)
			}
			ctx := context.Background()
			if c, _ := e.st.Comment(ctx, l.comment.ID); c.Status != model.StatusApproved {
				t.Errorf("status %s, want approved", c.Status)
			}
			if log, _ := e.st.AuditLog(ctx, e.siteA.ID, 10); len(log) != 1 || log[0].ActorID != e.mod.ID || log[0].CommentID != l.comment.ID {
				t.Errorf("audit log %+v, want one action by the moderator on the mailed comment", log)
			}
			if code := post("spam"); code != http.StatusGone {
				t.Errorf("second use: %d, want 410", code)
			}
			if c, _ := e.st.Comment(ctx, l.comment.ID); c.Status != model.StatusApproved {
				t.Errorf("second use changed the status to %s", c.Status)
			}
			if code := e.do(req{method: "POST", path: "/dashboard/mail/moderate", form: url.Values{"token": {"forged"}, "action": {"approve"}}}).Code; code != http.StatusNotFound {
				t.Errorf("forged token: %d, want 404", code)
			}
		})
	}
}

// TestOneClickUnsubscribeStopsModeratorMail: the RFC 8058 POST to the
// List-Unsubscribe link, without a session, turns the owner's mail off;
// the next held comment mails the moderator but not the owner.
func TestOneClickUnsubscribeStopsModeratorMail(t *testing.T) {
	e := newEnv(t, "sqlite")
	l := e.mailLinks(e.owner)
	w := e.do(req{method: "POST", path: "/dashboard/mail/unsubscribe?token=" + l.unsubscribe,
		body: "List-Unsubscribe=One-Click", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if w.Code != http.StatusOK {
		t.Fatalf("unsubscribe: %d %.300s", w.Code, w.Body)
	}
	e.held(e.siteA, "/post", "Third held.")
	ctx := context.Background()
	n := notify.NewNotifier(e.st, "https://comments.example", time.Now, nil)
	for more := true; more; {
		var err error
		if more, err = n.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mails, _ := e.st.ClaimDueMail(ctx, time.Now().Add(2*time.Hour), store.MaxMailClaim, time.Hour)
	var toMod int
	for _, m := range mails {
		if strings.Contains(m.Text, "Third held.") {
			if m.To == e.owner.Email {
				t.Error("the owner still gets mail after unsubscribing")
			}
			toMod++
		}
	}
	if toMod != 1 {
		t.Errorf("%d mails of the third comment, want 1 (the moderator's)", toMod)
	}
}

// TestNotificationChoices: an owner sets a site's mode; another site is
// 404 and a mode outside all/held/none is 400.
func TestNotificationChoices(t *testing.T) {
	e := newEnv(t, "sqlite")
	post := func(site, mode string) int {
		return e.do(req{method: "POST", path: "/dashboard/notifications", token: e.ownerTok, form: url.Values{"site": {site}, "mode": {mode}}}).Code
	}
	if code := post("a.example", "all"); code != http.StatusSeeOther {
		t.Fatalf("save: %d", code)
	}
	if modes, _ := e.st.ModeratorNotifyModes(context.Background(), e.owner.ID); modes[e.siteA.ID] != store.ModeratorAll {
		t.Errorf("modes %v", modes)
	}
	if code := post("b.example", "all"); code != http.StatusNotFound {
		t.Errorf("another's site: %d, want 404", code)
	}
	if code := post("a.example", "loud"); code != http.StatusBadRequest {
		t.Errorf("bad mode: %d, want 400", code)
	}
	if w := e.do(req{method: "GET", path: "/dashboard/notifications", token: e.ownerTok}); !strings.Contains(w.Body.String(), `value="all" selected`) {
		t.Errorf("page does not show the saved mode: %.500s", w.Body)
	}
}

package notify_test

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// bothStores runs fn on a fresh SQLite and a fresh PostgreSQL store.
func bothStores(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t, tempDB(t))) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres(t, pgtest.URL(t))) })
}

// notifyRig is a site with an owner, a notifier and a worker mailing srv.
type notifyRig struct {
	*rig
	srv      *smtptest.Server
	notifier *notify.Notifier
	site     *model.Site
	owner    *model.User
}

func newNotifyRig(t *testing.T, st *store.Store) *notifyRig {
	ctx := context.Background()
	clk := newClock()
	srv := smtptest.Start(t)
	r := newRig(t, st, clk, smtpMailer(t, srv.URL()), notify.WorkerOptions{Batch: store.MaxMailClaim})
	owner := &model.User{Name: "Olga", Email: "olga@example.com", Role: model.RoleCommenter}
	if err := st.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "blog.example", OwnerID: owner.ID, Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	n := notify.NewNotifier(st, "https://parley.example", clk.now, nil)
	return &notifyRig{rig: r, srv: srv, notifier: n, site: site, owner: owner}
}

// comment stores a comment on /post, as the API does.
func (r *notifyRig) comment(t *testing.T, c *model.Comment) *model.Comment {
	t.Helper()
	c.SiteID, c.Text, c.HTML = r.site.ID, "text of "+c.GuestName, "<p>text</p>"
	if c.Status == "" {
		c.Status = model.StatusApproved
	}
	if err := r.st.CreateComment(context.Background(), c, store.NewComment{Path: "/post"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// fanOut runs the notifier to the end, counting its steps (the last one,
// which finds nothing more to do, included), then delivers.
func (r *notifyRig) fanOut(t *testing.T) (steps int) {
	t.Helper()
	for more := true; more; steps++ {
		var err error
		if more, err = r.notifier.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for r.deliver(t) > 0 {
	}
	return steps
}

// verifiedGuest makes email a verified guest's, as its confirmation link does.
func verifiedGuest(t *testing.T, st *store.Store, email string) {
	t.Helper()
	ctx := context.Background()
	hash := privacy.HashToken("tok-" + email)
	m, _ := notify.TestMail(email, site)
	if _, err := st.CreatePrivacyRequest(ctx, hash, email, store.PrivacyVerify, 0, time.Now().Add(time.Hour), m); err != nil {
		t.Fatal(err)
	}
	if err := st.VerifyGuest(ctx, hash, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// linkIn returns the first link of the text part starting with prefix.
func linkIn(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, prefix) {
			return f
		}
	}
	t.Fatalf("no link %s… in:\n%s", prefix, text)
	return ""
}

func tokenOf(t *testing.T, link string) []byte {
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return privacy.HashToken(u.Query().Get("token"))
}

// TestModeratorMailActsOnceThroughItsLink: a held comment mails the owner
// (default mode: held only) a mail with both parts, the site's name, RFC
// 8058 headers, and approve/reject/spam links; the approve link approves
// the comment once, and a second use of any of its links is refused. An
// approved comment does not mail a moderator in "held" mode.
func TestModeratorMailActsOnceThroughItsLink(t *testing.T) {
	bothStores(t, func(t *testing.T, st *store.Store) {
		r := newNotifyRig(t, st)
		r.comment(t, &model.Comment{GuestName: "Published"})
		held := r.comment(t, &model.Comment{GuestName: "Held", Status: model.StatusPending})
		r.fanOut(t)
		got := messageTo(t, r.srv, "olga@example.com") // exactly one: the held one
		msg, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
		if err != nil {
			t.Fatal(err)
		}
		unsub := msg.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<https://parley.example/dashboard/mail/unsubscribe?token=") ||
			msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe %q, List-Unsubscribe-Post %q", unsub, msg.Header.Get("List-Unsubscribe-Post"))
		}
		p := parts(t, msg)
		for _, part := range []string{p["text/plain"], p["text/html"]} {
			if !strings.Contains(part, "blog.example") || !strings.Contains(part, "text of Held") || !strings.Contains(part, "action=approve") {
				t.Errorf("part lacks the site, the comment or its links:\n%s", part)
			}
		}
		approve := linkIn(t, p["text/plain"], "https://parley.example/dashboard/mail/moderate?")
		ctx := context.Background()
		if _, _, err := st.UseModerateLink(ctx, tokenOf(t, approve), store.ActionApprove, r.clk.now()); err != nil {
			t.Fatal(err)
		}
		if c, _ := st.Comment(ctx, held.ID); c.Status != model.StatusApproved {
			t.Errorf("status %s after the approve link, want approved", c.Status)
		}
		if _, _, err := st.UseModerateLink(ctx, tokenOf(t, approve), store.ActionSpam, r.clk.now()); err != store.ErrLinkUsed {
			t.Errorf("second use: %v, want ErrLinkUsed", err)
		}
		r.clk.advance(notify.ModerateLinkLifetime)
		if _, err := st.MailLinkByToken(ctx, tokenOf(t, approve), r.clk.now()); err != store.ErrNotFound {
			t.Errorf("expired link: %v, want ErrNotFound", err)
		}
	})
}

// TestReplyStormIsQueuedInBatches: a reply in a thread with 500 opted-in,
// verified subscribers costs its request one event row; the notifier
// queues the 500 mails in batches of NotifyBatch, and each arrives. A
// subscriber who unsubscribed, one never confirmed and the replier get none.
func TestReplyStormIsQueuedInBatches(t *testing.T) {
	bothStores(t, func(t *testing.T, st *store.Store) {
		const subscribers = 500
		r := newNotifyRig(t, st)
		ctx := context.Background()
		if err := st.SetModeratorNotify(ctx, r.site.ID, r.owner.ID, store.ModeratorNone); err != nil {
			t.Fatal(err)
		}
		root := r.comment(t, &model.Comment{GuestName: "Root"})
		// The subscribers confirm their addresses after writing, so that
		// their own comments mail nobody (each would tell all before it).
		for i := range subscribers {
			r.comment(t, &model.Comment{GuestName: "S", GuestEmail: fmt.Sprintf("s%03d@example.org", i), ParentID: root.ID, NotifyReplies: true})
		}
		r.comment(t, &model.Comment{GuestName: "Unconfirmed", GuestEmail: "unconfirmed@example.org", ParentID: root.ID, NotifyReplies: true})
		r.fanOut(t)
		for i := range subscribers {
			verifiedGuest(t, st, fmt.Sprintf("s%03d@example.org", i))
		}
		if n := len(r.srv.Messages()); n != 0 {
			t.Fatalf("%d mails before any address was confirmed", n)
		}
		r.fanOut(t) // the confirmation mails of verifiedGuest
		r.srv.Reset()

		before, _ := st.PendingNotifyEvents(ctx)
		mailsBefore, _ := st.PendingMailCount(ctx)
		r.comment(t, &model.Comment{GuestName: "Replier", GuestEmail: "s000@example.org", ParentID: root.ID, NotifyReplies: true})
		if after, _ := st.PendingNotifyEvents(ctx); after != before+1 {
			t.Fatalf("the comment queued %d events, want 1 (the fan-out is not the request's)", after-before)
		}
		if pending, _ := st.PendingMailCount(ctx); pending != mailsBefore {
			t.Fatalf("%d mails queued inside the comment's request", pending-mailsBefore)
		}
		steps := r.fanOut(t)
		if want := (subscribers-1)/notify.NotifyBatch + 4; steps > want {
			t.Errorf("%d steps, want at most %d (batches of %d)", steps, want, notify.NotifyBatch)
		}
		if n := len(r.srv.Messages()); n != subscribers-1 {
			t.Fatalf("%d reply mails, want %d", n, subscribers-1)
		}
		got := messageTo(t, r.srv, "s123@example.org")
		msg, _ := mail.ReadMessage(strings.NewReader(string(got.Data)))
		unsub := strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>")
		if _, err := st.Unsubscribe(ctx, tokenOf(t, unsub), r.clk.now()); err != nil {
			t.Fatal(err)
		}
		r.srv.Reset()
		r.comment(t, &model.Comment{GuestName: "Again", ParentID: root.ID})
		r.fanOut(t)
		if n := len(r.srv.Messages()); n != subscribers-1 {
			t.Errorf("%d mails after one unsubscribed, want %d", n, subscribers-1)
		}
		for _, m := range r.srv.Messages() {
			if m.To[0] == "s123@example.org" || m.To[0] == "unconfirmed@example.org" {
				t.Errorf("mail to %s", m.To[0])
			}
		}
	})
}

// TestApprovalMailsTheAuthor: approving a held comment mails its author,
// who opted in with a verified address, and the mail says so.
func TestApprovalMailsTheAuthor(t *testing.T) {
	bothStores(t, func(t *testing.T, st *store.Store) {
		r := newNotifyRig(t, st)
		verifiedGuest(t, st, "ann@example.org")
		c := r.comment(t, &model.Comment{GuestName: "Ann", GuestEmail: "ann@example.org", Status: model.StatusPending, NotifyReplies: true})
		r.fanOut(t)
		r.srv.Reset() // the confirmation and the owner's mail
		if _, err := st.ModerateComments(context.Background(), store.Moderation{SiteID: r.site.ID, ActorID: r.owner.ID,
			Action: store.ActionApprove, CommentIDs: []int64{c.ID}}); err != nil {
			t.Fatal(err)
		}
		r.fanOut(t)
		got := messageTo(t, r.srv, "ann@example.org")
		if !strings.Contains(string(got.Data), "is published") {
			t.Errorf("approval mail:\n%s", got.Data)
		}
	})
}

// TestNotificationSurvivesARestart: a moderator mail queued while SMTP is
// down waits in the outbox across a restart and arrives, with its
// List-Unsubscribe header, when SMTP is back.
func TestNotificationSurvivesARestart(t *testing.T) {
	path := tempDB(t)
	first, err := store.OpenSQLite(context.Background(), path, sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := newNotifyRig(t, first)
	r.srv.Stop()
	r.comment(t, &model.Comment{GuestName: "Held", Status: model.StatusPending})
	r.fanOut(t) // one failed attempt
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	r.srv.Restart()
	r.clk.advance(time.Hour)
	again := newRig(t, openSQLite(t, path), r.clk, smtpMailer(t, r.srv.URL()), notify.WorkerOptions{})
	again.deliver(t)
	got := messageTo(t, r.srv, "olga@example.com")
	msg, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Header.Get("List-Unsubscribe"), "/dashboard/mail/unsubscribe?token=") {
		t.Errorf("List-Unsubscribe %q after the restart", msg.Header.Get("List-Unsubscribe"))
	}
}

package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// fillWebhooks gives site a webhook with a pending delivery, for the
// deletion tests.
func fillWebhooks(t *testing.T, db *testDB, site *model.Site) {
	t.Helper()
	w := &store.Webhook{SiteID: site.ID, URL: "https://hooks.example/" + site.Host, Events: store.WebhookEvents}
	must(t, db.CreateWebhook(context.Background(), w, "secret"))
	_, err := db.QueueWebhookPing(context.Background(), site.ID, w.ID)
	must(t, err)
}

// pendingPayloads claims every due delivery and returns each one's event
// and decoded payload, by webhook.
func pendingPayloads(t *testing.T, db *testDB, now time.Time) map[int64][]store.WebhookPayload {
	t.Helper()
	due, err := db.ClaimDueDeliveries(context.Background(), now, store.MaxWebhookClaim, time.Minute)
	must(t, err)
	out := map[int64][]store.WebhookPayload{}
	for _, d := range due {
		var p store.WebhookPayload
		must(t, json.Unmarshal(d.Payload, &p))
		if p.Event != d.Event {
			t.Errorf("delivery %d: event %q, payload says %q", d.ID, d.Event, p.Event)
		}
		out[d.WebhookID] = append(out[d.WebhookID], p)
	}
	return out
}

func events(ps []store.WebhookPayload) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Event+":"+p.Comment.Status)
	}
	return out
}

// TestWebhookEvents: each change of a comment queues, in its own
// transaction, one delivery per webhook of its site that chose the event,
// with what moderators see of the comment and never the guest's email;
// pins, spam and repeated actions queue nothing, nor does another site.
func TestWebhookEvents(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site, other := mustSite(t, db, "hooks.example"), mustSite(t, db, "other.example")
		all := &store.Webhook{SiteID: site.ID, URL: "https://a.example/hook", Events: store.WebhookEvents}
		created := &store.Webhook{SiteID: site.ID, URL: "https://b.example/hook", Events: []string{store.WebhookCommentCreated}}
		elsewhere := &store.Webhook{SiteID: other.ID, URL: "https://c.example/hook", Events: store.WebhookEvents}
		for _, w := range []*store.Webhook{all, created, elsewhere} {
			must(t, db.CreateWebhook(ctx, w, "s3cret"))
		}

		root := mustComment(t, db, site, "/post", 0, "Root")
		held := &model.Comment{SiteID: site.ID, ParentID: root.ID, GuestName: "Gus", GuestEmail: "gus@example.com", Text: "Held *one*",
			HTML: "<p>Held <em>one</em></p>", Status: model.StatusPending, HoldReason: "links"}
		must(t, db.CreateComment(ctx, held, store.NewComment{Path: "/post"}))
		got := pendingPayloads(t, db, clk.now())
		if want := []string{"comment.created:approved", "comment.created:pending"}; !slices.Equal(events(got[all.ID]), want) || !slices.Equal(events(got[created.ID]), want) {
			t.Fatalf("after two comments: %v and %v, want %v each", events(got[all.ID]), events(got[created.ID]), want)
		}
		p := got[all.ID][1]
		c := p.Comment
		if p.Site != (store.WebhookSite{ID: site.ID, Host: "hooks.example"}) || p.Page.Path != "/post" || p.Page.URL != "https://hooks.example/post" ||
			c.ID != held.ID || c.ParentID == nil || *c.ParentID != root.ID || c.HoldReason != "links" || c.Author.Name != "Gus" || c.Author.Account ||
			c.Text != "Held *one*" || c.HTML != "<p>Held <em>one</em></p>" || !c.CreatedAt.Equal(held.CreatedAt) || c.EditedAt != nil {
			t.Errorf("payload %+v, comment %+v", p, c)
		}

		mod := func(action string, ids ...int64) {
			t.Helper()
			_, err := db.ModerateComments(ctx, store.Moderation{SiteID: site.ID, Action: action, CommentIDs: ids})
			must(t, err)
		}
		mod(store.ActionPin, held.ID)
		mod(store.ActionApprove, held.ID)
		mod(store.ActionApprove, held.ID) // already approved: no event
		mod(store.ActionSpam, held.ID)
		must(t, db.UpdateCommentText(ctx, held.ID, "Edited", "<p>Edited</p>", clk.now()))
		_, err := db.EditComment(ctx, store.Action{SiteID: site.ID}, root.ID, "Moderated", "<p>Moderated</p>", clk.now())
		must(t, err)
		mod(store.ActionDelete, held.ID)
		mod(store.ActionReject, held.ID) // already deleted: no event
		must(t, db.DeleteComment(ctx, root.ID, clk.now()))
		got = pendingPayloads(t, db, clk.now())
		want := []string{"comment.approved:approved", "comment.edited:spam", "comment.edited:approved", "comment.deleted:deleted", "comment.deleted:deleted"}
		if !slices.Equal(events(got[all.ID]), want) {
			t.Errorf("events %v, want %v", events(got[all.ID]), want)
		}
		if len(got[created.ID])+len(got[elsewhere.ID]) != 0 {
			t.Errorf("webhooks that did not choose them, or of another site, got %v %v", events(got[created.ID]), events(got[elsewhere.ID]))
		}
		if d := got[all.ID][4].Comment; d.ID != root.ID || d.Text != "" || d.HTML != "" || d.Author != nil {
			t.Errorf("a deleted comment's payload keeps its content: %+v", d)
		}
		if e := got[all.ID][2].Comment; e.Text != "Moderated" || e.EditedAt == nil {
			t.Errorf("an edit's payload: %+v", e)
		}
	})
}

// TestWebhookLimits: a site has at most MaxWebhooksPerSite webhooks; a URL
// past MaxWebhookURLLength or an unknown event is refused; deleting one
// takes its deliveries; another site's webhook is not found.
func TestWebhookLimits(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, other := mustSite(t, db, "hooks.example"), mustSite(t, db, "other.example")
		var first *store.Webhook
		for i := range store.MaxWebhooksPerSite {
			w := &store.Webhook{SiteID: site.ID, URL: "https://hooks.example/" + strings.Repeat("x", i), Events: []string{store.WebhookCommentCreated}}
			must(t, db.CreateWebhook(ctx, w, "secret"))
			first = cmpOr(first, w)
		}
		err := db.CreateWebhook(ctx, &store.Webhook{SiteID: site.ID, URL: "https://hooks.example/more", Events: store.WebhookEvents}, "secret")
		if !errors.Is(err, store.ErrWebhookLimit) {
			t.Errorf("webhook %d: %v, want ErrWebhookLimit", store.MaxWebhooksPerSite+1, err)
		}
		long := "https://hooks.example/" + strings.Repeat("x", store.MaxWebhookURLLength)
		for _, w := range []*store.Webhook{{SiteID: other.ID, URL: long, Events: store.WebhookEvents},
			{SiteID: other.ID, URL: "https://hooks.example/", Events: []string{"comment.voted"}}} {
			if err := db.CreateWebhook(ctx, w, "secret"); !errors.Is(err, store.ErrInvalidWebhook) {
				t.Errorf("%.40s %v: %v, want ErrInvalidWebhook", w.URL, w.Events, err)
			}
		}
		if secret, err := db.WebhookSecret(ctx, site.ID, first.ID); err != nil || secret != "secret" {
			t.Errorf("secret %q, %v", secret, err)
		}
		if _, err := db.WebhookSecret(ctx, other.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another site's secret: %v", err)
		}
		_, err = db.QueueWebhookPing(ctx, site.ID, first.ID)
		must(t, err)
		if err := db.DeleteWebhook(ctx, other.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting through another site: %v", err)
		}
		must(t, db.DeleteWebhook(ctx, site.ID, first.ID))
		if log, err := db.WebhookDeliveries(ctx, site.ID, first.ID); err != nil || len(log) != 0 {
			t.Errorf("a deleted webhook's log: %v %v", log, err)
		}
	})
}

func cmpOr(a, b *store.Webhook) *store.Webhook {
	if a != nil {
		return a
	}
	return b
}

// TestWebhookLog: each endpoint keeps its pending deliveries and its
// newest WebhookLogRows finished ones; a delivered one keeps no payload; a
// dead one can be sent again, once, and a stale attempt's outcome is
// refused (ErrLostClaim).
func TestWebhookLog(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "hooks.example")
		w := &store.Webhook{SiteID: site.ID, URL: "https://hooks.example/", Events: store.WebhookEvents}
		must(t, db.CreateWebhook(ctx, w, "secret"))
		for range store.WebhookLogRows + 5 {
			_, err := db.QueueWebhookPing(ctx, site.ID, w.ID)
			must(t, err)
		}
		due, err := db.ClaimDueDeliveries(ctx, clk.now(), store.MaxWebhookClaim, time.Minute)
		must(t, err)
		if len(due) != store.WebhookLogRows+5 || due[0].Secret != "secret" || due[0].URL != w.URL {
			t.Fatalf("claimed %d (%+v)", len(due), due[0])
		}
		if err := db.FinishDelivery(ctx, due[0].ID, due[0].Attempt+1, store.DeliveryOutcome{Status: store.DeliveryDelivered, At: clk.now()}); !errors.Is(err, store.ErrLostClaim) {
			t.Errorf("a stale attempt: %v", err)
		}
		dead := due[len(due)-1]
		for _, d := range due[:len(due)-1] {
			must(t, db.FinishDelivery(ctx, d.ID, d.Attempt, store.DeliveryOutcome{Status: store.DeliveryDelivered, At: clk.now(), HTTPStatus: 204}))
		}
		must(t, db.FinishDelivery(ctx, dead.ID, dead.Attempt, store.DeliveryOutcome{Status: store.DeliveryDead, At: clk.now(), HTTPStatus: 500, Error: "HTTP 500"}))
		log, err := db.WebhookDeliveries(ctx, site.ID, w.ID)
		must(t, err)
		if len(log) != store.WebhookLogRows || log[0].ID != dead.ID || log[0].Status != store.DeliveryDead || log[0].HTTPStatus != 500 ||
			log[0].LastError != "HTTP 500" || log[1].Status != store.DeliveryDelivered || log[1].LastAttemptAt == nil {
			t.Fatalf("log of %d: newest %+v", len(log), log[0])
		}
		must(t, db.ResendDelivery(ctx, site.ID, w.ID, dead.ID, clk.now()))
		if err := db.ResendDelivery(ctx, site.ID, w.ID, dead.ID, clk.now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("resending a pending delivery: %v", err)
		}
		if err := db.ResendDelivery(ctx, site.ID, w.ID, log[1].ID, clk.now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("resending a delivered one: %v", err)
		}
		again, err := db.ClaimDueDeliveries(ctx, clk.now(), store.MaxWebhookClaim, time.Minute)
		must(t, err)
		if len(again) != 1 || again[0].ID != dead.ID || again[0].Attempt != 1 || len(again[0].Payload) == 0 {
			t.Errorf("after resend: %+v", again)
		}
		clk.advance(8 * 24 * time.Hour)
		if n, err := db.PurgeDeliveries(ctx, clk.now().Add(-7*24*time.Hour)); err != nil || n != store.WebhookLogRows-1 {
			t.Errorf("purged %d, %v; want the %d finished", n, err, store.WebhookLogRows-1)
		}
	})
}

// BenchmarkCreateCommentWithWebhooks is BenchmarkCreateComment on a site
// with two webhooks choosing comment.created: what the payload's read and
// the deliveries' inserts add to a comment's transaction.
func BenchmarkCreateCommentWithWebhooks(b *testing.B) {
	db := openSQLite(b)
	ctx := context.Background()
	site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
	if err := db.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	for _, u := range []string{"https://a.example/hook", "https://b.example/hook"} {
		if err := db.CreateWebhook(ctx, &store.Webhook{SiteID: site.ID, URL: u, Events: []string{store.WebhookCommentCreated}}, "secret"); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: "ann@example.com", IP: "192.0.2.1", UserAgent: "UA",
			Text: "text", HTML: "<p>text</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			b.Fatal(err)
		}
	}
}

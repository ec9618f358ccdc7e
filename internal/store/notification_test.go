package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// fillNotifications gives site a row in every notification table: a
// moderator's mode for u, a moderate link about c and an unsubscribe link
// (queued with a mail), and an unsubscribed address. Deletion fixtures
// call it so that site deletion and account erasure are proven to reach them.
func fillNotifications(t *testing.T, db *testDB, site *model.Site, c *model.Comment, u *model.User) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	must(t, db.SetModeratorNotify(ctx, site.ID, u.ID, store.ModeratorAll))
	ev := oldestEvent(t, db)
	unsub := []byte("unsubscribe-" + site.Host)
	must(t, db.QueueNotices(ctx, *ev, []store.Notice{{EmailIndex: []byte("index-" + site.Host), Links: []store.MailLink{
		{TokenHash: []byte("moderate-" + site.Host), Purpose: store.LinkModerate, SiteID: site.ID, CommentID: c.ID, UserID: u.ID, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: unsub, Purpose: store.LinkUnsubscribe, SiteID: site.ID, EmailIndex: []byte("reader"), ExpiresAt: now.Add(time.Hour)},
	}, Mail: model.Mail{Kind: "comment-reply", SiteID: site.ID, To: "reader@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>",
		Unsubscribe: "https://parley.example/dashboard/mail/unsubscribe?token=x"}}}, ev.Stage, ev.After))
	_, err := db.Unsubscribe(ctx, unsub, now)
	must(t, err)
}

// TestModerateLinkOnceAndOnlyForAMember: a moderate link works once; a
// moderator who lost their role since gets ErrNotFound and changes nothing.
func TestModerateLinkOnceAndOnlyForAMember(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx, now := context.Background(), time.Now()
		owner, mod := mustUser(t, db, "owner@example.com"), mustUser(t, db, "mod@example.com")
		site := &model.Site{Host: "blog.example", OwnerID: owner.ID, Settings: model.DefaultSiteSettings()}
		must(t, db.CreateSite(ctx, site))
		must(t, db.SetSiteMember(ctx, site.ID, mod.ID, model.RoleModerator))
		held := &model.Comment{SiteID: site.ID, GuestName: "G", Text: "t", HTML: "<p>t</p>", Status: model.StatusPending}
		must(t, db.CreateComment(ctx, held, store.NewComment{Path: "/p"}))
		ev := oldestEvent(t, db)
		link := func(token string, u *model.User) store.MailLink {
			return store.MailLink{TokenHash: []byte(token), Purpose: store.LinkModerate, SiteID: site.ID, CommentID: held.ID, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
		}
		must(t, db.QueueNotices(ctx, *ev, []store.Notice{
			{EmailIndex: []byte("o"), Links: []store.MailLink{link("owner-token", owner)}, Mail: model.Mail{Kind: "test", To: "owner@example.com", Subject: "s", Text: "t", HTML: "h"}},
			{EmailIndex: []byte("m"), Links: []store.MailLink{link("mod-token", mod)}, Mail: model.Mail{Kind: "test", To: "mod@example.com", Subject: "s", Text: "t", HTML: "h"}},
		}, store.StageDone, 0))
		must(t, db.RemoveSiteMember(ctx, site.ID, mod.ID))
		if _, _, err := db.UseModerateLink(ctx, []byte("mod-token"), store.ActionSpam, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("former moderator: %v, want ErrNotFound", err)
		}
		if _, _, err := db.UseModerateLink(ctx, []byte("owner-token"), store.ActionApprove, now); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UseModerateLink(ctx, []byte("owner-token"), store.ActionReject, now); !errors.Is(err, store.ErrLinkUsed) {
			t.Errorf("second use: %v, want ErrLinkUsed", err)
		}
		if c, _ := db.Comment(ctx, held.ID); c.Status != model.StatusApproved {
			t.Errorf("status %s, want approved", c.Status)
		}
	})
}

// oldestEvent returns the oldest notify event; the test fails without one.
func oldestEvent(t *testing.T, db *testDB) *store.NotifyEvent {
	t.Helper()
	evs, err := db.NextNotifyEvents(context.Background(), 1)
	must(t, err)
	if len(evs) != 1 {
		t.Fatalf("%d notify events, want one", len(evs))
	}
	return &evs[0]
}

// TestFinishNotifyEventsSparesAClaimedEvent: finishing events deletes
// those still as read, and not one another worker moved on meanwhile.
func TestFinishNotifyEventsSparesAClaimedEvent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := &model.Site{Host: "finish.example", Settings: model.DefaultSiteSettings()}
		must(t, db.CreateSite(ctx, site))
		for range 3 {
			must(t, db.CreateComment(ctx, &model.Comment{SiteID: site.ID, GuestName: "G", Text: "t", HTML: "<p>t</p>", Status: model.StatusPending}, store.NewComment{Path: "/p"}))
		}
		evs, err := db.NextNotifyEvents(ctx, 10)
		must(t, err)
		if len(evs) != 3 {
			t.Fatalf("%d events, want 3", len(evs))
		}
		// Another worker queued a batch of the second one.
		must(t, db.QueueNotices(ctx, evs[1], nil, store.StageThread, 7))
		must(t, db.FinishNotifyEvents(ctx, evs))
		left, err := db.NextNotifyEvents(ctx, 10)
		must(t, err)
		if len(left) != 1 || left[0].ID != evs[1].ID || left[0].Stage != store.StageThread || left[0].After != 7 {
			t.Errorf("left %+v, want only the moved-on event %d", left, evs[1].ID)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// owner makes an account that owns a new site of host.
func owner(t *testing.T, db *testDB, email, host string) (*model.User, *model.Site) {
	t.Helper()
	u := &model.User{Name: "Owner " + email, Email: email, Role: model.RoleCommenter}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	s := &model.Site{Host: host, OwnerID: u.ID, Settings: model.DefaultSiteSettings()}
	if err := db.CreateSite(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return u, s
}

func mustPlan(t *testing.T, db *testDB, p store.Plan) store.Plan {
	t.Helper()
	if err := db.CreatePlan(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func limited(name string, sites, views, comments int64) store.Plan {
	return store.Plan{Name: name, MaxSites: sites, MaxViews: views, MaxComments: comments, MaxUploadBytes: store.Unlimited}
}

func usage(t *testing.T, db *testDB, userID int64, month int) store.Usage {
	t.Helper()
	u, err := db.UsageOf(context.Background(), userID, month)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUsageCountsCommentsAndViews: an owner's month counts the comments
// stored on their sites and the views flushed to their counters, per UTC
// month; a site without an owner counts for no one.
func TestUsageCountsCommentsAndViews(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db) // 2026-11-01 12:00 UTC
		ann, a1 := owner(t, db, "ann@example.com", "a1.example")
		a2 := &model.Site{Host: "a2.example", OwnerID: ann.ID, Settings: model.DefaultSiteSettings()}
		if err := db.CreateSite(ctx, a2); err != nil {
			t.Fatal(err)
		}
		bob, b1 := owner(t, db, "bob@example.com", "b1.example")
		orphan := mustSite(t, db, "orphan.example")
		for _, s := range []*model.Site{a1, a2, a2, b1, orphan} {
			mustComment(t, db, s, "/p", 0, "hello")
		}
		if _, err := db.AddViews(ctx, map[store.PageView]int{
			{SiteID: a1.ID, Path: "/p", Day: "2026-11-01"}: 3, {SiteID: a2.ID, Path: "/p", Day: "2026-11-02"}: 4,
			{SiteID: a2.ID, Path: "/p", Day: "2026-10-31"}: 50, {SiteID: b1.ID, Path: "/new", Day: "2026-11-01"}: 7,
			{SiteID: orphan.ID, Path: "/p", Day: "2026-11-01"}: 9,
		}); err != nil {
			t.Fatal(err)
		}
		if got := usage(t, db, ann.ID, 202611); got != (store.Usage{Month: 202611, Sites: 2, Views: 7, Comments: 3}) {
			t.Errorf("ann in November: %+v", got)
		}
		if got := usage(t, db, ann.ID, 202610); got.Views != 50 || got.Comments != 0 {
			t.Errorf("ann in October: %+v", got)
		}
		if got := usage(t, db, bob.ID, 202611); got != (store.Usage{Month: 202611, Sites: 1, Views: 7, Comments: 1}) {
			t.Errorf("bob (views of a page the views created): %+v", got)
		}
		// A new month starts from zero.
		clk.advance(30 * 24 * time.Hour)
		mustComment(t, db, a1, "/p", 0, "december")
		if got := usage(t, db, ann.ID, 202612); got.Comments != 1 || got.Views != 0 {
			t.Errorf("ann in December: %+v", got)
		}
	})
}

// TestCommentLimit: past the month's comment limit of the owner's plan a
// comment is refused with ErrPlanLimit and nothing is stored; the next
// month, or a bigger plan, takes comments again. Views past their limit
// refuse comments too.
func TestCommentLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		ann, site := owner(t, db, "ann@example.com", "a.example")
		small := mustPlan(t, db, limited("small", store.Unlimited, 10, 2))
		if err := db.SetUserPlan(ctx, ann.ID, small.ID); err != nil {
			t.Fatal(err)
		}
		try := func() error {
			return db.CreateComment(ctx, &model.Comment{SiteID: site.ID, GuestName: "G", Text: "x", HTML: "x", Status: model.StatusApproved},
				store.NewComment{Path: "/p"})
		}
		for i := range 2 {
			if err := try(); err != nil {
				t.Fatalf("comment %d: %v", i+1, err)
			}
		}
		err := try()
		var limit *store.PlanLimitError
		if !errors.Is(err, store.ErrPlanLimit) || !errors.As(err, &limit) || limit.Metric != store.MetricComments || limit.Limit != 2 {
			t.Fatalf("third comment: %v, want the comment limit", err)
		}
		if got := usage(t, db, ann.ID, 202611); got.Comments != 2 {
			t.Errorf("a refused comment was counted: %+v", got)
		}
		if n, _ := db.Counts(ctx, site.ID, []string{"/p"}); n["/p"] != 2 {
			t.Errorf("page has %d comments, want 2", n["/p"])
		}
		// A plan change lifts the limit at once.
		small.MaxComments = 3
		if err := db.UpdatePlan(ctx, &small); err != nil {
			t.Fatal(err)
		}
		if err := try(); err != nil {
			t.Errorf("after the plan grew: %v", err)
		}
		// Views past their limit refuse comments too.
		small.MaxComments = store.Unlimited
		must(t, db.UpdatePlan(ctx, &small))
		if _, err := db.AddViews(ctx, map[store.PageView]int{{SiteID: site.ID, Path: "/p", Day: "2026-11-01"}: 11}); err != nil {
			t.Fatal(err)
		}
		if err := try(); !errors.As(err, &limit) || limit.Metric != store.MetricViews {
			t.Errorf("past the view limit: %v, want the view limit", err)
		}
		// Next month counts from zero.
		clk.advance(31 * 24 * time.Hour)
		if err := try(); err != nil {
			t.Errorf("next month: %v", err)
		}
	})
}

// TestSiteLimitAndDefaultPlan: an owner at their plan's max sites cannot
// add one (ErrPlanLimit); without a plan of their own the default plan
// holds them, and without a default they are unlimited.
func TestSiteLimitAndDefaultPlan(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		ann, _ := owner(t, db, "ann@example.com", "a1.example")
		add := func(host string) error {
			return db.CreateSite(ctx, &model.Site{Host: host, OwnerID: ann.ID, Settings: model.DefaultSiteSettings()})
		}
		if p, err := db.UserPlan(ctx, ann.ID); err != nil || p.Name != store.UnlimitedPlanName || p.MaxSites != store.Unlimited {
			t.Fatalf("plan without any: %+v %v", p, err)
		}
		must(t, add("a2.example"))
		one := mustPlan(t, db, limited("one site", 2, store.Unlimited, store.Unlimited))
		must(t, db.SetDefaultPlan(ctx, one.ID))
		var limit *store.PlanLimitError
		if err := add("a3.example"); !errors.As(err, &limit) || limit.Metric != store.MetricSites {
			t.Fatalf("third site under the default plan: %v, want the site limit", err)
		}
		if _, err := db.SiteByHost(ctx, "a3.example"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused site exists: %v", err)
		}
		// Sites without an owner are not limited.
		mustSite(t, db, "free.example")
		big := mustPlan(t, db, limited("big", 5, store.Unlimited, store.Unlimited))
		must(t, db.SetUserPlan(ctx, ann.ID, big.ID))
		must(t, add("a3.example"))
		if p, _ := db.UserPlan(ctx, ann.ID); p.ID != big.ID {
			t.Errorf("own plan: %+v", p)
		}
		must(t, db.SetDefaultPlan(ctx, 0))
		must(t, db.SetUserPlan(ctx, ann.ID, 0))
		if p, _ := db.UserPlan(ctx, ann.ID); p.Name != store.UnlimitedPlanName {
			t.Errorf("no plan, no default: %+v", p)
		}
		if err := db.SetDefaultPlan(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("default of no plan: %v", err)
		}
		if err := db.CreatePlan(ctx, &store.Plan{Name: "big"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("second plan named big: %v", err)
		}
	})
}

// TestUsageNoticesOnce: crossing 80% and 100% of a limit yields one notice
// each per month, mailed through the outbox; a jump straight past 100%
// mails once; the next month warns again.
func TestUsageNoticesOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		ann, site := owner(t, db, "ann@example.com", "a.example")
		p := mustPlan(t, db, limited("ten", store.Unlimited, 5, 10))
		must(t, db.SetUserPlan(ctx, ann.ID, p.ID))
		tell := func() []string {
			t.Helper()
			cs, err := db.UsageCrossings(ctx, store.Month(clk.now()))
			must(t, err)
			var out []string
			for _, c := range cs {
				m := model.Mail{Kind: "usage", To: c.Owner.Email, Subject: "usage", Text: "t", HTML: "h"}
				queued, err := db.RecordUsageNotice(ctx, c, m)
				must(t, err)
				if queued {
					out = append(out, fmt.Sprintf("%s %d%% %d/%d", c.Metric, c.Level, c.Used, c.Limit))
				}
				// A second server telling the same crossing queues nothing.
				if again, err := db.RecordUsageNotice(ctx, c, m); err != nil || again {
					t.Errorf("second record of %+v: %v %v", c, again, err)
				}
			}
			return out
		}
		comment := func(n int) {
			for range n {
				mustComment(t, db, site, "/p", 0, "c")
			}
		}
		comment(7)
		if got := tell(); len(got) != 0 {
			t.Errorf("at 70%%: %v", got)
		}
		comment(1)
		if got := fmt.Sprint(tell()); got != "[comments 80% 8/10]" {
			t.Errorf("at 80%%: %v", got)
		}
		comment(1)
		if got := tell(); len(got) != 0 {
			t.Errorf("at 90%%, told already: %v", got)
		}
		comment(1)
		if got := fmt.Sprint(tell()); got != "[comments 100% 10/10]" {
			t.Errorf("at 100%%: %v", got)
		}
		// Views jump past 100% at once: one mail, not two.
		_, err := db.AddViews(ctx, map[store.PageView]int{{SiteID: site.ID, Path: "/p", Day: "2026-11-01"}: 6})
		must(t, err)
		if got := fmt.Sprint(tell()); got != "[views 100% 6/5]" {
			t.Errorf("views past the limit: %v", got)
		}
		if got := tell(); len(got) != 0 {
			t.Errorf("told again: %v", got)
		}
		if n, err := db.PendingMailCount(ctx); err != nil || n != 3 {
			t.Errorf("outbox holds %d mails, want 3 (%v)", n, err)
		}
		// December: the counters and the notices start again.
		clk.advance(30 * 24 * time.Hour)
		comment(8)
		if got := fmt.Sprint(tell()); got != "[comments 80% 8/10]" {
			t.Errorf("next month at 80%%: %v", got)
		}
	})
}

// TestSuspension: a suspended account's sessions end, it gets no new one,
// and its sites take no comments; lifting the suspension restores both.
func TestSuspension(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		ann, site := owner(t, db, "ann@example.com", "a.example")
		now := time.Now().UTC().Truncate(time.Millisecond)
		sess := func(hash string) error {
			return db.CreateSession(ctx, &model.Session{UserID: ann.ID, Kind: model.SessionDashboard, CreatedAt: now, LastUsedAt: now,
				ExpiresAt: now.Add(time.Hour)}, []byte(hash))
		}
		must(t, sess("first"))
		must(t, db.SuspendUser(ctx, ann.ID, now))
		if _, _, err := db.SessionByTokenHash(ctx, []byte("first")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the session outlived the suspension: %v", err)
		}
		if err := sess("second"); !errors.Is(err, store.ErrSuspended) {
			t.Errorf("new session of a suspended account: %v, want ErrSuspended", err)
		}
		err := db.CreateComment(ctx, &model.Comment{SiteID: site.ID, GuestName: "G", Text: "x", HTML: "x", Status: model.StatusApproved},
			store.NewComment{Path: "/p"})
		if !errors.Is(err, store.ErrSuspended) {
			t.Errorf("comment on a suspended owner's site: %v, want ErrSuspended", err)
		}
		if ok, _ := db.Suspended(ctx, ann.ID); !ok {
			t.Error("not reported suspended")
		}
		must(t, db.UnsuspendUser(ctx, ann.ID))
		must(t, sess("third"))
		mustComment(t, db, site, "/p", 0, "back")
		if err := db.SuspendUser(ctx, 999, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("suspend no one: %v", err)
		}
	})
}

// TestBroadcastRecipients: a broadcast queues one mail per owner and
// records each recipient with the state of their mail; sending it again is
// a second broadcast, not merged with the first.
func TestBroadcastRecipients(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		ann, _ := owner(t, db, "ann@example.com", "a.example")
		bob, _ := owner(t, db, "bob@example.com", "b.example")
		must(t, db.CreateUser(ctx, &model.User{Name: "Commenter", Email: "c@example.com", Role: model.RoleCommenter}))
		owners, err := db.Owners(ctx)
		must(t, err)
		if len(owners) != 2 || owners[0].ID != ann.ID || owners[1].ID != bob.ID {
			t.Fatalf("owners: %v", owners)
		}
		send := func() store.Broadcast {
			var mails []store.BroadcastMail
			for _, o := range owners {
				mails = append(mails, store.BroadcastMail{UserID: o.ID, Mail: model.Mail{Kind: "broadcast", To: o.Email, Subject: "Policy", Text: "t", HTML: "h"}})
			}
			b := store.Broadcast{Subject: "Policy", Body: "We changed it."}
			must(t, db.CreateBroadcast(ctx, &b, mails))
			return b
		}
		first, second := send(), send()
		if first.ID == second.ID {
			t.Fatal("the second broadcast is the first")
		}
		list, err := db.Broadcasts(ctx)
		must(t, err)
		if len(list) != 2 || list[0].ID != second.ID || list[0].Recipients != 2 || list[1].Recipients != 2 {
			t.Errorf("broadcasts: %+v", list)
		}
		got, err := db.BroadcastRecipients(ctx, first.ID)
		must(t, err)
		if len(got) != 2 || got[0].User.Email != "ann@example.com" || got[0].Status != store.MailPending {
			t.Errorf("recipients: %+v", got)
		}
		if n, err := db.PendingMailCount(ctx); err != nil || n != 4 {
			t.Errorf("outbox: %d mails, want 4 (%v)", n, err)
		}
		// An erased owner leaves the list of recipients.
		must(t, db.EraseAccount(ctx, bob.ID, store.EraseDelete))
		if got, _ := db.BroadcastRecipients(ctx, first.ID); len(got) != 1 {
			t.Errorf("recipients after erasure: %+v", got)
		}
	})
}

// TestContactMessagesArePurged: a contact message is stored with its email
// sealed, deleted with it after the retention, and found and erased by the
// email's blind index with the account whose confirmed email it is.
func TestContactMessagesArePurged(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		old := store.ContactMessage{Name: "Old", Email: "old@example.org", Message: "written long ago"}
		must(t, db.CreateContactMessage(ctx, &old, []model.Mail{{Kind: "contact", To: "op@example.com", Subject: "s", Text: "t", HTML: "h"}}))
		clk.advance(store.DefaultContactRetention)
		ann := &model.User{Name: "Ann", Email: "ann@example.com", Role: model.RoleCommenter}
		must(t, db.CreateUser(ctx, ann))
		must(t, db.SetEmailVerified(ctx, ann.ID, clk.now()))
		recent := store.ContactMessage{Name: "Ann", Email: "ann@example.com", Message: "written today"}
		must(t, db.CreateContactMessage(ctx, &recent, nil))
		if b := storedBytes(t, db, "contact_messages"); strings.Contains(string(b), "old@example.org") {
			t.Error("the email is stored in the clear")
		}
		n, err := db.PurgeContactMessages(ctx, clk.now().Add(-store.DefaultContactRetention+time.Millisecond))
		must(t, err)
		list, _ := db.ContactMessages(ctx)
		if n != 1 || len(list) != 1 || list[0].Email != "ann@example.com" {
			t.Fatalf("purged %d, left %+v", n, list)
		}
		data, err := db.AccountData(ctx, ann.ID)
		must(t, err)
		if len(data.ContactMessages) != 1 || data.ContactMessages[0].Message != "written today" {
			t.Errorf("account data: %+v", data.ContactMessages)
		}
		must(t, db.EraseAccount(ctx, ann.ID, store.EraseDelete))
		if list, _ := db.ContactMessages(ctx); len(list) != 0 {
			t.Errorf("erasure left %+v", list)
		}
	})
}

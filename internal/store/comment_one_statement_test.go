package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestNewCommentOnAnExistingPageWritesEverything: a root comment on a page
// that exists is written on PostgreSQL in one statement without a
// transaction (comment_one_statement.go). It must leave what the
// transactional write leaves: the comment with its personal data, the
// page's count, its notify event and the change notice with its id, page
// and path; a held comment notices its page only; a locked page refuses
// and stores nothing; a page without a title gets one; and a site with an
// owner counts the comment against the owner's month.
func TestNewCommentOnAnExistingPageWritesEverything(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		site := mustSite(t, db, "one.example")
		first := mustComment(t, db, site, "/a", 0, "first") // creates the page
		page, _, err := db.PageByPath(ctx, site.ID, "/a")
		if err != nil {
			t.Fatal(err)
		}
		var heard chan store.SiteChange
		if db.dialect == "postgres" {
			heard = make(chan store.SiteChange, 10)
			go db.ListenSiteChanges(ctx, func(c store.SiteChange) { heard <- c }, func(err error) { t.Log(err) })
			<-heard // "every site", when listening starts
		}
		hear := func(what string) store.SiteChange {
			t.Helper()
			select {
			case c := <-heard:
				return c
			case <-time.After(5 * time.Second):
				t.Fatalf("no change notice for %s", what)
			}
			return store.SiteChange{}
		}
		post := func(status model.Status, text string, in store.NewComment) (*model.Comment, error) {
			c := &model.Comment{SiteID: site.ID, GuestName: "Bea", GuestEmail: "bea@example.com", GuestWebsite: "https://bea.example",
				IP: "192.0.2.7", UserAgent: "Test/1", Text: text, HTML: "<p>" + text + "</p>", Status: status}
			return c, db.CreateComment(ctx, c, in)
		}

		second, err := post(model.StatusApproved, "second", store.NewComment{Path: "/a"})
		if err != nil {
			t.Fatal(err)
		}
		if second.PageID != page.ID || second.ID <= first.ID {
			t.Errorf("second comment: page %d, id %d; want page %d, id after %d", second.PageID, second.ID, page.ID, first.ID)
		}
		got, err := db.Comment(ctx, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.GuestEmail != "bea@example.com" || got.IP != "192.0.2.7" || got.UserAgent != "Test/1" ||
			got.GuestWebsite != "https://bea.example" || got.Text != "second" || got.Status != model.StatusApproved || got.ParentID != 0 {
			t.Errorf("stored %+v", got)
		}
		if _, n, _ := db.PageByPath(ctx, site.ID, "/a"); n != 2 {
			t.Errorf("page count %d after two approved comments, want 2", n)
		}
		if events, _ := db.NextNotifyEvents(ctx, 10); len(events) != 0 {
			t.Errorf("notify events %+v for comments shown at once on a site whose moderators want mail of held ones only", events)
		}
		if heard != nil {
			c := hear("the approved comment")
			if c.SiteID != site.ID || c.Event != store.EventCreated || len(c.CommentIDs) != 1 || c.CommentIDs[0] != second.ID ||
				c.PageID != page.ID || c.Path != "/a" {
				t.Errorf("heard %+v for the approved comment", c)
			}
		}

		held, err := post(model.StatusPending, "held", store.NewComment{Path: "/a"})
		if err != nil {
			t.Fatal(err)
		}
		if _, n, _ := db.PageByPath(ctx, site.ID, "/a"); n != 2 || held.ID == 0 {
			t.Errorf("page count %d after a held comment (id %d), want 2", n, held.ID)
		}
		if heard != nil {
			if c := hear("the held comment"); c.Event != "" || c.PageID != page.ID || c.Path != "/a" {
				t.Errorf("heard %+v for the held comment, want its page only", c)
			}
		}
		if events, _ := db.NextNotifyEvents(ctx, 10); len(events) != 1 || events[0].CommentID != held.ID || events[0].Kind != store.EventCreated {
			t.Errorf("notify events %+v, want the held comment's created event", events)
		}
		mod := &model.User{Name: "Mo", Email: "mo@example.com", Role: model.RoleCommenter}
		if err := db.CreateUser(ctx, mod); err != nil {
			t.Fatal(err)
		}
		if err := db.SetModeratorNotify(ctx, site.ID, mod.ID, "all"); err != nil {
			t.Fatal(err)
		}
		third, err := post(model.StatusApproved, "third", store.NewComment{Path: "/a"})
		if err != nil {
			t.Fatal(err)
		}
		if heard != nil {
			hear("the third comment")
		}
		if events, _ := db.NextNotifyEvents(ctx, 10); len(events) != 2 || events[1].CommentID != third.ID {
			t.Errorf("notify events %+v once a moderator wants mail of every comment, want the third comment's too", events)
		}
		spam, err := post(model.StatusSpam, "spam", store.NewComment{Path: "/a"})
		if err != nil {
			t.Fatal(err)
		}
		if heard != nil {
			hear("the spam comment")
		}
		if events, _ := db.NextNotifyEvents(ctx, 10); len(events) != 2 {
			t.Errorf("notify events %+v after spam (comment %d): nobody is told of spam", events, spam.ID)
		}

		if err := db.SetPageLocked(ctx, page.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := post(model.StatusApproved, "refused", store.NewComment{Path: "/a"}); !errors.Is(err, store.ErrPageLocked) {
			t.Errorf("comment on a locked page: %v, want ErrPageLocked", err)
		}
		if events, _ := db.NextNotifyEvents(ctx, 10); len(events) != 2 {
			t.Errorf("%d notify events after a refused comment, want 2", len(events))
		}

		mustComment(t, db, site, "/untitled", 0, "makes a page without a title")
		if _, err := post(model.StatusApproved, "titled", store.NewComment{Path: "/untitled", Title: "A title"}); err != nil {
			t.Fatal(err)
		}
		if p, n, _ := db.PageByPath(ctx, site.ID, "/untitled"); p.Title != "A title" || n != 2 {
			t.Errorf("page %+v with %d comments, want the title given and 2", p, n)
		}

		u := &model.User{Name: "Owner", Email: "owner@one.example", Role: model.RoleCommenter}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSiteMember(ctx, site.ID, u.ID, model.RoleModerator); err != nil {
			t.Fatal(err)
		}
		if err := db.TransferSite(ctx, site.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		owned, err := post(model.StatusApproved, "owned", store.NewComment{Path: "/untitled"})
		if err != nil {
			t.Fatal(err)
		}
		usage, err := db.UsageOf(ctx, u.ID, store.Month(owned.CreatedAt))
		if err != nil {
			t.Fatal(err)
		}
		if usage.Comments != 1 {
			t.Errorf("owner's month counts %d comments after one on an owned site, want 1", usage.Comments)
		}
	})
}

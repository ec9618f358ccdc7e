package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestModerationQueueAndActions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		mod := &model.User{Name: "Mo", Email: "mo@example.com", Role: model.RoleCommenter}
		if err := db.CreateUser(ctx, mod); err != nil {
			t.Fatal(err)
		}
		a, b := mustSite(t, db, "a.example"), mustSite(t, db, "b.example")
		held := func(site *model.Site, text string) *model.Comment {
			c := &model.Comment{SiteID: site.ID, GuestName: "Gus", GuestEmail: "gus@example.com", Text: text,
				HTML: "<p>" + text + "</p>", Status: model.StatusPending, HoldReason: "email_unverified"}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		first, second, other := held(a, "first"), held(a, "second"), held(b, "other")

		q, err := db.ModerationQueue(ctx, store.QueueQuery{SiteID: a.ID, Status: model.StatusPending, Limit: 1})
		if err != nil || len(q) != 1 || q[0].ID != second.ID {
			t.Fatalf("first page of the queue: %+v, %v; want the newest (%d) alone", q, err, second.ID)
		}
		if c := q[0]; c.PagePath != "/p" || c.AuthorName != "Gus" || c.AuthorEmail != "gus@example.com" || c.HoldReason != "email_unverified" {
			t.Errorf("queued comment %+v", c)
		}
		if q, _ := db.ModerationQueue(ctx, store.QueueQuery{SiteID: a.ID, Status: model.StatusPending, Offset: 1, Limit: 1}); len(q) != 1 || q[0].ID != first.ID {
			t.Errorf("second page: %+v", q)
		}
		if _, err := db.ModerationQueue(ctx, store.QueueQuery{SiteID: a.ID, Status: model.StatusPending, Limit: store.MaxQueuePageSize + 1}); err == nil {
			t.Error("a page past MaxQueuePageSize was served")
		}

		// A comment of another site in the batch: nothing changes.
		if _, err := db.ModerateComments(ctx, store.Moderation{SiteID: a.ID, ActorID: mod.ID, Action: store.ActionApprove,
			CommentIDs: []int64{first.ID, other.ID}}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("approve with a foreign comment: %v, want ErrNotFound", err)
		}
		if n, _ := db.StatusCounts(ctx, a.ID); n[model.StatusPending] != 2 {
			t.Errorf("counts after a refused batch: %v", n)
		}
		pages, err := db.ModerateComments(ctx, store.Moderation{SiteID: a.ID, ActorID: mod.ID, Action: store.ActionApprove,
			CommentIDs: []int64{first.ID, second.ID}})
		if err != nil || len(pages) != 1 {
			t.Fatalf("approve: %v, %v", pages, err)
		}
		if n, _ := db.StatusCounts(ctx, a.ID); n[model.StatusApproved] != 2 || n[model.StatusPending] != 0 {
			t.Errorf("counts after approving: %v", n)
		}
		if _, n, _ := db.PageByPath(ctx, a.ID, "/p"); n != 2 {
			t.Errorf("page comment count %d, want 2", n)
		}
		if _, err := db.ModerateComments(ctx, store.Moderation{SiteID: a.ID, ActorID: mod.ID, Action: store.ActionPin, CommentIDs: []int64{first.ID}}); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.Comment(ctx, first.ID); !c.Sticky {
			t.Error("pin left the comment unpinned")
		}
		if _, err := db.ModerateComments(ctx, store.Moderation{SiteID: a.ID, Action: "burn", CommentIDs: []int64{first.ID}}); !errors.Is(err, store.ErrUnknownAction) {
			t.Errorf("unknown action: %v", err)
		}
		if err := db.LockPage(ctx, a.ID, mod.ID, first.PageID, true); err != nil {
			t.Fatal(err)
		}
		if err := db.LockPage(ctx, b.ID, mod.ID, first.PageID, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lock another site's page: %v", err)
		}
		log, err := db.AuditLog(ctx, a.ID, 10)
		if err != nil || len(log) != 4 {
			t.Fatalf("audit log %+v, %v; want 4 entries", log, err)
		}
		if e := log[0]; e.Action != store.ActionLock || e.ActorID != mod.ID || e.PageID != first.PageID || e.CommentID != 0 {
			t.Errorf("newest entry %+v", e)
		}
		if e := log[3]; e.Action != store.ActionApprove || e.CommentID != first.ID {
			t.Errorf("oldest entry %+v", e)
		}

		// Sites of a user: owned and moderated, with the role.
		a.OwnerID = mod.ID
		if err := db.UpdateSite(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSiteMember(ctx, b.ID, mod.ID, model.RoleModerator); err != nil {
			t.Fatal(err)
		}
		mine, err := db.SitesOfUser(ctx, mod.ID)
		if err != nil || len(mine) != 2 || mine[0].Role != model.RoleOwner || mine[1].Role != model.RoleModerator {
			t.Errorf("sites of user: %+v, %v", mine, err)
		}
		if _, err := db.SiteByID(ctx, b.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown site: %v", err)
		}

		// Erasing the actor keeps the entries without them; deleting the
		// site deletes its entries (P7).
		if err := db.DeleteUser(ctx, mod.ID); err != nil {
			t.Fatal(err)
		}
		if log, err := db.AuditLog(ctx, a.ID, 10); err != nil || len(log) != 4 || log[0].ActorID != 0 {
			t.Errorf("audit log after the actor was deleted: %+v, %v", log, err)
		}
		if err := db.DeleteSite(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if log, err := db.AuditLog(ctx, a.ID, 10); err != nil || len(log) != 0 {
			t.Errorf("audit log of a deleted site: %+v, %v", log, err)
		}
	})
}

package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestPageCountFollowsEveryTransition walks every way a comment enters,
// leaves or changes status and checks after each that every page's
// comment_count, which writes move instead of counting, equals the count of
// its approved comments.
func TestPageCountFollowsEveryTransition(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		raw, rebind := rawDB(t, db)
		site := mustSite(t, db, "count.example")
		check := func(step string) {
			t.Helper()
			rows, err := raw.Query(rebind(`SELECT p.path, p.comment_count + COALESCE((SELECT SUM(n) FROM page_count_shards s WHERE s.page_id = p.id), 0),
				(SELECT COUNT(*) FROM comments c WHERE c.page_id = p.id AND c.status = 'approved') FROM pages p WHERE p.site_id = ?`), site.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var path string
				var kept, counted int
				if err := rows.Scan(&path, &kept, &counted); err != nil {
					t.Fatal(err)
				}
				if kept != counted {
					t.Errorf("after %s: page %s keeps count %d, has %d approved comments", step, path, kept, counted)
				}
			}
		}
		create := func(path string, parent int64, status model.Status, authorID int64, hold string) *model.Comment {
			t.Helper()
			c := &model.Comment{SiteID: site.ID, ParentID: parent, AuthorID: authorID, GuestName: "Ann", Text: "x", HTML: "<p>x</p>",
				Status: status, HoldReason: hold}
			must(t, db.CreateComment(ctx, c, store.NewComment{Path: path}))
			return c
		}

		a := create("/a", 0, model.StatusApproved, 0, "")
		reply := create("/a", a.ID, model.StatusApproved, 0, "")
		held := create("/a", 0, model.StatusPending, 0, "")
		spam := create("/b", 0, model.StatusSpam, 0, "")
		b := create("/b", 0, model.StatusApproved, 0, "")
		check("creating approved, pending and spam comments")

		must(t, db.SetCommentStatus(ctx, held.ID, model.StatusApproved))
		check("approving")
		must(t, db.SetCommentStatus(ctx, held.ID, model.StatusApproved))
		check("approving again")
		must(t, db.SetCommentStatus(ctx, held.ID, model.StatusPending))
		check("holding")
		must(t, db.SetCommentStatus(ctx, spam.ID, model.StatusApproved))
		check("approving spam")

		moderate := func(action string, ids ...int64) {
			t.Helper()
			_, err := db.ModerateComments(ctx, store.Moderation{SiteID: site.ID, Action: action, CommentIDs: ids})
			must(t, err)
			check("moderation " + action)
		}
		moderate(store.ActionApprove, held.ID, b.ID)
		moderate(store.ActionSpam, held.ID, spam.ID)
		moderate(store.ActionPin, b.ID)
		moderate(store.ActionReject, spam.ID)
		moderate(store.ActionApprove, spam.ID)
		moderate(store.ActionDelete, spam.ID, b.ID)
		moderate(store.ActionUnpin, b.ID)

		must(t, db.RecheckComment(ctx, reply.ID, store.Recheck{Text: "y", HTML: "<p>y</p>", EditedAt: time.Now(), Status: model.StatusPending, HoldReason: "links"}))
		check("an edit held for review")
		must(t, db.SetCommentStatus(ctx, reply.ID, model.StatusApproved))
		must(t, db.RecheckComment(ctx, reply.ID, store.Recheck{Text: "z", HTML: "<p>z</p>", EditedAt: time.Now(), Status: model.StatusApproved}))
		check("an edit kept approved")

		must(t, db.DeleteComment(ctx, a.ID, time.Now()))
		check("deleting a comment with a reply (placeholder)")
		must(t, db.DeleteComment(ctx, reply.ID, time.Now()))
		check("deleting its reply (both removed)")

		bea := mustUser(t, db, "bea@example.com")
		create("/c", 0, model.StatusPending, bea.ID, store.HoldEmailUnverified)
		create("/d", 0, model.StatusPending, bea.ID, store.HoldEmailUnverified)
		create("/c", 0, model.StatusApproved, bea.ID, "")
		now := time.Now()
		must(t, db.CreateAccountToken(ctx, store.AccountToken{UserID: bea.ID, Purpose: store.TokenVerify, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
			tokenHash("verify"), linkMail("bea@example.com")))
		_, released, err := db.VerifyEmail(ctx, tokenHash("verify"), now)
		must(t, err)
		if len(released) != 2 {
			t.Errorf("released %v, want pages /c and /d", released)
		}
		check("confirming an email, which publishes the held comments")

		must(t, db.EraseAccount(ctx, bea.ID, store.EraseDelete))
		check("erasing an account with its comments")

		err = db.ImportBatch(ctx, site.ID, []store.ImportComment{
			{Comment: model.Comment{GuestName: "Imp", Text: "i", HTML: "<p>i</p>", Status: model.StatusApproved, CreatedAt: now}, Path: "/a", ParentIndex: -1, Key: store.ImportKey{Source: "t", ID: "1"}},
			{Comment: model.Comment{GuestName: "Imp", Text: "j", HTML: "<p>j</p>", Status: model.StatusPending, CreatedAt: now}, Path: "/e", ParentIndex: -1, Key: store.ImportKey{Source: "t", ID: "2"}},
		})
		must(t, err)
		check("importing")

		var pages int
		must(t, raw.QueryRow(rebind("SELECT COUNT(*) FROM pages WHERE site_id = ?"), site.ID).Scan(&pages))
		if pages < 5 {
			t.Errorf("%d pages checked, want the 5 made", pages)
		}
	})
}

// TestPageCountUnderConcurrentModeration approves and holds the same
// comments from many goroutines at once, with new comments arriving: a
// status change counted twice, or a lost update, shows as a count that
// differs from the approved comments.
func TestPageCountUnderConcurrentModeration(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "race.example")
		var ids []int64
		for range 4 {
			ids = append(ids, mustComment(t, db, site, "/race", 0, "x").ID)
		}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 10 {
					status := []model.Status{model.StatusApproved, model.StatusPending, model.StatusSpam}[(w+i)%3]
					if err := db.SetCommentStatus(ctx, ids[(w+i)%len(ids)], status); err != nil {
						t.Error(err)
					}
					c := &model.Comment{SiteID: site.ID, GuestName: "Ann", Text: "y", HTML: "<p>y</p>", Status: model.StatusApproved}
					if err := db.CreateComment(ctx, c, store.NewComment{Path: "/race"}); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		raw, rebind := rawDB(t, db)
		var kept, counted int
		must(t, raw.QueryRow(rebind(`SELECT comment_count + COALESCE((SELECT SUM(n) FROM page_count_shards s WHERE s.page_id = p.id), 0), (SELECT COUNT(*) FROM comments c WHERE c.page_id = p.id AND c.status = 'approved')
			FROM pages p WHERE p.site_id = ? AND p.path = '/race'`), site.ID).Scan(&kept, &counted))
		if kept != counted {
			t.Errorf("page keeps count %d, has %d approved comments", kept, counted)
		}
	})
}

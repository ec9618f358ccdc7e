package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// newUpload stores an upload of site by the account userID (0: a guest).
func newUpload(t *testing.T, db *testDB, siteID, userID int64, id string, size int) *store.Upload {
	t.Helper()
	u := &store.Upload{ID: id, SiteID: siteID, UserID: userID, ContentType: "image/png", Width: 1, Height: 1, Data: make([]byte, size)}
	must(t, db.CreateUpload(context.Background(), u))
	return u
}

// uploadIDs lists the ids of every stored upload.
func uploadIDs(t *testing.T, db *testDB) map[string]int64 {
	t.Helper()
	raw, rebind := rawDB(t, db)
	rows, err := raw.Query(rebind("SELECT id, COALESCE(comment_id, 0) FROM uploads"))
	must(t, err)
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var c int64
		must(t, rows.Scan(&id, &c))
		out[id] = c
	}
	return out
}

// fillUploads gives site an image uploaded by u and shown by comment c.
func fillUploads(t *testing.T, db *testDB, site *model.Site, c *model.Comment, u *model.User) {
	t.Helper()
	id := "fill" + site.Host
	id = (id + "aaaaaaaaaaaaaaaaaaaaaaaaaa")[:26]
	newUpload(t, db, site.ID, u.ID, id, 10)
	must(t, db.AttachUploads(context.Background(), store.UploadWriter{SiteID: site.ID, UserID: u.ID, CommentID: c.ID}, []string{id}))
}

// TestUploadsFollowTheirComment: a comment takes only the uploads its
// writer may show (its own account's, or a guest's for a guest, of its
// site, that no comment took); deleting it deletes them, even when it
// stays as a placeholder for its replies; unclaimed uploads expire.
func TestUploadsFollowTheirComment(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, other := mustSite(t, db, "up.example"), mustSite(t, db, "other.example")
		ada := mustUser(t, db, "ada@example.com")
		newUpload(t, db, site.ID, 0, "guestaaaaaaaaaaaaaaaaaaaaa", 5)
		newUpload(t, db, site.ID, ada.ID, "adaaaaaaaaaaaaaaaaaaaaaaaa", 5)
		newUpload(t, db, other.ID, 0, "otheraaaaaaaaaaaaaaaaaaaaa", 5)
		all := []string{"guestaaaaaaaaaaaaaaaaaaaaa", "adaaaaaaaaaaaaaaaaaaaaaaaa", "otheraaaaaaaaaaaaaaaaaaaaa"}
		usable, err := db.UsableUploads(ctx, store.UploadWriter{SiteID: site.ID}, all)
		must(t, err)
		if len(usable) != 1 || !usable["guestaaaaaaaaaaaaaaaaaaaaa"] {
			t.Errorf("a guest on up.example may show %v, want only the guest upload of that site", usable)
		}
		c := &model.Comment{SiteID: site.ID, GuestName: "G", Text: "x", HTML: "<p>x</p>", Status: model.StatusApproved}
		must(t, db.CreateComment(ctx, c, store.NewComment{Path: "/p", Uploads: all}))
		reply := mustComment(t, db, site, "/p", c.ID, "reply")
		if got := uploadIDs(t, db); got["guestaaaaaaaaaaaaaaaaaaaaa"] != c.ID || got["adaaaaaaaaaaaaaaaaaaaaaaaa"] != 0 || got["otheraaaaaaaaaaaaaaaaaaaaa"] != 0 {
			t.Errorf("after the comment: %v", got)
		}
		// Taken now: no other comment may show it.
		usable, err = db.UsableUploads(ctx, store.UploadWriter{SiteID: site.ID}, all)
		must(t, err)
		if len(usable) != 0 {
			t.Errorf("a second guest may show %v", usable)
		}
		must(t, db.DeleteComment(ctx, c.ID, time.Now()))
		if _, ok := uploadIDs(t, db)["guestaaaaaaaaaaaaaaaaaaaaa"]; ok {
			t.Error("the deleted comment's image is still stored (the comment stays as a placeholder for its reply)")
		}
		if kept, err := db.Comment(ctx, c.ID); err != nil || kept.Status != model.StatusDeleted {
			t.Errorf("the comment with a reply (%d) should stay as a placeholder: %v %v", reply.ID, kept, err)
		}
		// Ada's and the other site's were never taken: they expire.
		n, err := db.PurgeUnclaimedUploads(ctx, time.Now().Add(-store.UploadClaimWindow))
		must(t, err)
		if n != 0 {
			t.Errorf("purged %d fresh uploads", n)
		}
		n, err = db.PurgeUnclaimedUploads(ctx, time.Now().Add(time.Minute))
		must(t, err)
		if left := uploadIDs(t, db); n != 2 || len(left) != 0 {
			t.Errorf("purged %d, left %v", n, left)
		}
	})
}

// TestUploadStorageLimit: the upload storage of a plan holds the bytes of
// every image on the owner's sites; past it an upload is refused, and
// deleting frees room at once.
func TestUploadStorageLimit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		owner := mustUser(t, db, "owner@example.com")
		plan := store.Plan{Name: "small", MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: store.Unlimited, MaxUploadBytes: 100}
		must(t, db.CreatePlan(ctx, &plan))
		must(t, db.SetUserPlan(ctx, owner.ID, plan.ID))
		var sites []*model.Site
		for _, host := range []string{"one.example", "two.example"} {
			s := &model.Site{Host: host, OwnerID: owner.ID, Settings: model.DefaultSiteSettings()}
			must(t, db.CreateSite(ctx, s))
			sites = append(sites, s)
		}
		newUpload(t, db, sites[0].ID, 0, "firstaaaaaaaaaaaaaaaaaaaaa", 60)
		newUpload(t, db, sites[1].ID, 0, "secondaaaaaaaaaaaaaaaaaaaa", 40) // exactly the limit, over two sites
		err := db.CreateUpload(ctx, &store.Upload{ID: "thirdaaaaaaaaaaaaaaaaaaaaa", SiteID: sites[0].ID, ContentType: "image/png", Data: []byte{1}})
		var limit *store.PlanLimitError
		if !errors.As(err, &limit) || limit.Metric != store.MetricUploads || limit.Limit != 100 {
			t.Fatalf("one byte past the limit: %v", err)
		}
		u, err := db.UsageOf(ctx, owner.ID, store.Month(time.Now()))
		must(t, err)
		if u.UploadBytes != 100 || u.Used(store.MetricUploads) != 100 {
			t.Errorf("usage: %+v", u)
		}
		_, err = db.PurgeUnclaimedUploads(ctx, time.Now().Add(time.Minute))
		must(t, err)
		newUpload(t, db, sites[0].ID, 0, "thirdaaaaaaaaaaaaaaaaaaaaa", 100)
	})
}

// TestErasureTakesTheImagesInBothModes: erasing an account deletes the
// images of the comments it wrote as a guest with its confirmed address
// too, also when the comments are only anonymised.
func TestErasureTakesTheImagesInBothModes(t *testing.T) {
	for _, mode := range []store.EraseMode{store.EraseDelete, store.EraseAnonymize} {
		t.Run(string(mode), func(t *testing.T) {
			eachDB(t, func(t *testing.T, db *testDB) {
				ctx := context.Background()
				site := mustSite(t, db, "up.example")
				ada := mustUser(t, db, "ada@example.com")
				must(t, db.SetEmailVerified(ctx, ada.ID, time.Now()))
				newUpload(t, db, site.ID, 0, "asguestaaaaaaaaaaaaaaaaaaa", 5)
				c := &model.Comment{SiteID: site.ID, GuestName: "Ada", GuestEmail: "ada@example.com", Text: "x", HTML: "<p>x</p>", Status: model.StatusApproved}
				must(t, db.CreateComment(ctx, c, store.NewComment{Path: "/p", Uploads: []string{"asguestaaaaaaaaaaaaaaaaaaa"}}))
				newUpload(t, db, site.ID, 0, "someoneelseaaaaaaaaaaaaaaa", 5)
				must(t, db.EraseAccount(ctx, ada.ID, mode))
				if left := uploadIDs(t, db); len(left) != 1 || left["someoneelseaaaaaaaaaaaaaaa"] != 0 {
					t.Errorf("left after erasure: %v, want only someone else's", left)
				}
			})
		})
	}
}

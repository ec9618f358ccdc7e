package store_test

import (
	"context"
	"testing"
	"time"
)

// TestIDsAreNeverReused: after the newest comment, page or site is deleted,
// the next one gets a greater id, so an old permalink (#comment-ID) can never
// point at someone else's comment. SQLite needs AUTOINCREMENT for that;
// PostgreSQL's identity columns already never reuse.
func TestIDsAreNeverReused(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		mustComment(t, db, site, "/p", 0, "first")
		newest := mustComment(t, db, site, "/p", 0, "newest")
		if err := db.DeleteComment(ctx, newest.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if next := mustComment(t, db, site, "/p", 0, "next"); next.ID <= newest.ID {
			t.Errorf("comment id %d after deleting comment %d: a deleted id was reused", next.ID, newest.ID)
		}

		doomed := mustSite(t, db, "doomed.example")
		doomedPage := mustComment(t, db, doomed, "/doomed", 0, "on a doomed page").PageID
		if err := db.DeleteSite(ctx, doomed.ID); err != nil {
			t.Fatal(err)
		}
		if again := mustSite(t, db, "again.example"); again.ID <= doomed.ID {
			t.Errorf("site id %d after deleting site %d: a deleted id was reused", again.ID, doomed.ID)
		}
		if page := mustComment(t, db, site, "/new-page", 0, "x").PageID; page <= doomedPage {
			t.Errorf("page id %d after deleting page %d: a deleted id was reused", page, doomedPage)
		}
	})
}

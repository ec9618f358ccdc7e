package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestImportBatchWaysAgree imports one batch, every column filled or left
// empty, in each way ImportBatch has: on PostgreSQL with COPY, and (a key
// of the batch already stored) with INSERT … ON CONFLICT instead; on
// SQLite row by row. Every way stores the same rows, NULLs and defaults
// included, and takes ids that a comment written later never gets again.
func TestImportBatchWaysAgree(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		user := mustUser(t, db, "member@example.com")
		var got [][]string
		for _, conflict := range []bool{false, true} {
			site := mustSite(t, db, fmt.Sprintf("blog%v.example", conflict))
			batch := fullBatch(user.ID)
			if conflict {
				// The key of item 0 is stored first: the batch meets it.
				if err := db.ImportBatch(ctx, site.ID, fullBatch(user.ID)[:1]); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.ImportBatch(ctx, site.ID, batch); err != nil {
				t.Fatal(err)
			}
			if batch[0].Existed != conflict || batch[1].Existed || batch[1].ParentID != batch[0].ID {
				t.Errorf("conflict %v: item 0 existed %v, item 1 existed %v with parent %d (want %d)",
					conflict, batch[0].Existed, batch[1].Existed, batch[1].ParentID, batch[0].ID)
			}
			got = append(got, storedImport(t, db, site.ID))
			if c, err := db.Comment(ctx, batch[0].ID); err != nil || c.GuestEmail != "ann@example.com" || c.IP != "192.0.2.1" {
				t.Errorf("conflict %v: the sealed values do not open: %+v, %v", conflict, c, err)
			}
			later := mustComment(t, db, site, "/a/", 0, "written after the import")
			for _, c := range batch {
				if later.ID <= c.ID {
					t.Errorf("conflict %v: a comment written after the import got id %d, not above the imported %d", conflict, later.ID, c.ID)
				}
			}
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("the two ways stored different rows:\n%q\n%q", got[0], got[1])
		}
	})
}

// fullBatch is a root comment with every column set, a reply to it with
// every optional column empty, and a deleted comment.
func fullBatch(author int64) []store.ImportComment {
	at := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	edited, deleted := at.Add(time.Hour), at.Add(2*time.Hour)
	return []store.ImportComment{{
		Comment: model.Comment{AuthorID: author, GuestName: "Ann", GuestEmail: "ann@example.com", GuestWebsite: "https://ann.example",
			Text: "root", HTML: "<p>root</p>", Status: model.StatusApproved, CreatedAt: at, EditedAt: &edited,
			Upvotes: 3, Downvotes: 1, Sticky: true, IP: "192.0.2.1", UserAgent: "Agent/1", EditTokenHash: []byte{1, 2, 3}},
		ParentIndex: -1, Path: "/a/", Title: "A", Key: store.ImportKey{Source: "disqus", ID: "1"},
	}, {
		Comment:     model.Comment{Text: "reply", HTML: "<p>reply</p>", Status: model.StatusPending, CreatedAt: at.Add(time.Minute)},
		ParentIndex: 0, Path: "/elsewhere/", Key: store.ImportKey{Source: "disqus", ID: "2"},
	}, {
		Comment:     model.Comment{GuestName: "Bob", Status: model.StatusDeleted, CreatedAt: at.Add(2 * time.Minute), DeletedAt: &deleted},
		ParentIndex: -1, Path: "/b/", Key: store.ImportKey{Source: "disqus", ID: "3"},
	}}
}

// storedImport returns the site's comments as text, column by column,
// in the order of their keys, with ids replaced by positions (a parent comes
// before its replies) and sealed values by whether they are set.
func storedImport(t *testing.T, db *testDB, siteID int64) []string {
	t.Helper()
	raw, rebind := rawDB(t, db)
	rows, err := raw.Query(rebind(`SELECT c.id, c.parent_id, c.root_id, p.path, c.author_id, c.guest_name,
		c.guest_email_sealed IS NOT NULL, c.guest_email_index, c.guest_website, c.text, c.html, c.status, c.created_at,
		c.edited_at, c.deleted_at, c.score, c.upvotes, c.downvotes, c.sticky, c.ip_sealed IS NOT NULL, c.ua_sealed IS NOT NULL,
		c.edit_token_hash, c.import_source, c.import_id, c.hold_reason, c.spam_verdict, c.guest_verified, c.notify_replies,
		(SELECT COUNT(*) FROM votes v WHERE v.comment_id = c.id), p.comment_count
		FROM comments c JOIN pages p ON p.id = c.page_id WHERE c.site_id = ? AND c.import_id IS NOT NULL ORDER BY c.import_id`), siteID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	pos := map[string]string{}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		pos[vals[0].String] = fmt.Sprint("#", len(pos))
		row := ""
		for i, v := range vals {
			s := fmt.Sprintf("%q", v.String)
			switch {
			case !v.Valid:
				s = "NULL"
			case i <= 2:
				s = pos[v.String]
			}
			row += cols[i] + "=" + s + " "
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportBatchCountsWhatWasWrittenMeanwhile (PostgreSQL): batches of
// one import are written at once, in transactions of their own, and may
// write to the same page. A batch takes the pages it writes to before it
// counts their comments, so a batch that waited for another's page counts
// the comments the other wrote: here the other is a transaction that holds
// the page and adds an approved comment while the batch waits.
func TestImportBatchCountsWhatWasWrittenMeanwhile(t *testing.T) {
	count, waited := importBeside(t,
		func(other *sql.Tx, pageID int64) error {
			_, err := other.Exec("SELECT id FROM pages WHERE id = $1 FOR NO KEY UPDATE", pageID)
			return err
		},
		func(other *sql.Tx, pageID int64) error { return insertApproved(other, pageID, "beside") })
	if !waited {
		t.Error("the batch never waited for the page")
	}
	if count != 3 {
		t.Errorf("the page counts %d approved comments, holds 3", count)
	}
}

// TestImportRecountKeepsNewComments (PostgreSQL): a new comment counts in
// a shard of its page's count. One written while an import recounts the
// page, on a shard that already exists, still counts once the import and
// it have committed, whichever waits for which.
func TestImportRecountKeepsNewComments(t *testing.T) {
	count, _ := importBeside(t,
		func(other *sql.Tx, pageID int64) error {
			// As the one-statement write does it: the comment, and one
			// more in the page's shard (the first comment made it).
			if err := insertApproved(other, pageID, "live"); err != nil {
				return err
			}
			res, err := other.Exec("UPDATE page_count_shards SET n = n + 1 WHERE page_id = $1", pageID)
			if n, _ := res.RowsAffected(); err == nil && n == 0 {
				err = errors.New("the first comment left no shard")
			}
			return err
		},
		func(*sql.Tx, int64) error { return nil })
	if count != 3 {
		t.Errorf("the page counts %d approved comments, holds 3", count)
	}
}

// importBeside imports an approved comment onto a page that holds one
// (written as a new comment is), while another transaction, begun on a
// connection of its own, does first to the page. Once the batch has
// finished, or waits for a lock, that transaction does then and commits.
// It returns the page's count when both are done, and whether the batch
// waited.
func importBeside(t *testing.T, first, then func(other *sql.Tx, pageID int64) error) (count int, waited bool) {
	t.Helper()
	db := openPostgres(t)
	ctx := context.Background()
	site := mustSite(t, db, "blog.example")
	pageID := mustComment(t, db, site, "/a/", 0, "already there").PageID
	raw, err := sql.Open("pgx", db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	other, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if err := first(other, pageID); err != nil {
		t.Fatal(err)
	}
	batch := []store.ImportComment{{
		Comment:     model.Comment{Text: "imported", HTML: "<p>imported</p>", Status: model.StatusApproved, CreatedAt: time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)},
		ParentIndex: -1, Path: "/a/", Key: store.ImportKey{Source: "disqus", ID: "1"},
	}}
	done := make(chan error, 1)
	go func() { done <- db.ImportBatch(ctx, site.ID, batch) }()
	var batchErr error
	finished := false
	for range 300 {
		select {
		case batchErr = <-done:
			finished = true
		default:
		}
		var n int
		if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if waited = n > 0; finished || waited {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := then(other, pageID); err != nil {
		t.Fatal(err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if !finished {
		batchErr = <-done
	}
	if batchErr != nil {
		t.Fatal(batchErr)
	}
	if _, count, err = db.PageByPath(ctx, site.ID, "/a/"); err != nil {
		t.Fatal(err)
	}
	return count, waited
}

// insertApproved writes an approved comment onto a page in tx.
func insertApproved(tx *sql.Tx, pageID int64, text string) error {
	_, err := tx.Exec(`INSERT INTO comments (site_id, page_id, text, html, status, created_at)
		SELECT site_id, id, $2, '<p>' || $2 || '</p>', 'approved', 1 FROM pages WHERE id = $1`, pageID, text)
	return err
}

// TestRetryable: a part of an import that PostgreSQL aborted for a
// deadlock or a serialization failure is written again, as the importer
// gets the error (wrapped); any other error, a unique violation included,
// is not.
func TestRetryable(t *testing.T) {
	for code, want := range map[string]bool{"40P01": true, "40001": true, "23505": false, "23503": false, "57014": false} {
		err := fmt.Errorf("store: import batch: %w", &pgconn.PgError{Code: code})
		if got := store.Retryable(err); got != want {
			t.Errorf("Retryable(%s) = %v, want %v", code, got, want)
		}
	}
	if store.Retryable(errors.New("deadlock detected")) || store.Retryable(context.Canceled) {
		t.Error("an error that is not PostgreSQL's is retryable")
	}
}

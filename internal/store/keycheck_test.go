package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// reopen opens a second store on the database under test with another key.
func reopen(t *testing.T, db *testDB, secret string) *store.Store {
	t.Helper()
	sealer, err := privacy.NewSealer([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return openWithSealer(t, db, sealer)
}

// openWithSealer opens another store on the database under test with
// sealer, as another process would.
func openWithSealer(t *testing.T, db *testDB, sealer *privacy.Sealer) *store.Store {
	t.Helper()
	var st *store.Store
	var err error
	if db.dialect == "sqlite" {
		st, err = store.OpenSQLite(context.Background(), db.file, sealer)
	} else {
		st, err = store.OpenPostgres(context.Background(), db.url, sealer)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestCheckKeyRefusesAKeyThatDoesNotOpenTheData: the first check records the
// key; another key is refused with both key ids; a database that predates the
// check is verified by opening one of its sealed values.
func TestCheckKeyRefusesAKeyThatDoesNotOpenTheData(t *testing.T) {
	const otherKey = "another-secret-key-that-is-long-enough-0123"
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		if keyed, err := db.HasKeyedData(ctx); err != nil || keyed {
			t.Fatalf("fresh database: HasKeyedData = %v, %v", keyed, err)
		}
		if err := db.CheckKey(ctx); err != nil {
			t.Fatalf("first check: %v", err)
		}
		if keyed, err := db.HasKeyedData(ctx); err != nil || !keyed {
			t.Errorf("after the first check: HasKeyedData = %v, %v; want true", keyed, err)
		}
		if err := db.CheckKey(ctx); err != nil {
			t.Errorf("same key again: %v", err)
		}
		other := reopen(t, db, otherKey)
		var mismatch *store.KeyMismatchError
		if err := other.CheckKey(ctx); !errors.As(err, &mismatch) || mismatch.StoredKeyID == "" || mismatch.StoredKeyID == mismatch.KeyID {
			t.Errorf("other key: %v, want a KeyMismatchError naming both key ids", err)
		}

		// A database from before the check: sealed data and no verifier.
		raw, _ := rawDB(t, db)
		if _, err := raw.Exec("DELETE FROM secret_key_check"); err != nil {
			t.Fatal(err)
		}
		site := mustSite(t, db, "example.com")
		c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: "ann@example.org", Text: "x", HTML: "<p>x</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		if keyed, err := db.HasKeyedData(ctx); err != nil || !keyed {
			t.Errorf("sealed email without verifier: HasKeyedData = %v, %v; want true", keyed, err)
		}
		if err := other.CheckKey(ctx); !errors.As(err, &mismatch) || mismatch.StoredKeyID != "" {
			t.Errorf("other key on an old database: %v, want a KeyMismatchError without a stored id", err)
		}
		var rows int
		raw.QueryRow("SELECT COUNT(*) FROM secret_key_check").Scan(&rows)
		if rows != 0 {
			t.Fatal("a refused key recorded its verifier")
		}
		if err := db.CheckKey(ctx); err != nil {
			t.Errorf("right key on an old database: %v", err)
		}
		if err := other.CheckKey(ctx); !errors.As(err, &mismatch) || mismatch.StoredKeyID == "" {
			t.Errorf("other key after the verifier was recorded: %v", err)
		}
	})
}

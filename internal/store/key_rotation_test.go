package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

const (
	rotationOldKey = "0123456789abcdef0123456789abcdef-test-key" // testSealer's
	rotationNewKey = "a-brand-new-sealing-key-for-the-rotation-test"
)

// openWithRing opens another store on the database under test with the
// keyring of text, as another process would.
func openWithRing(t *testing.T, db *testDB, text string) *store.Store {
	t.Helper()
	ring, err := privacy.ParseKeyring(text)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := privacy.NewKeyringSealer(ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	return openWithSealer(t, db, sealer)
}

// TestKeyRotationInterruptedThenResumed: a rotation cut off after its first
// batch leaves values under both keys, all readable with the two-key
// keyring; a second run (another process) finishes it; then the new key
// alone opens everything, email lookups still match, and the old key alone
// is refused by the start-up check.
func TestKeyRotationInterruptedThenResumed(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		if err := db.CheckKey(ctx); err != nil {
			t.Fatal(err)
		}
		site := mustSite(t, db, "rotate.example")
		const n = store.ResealBatchSize*2 + 17
		for i := range n {
			c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: fmt.Sprintf("ann%d@example.com", i),
				IP: "203.0.113.7", UserAgent: "Firefox", Text: "hi", HTML: "<p>hi</p>", Status: model.StatusApproved}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateUser(ctx, &model.User{Name: "Bob", Email: "bob@example.com", Role: model.RoleCommenter}); err != nil {
			t.Fatal(err)
		}

		both := rotationOldKey + "\n" + rotationNewKey + "\n"
		first := openWithRing(t, db, both)
		cut, cancel := context.WithCancel(ctx)
		if _, err := first.ResealPass(cut, func(table, _ string, _ int) {
			if table == "comments" {
				cancel() // as kill -9 would, after one batch of comments
			}
		}); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted pass: %v, want context.Canceled", err)
		}
		if got := commentEmails(t, first, n); got != n {
			t.Fatalf("midway, the two-key keyring opens %d of %d comments", got, n)
		}
		if got := commentEmails(t, openWithRing(t, db, rotationOldKey), n); got == n {
			t.Fatalf("midway, the old key alone still opens all %d comments: the first batch re-sealed nothing", n)
		}

		resumed := openWithRing(t, db, both)
		if done, err := resumed.ResealPass(ctx, nil); err != nil || done == 0 {
			t.Fatalf("resumed pass: %d values, %v", done, err)
		}
		if err := resumed.FinishReseal(ctx); err != nil {
			t.Fatal(err)
		}

		ring, _ := privacy.ParseKeyring(both)
		retired := openWithRing(t, db, ring.Retired().Text())
		if err := retired.CheckKey(ctx); err != nil {
			t.Fatalf("new key after the rotation: %v", err)
		}
		if got := commentEmails(t, retired, n); got != n {
			t.Errorf("the new key alone opens %d of %d comments", got, n)
		}
		if u, err := retired.UserByEmail(ctx, "bob@example.com"); err != nil || u.Email != "bob@example.com" {
			t.Errorf("email lookup after the rotation: %+v, %v (the blind index must not change)", u, err)
		}
		var mismatch *store.KeyMismatchError
		if err := openWithRing(t, db, rotationOldKey).CheckKey(ctx); !errors.As(err, &mismatch) {
			t.Errorf("old key after the rotation: %v, want a KeyMismatchError", err)
		}
	})
}

// commentEmails counts the comments 1..n whose email opens right.
func commentEmails(t *testing.T, st *store.Store, n int) int {
	t.Helper()
	opened := 0
	for id := int64(1); id <= int64(n); id++ {
		c, err := st.Comment(context.Background(), id)
		if err == nil && strings.HasSuffix(c.GuestEmail, "@example.com") && c.IP == "203.0.113.7" {
			opened++
		}
	}
	return opened
}

// TestSealedColumnsCoverTheSchema fails when a migration adds a sealed
// column (named *_sealed) that a key rotation would not re-seal.
func TestSealedColumnsCoverTheSchema(t *testing.T) {
	db := openSQLite(t)
	raw, _ := rawDB(t, db)
	rows, err := raw.Query(`SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name LIKE '%\_sealed' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(store.SealedColumns(), table+"."+column) {
			t.Errorf("%s.%s is sealed but missing from sealedColumns: a key rotation would leave it under the old key", table, column)
		}
	}
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/model"
)

// TestMailCommitsWithItsChange: a mail queued inside a transaction exists
// exactly when that transaction commits, so a change that fails sends
// nothing. On both databases.
func TestMailCommitsWithItsChange(t *testing.T) {
	eachInternalDB(t, testMailCommitsWithItsChange)
}

func testMailCommitsWithItsChange(t *testing.T, s *Store) {
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := model.Mail{Kind: "test", To: "ann@example.org", Subject: "s", Text: "t", HTML: "<p>h</p>"}
	failed := errors.New("the change failed")
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.enqueueMail(ctx, tx, m); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatal(err)
	}
	if due, err := s.ClaimDueMail(ctx, s.now(), 10, 0); err != nil || len(due) != 0 {
		t.Fatalf("after a rollback %d mails are due (%v), want none", len(due), err)
	}
	if err := s.inTx(ctx, func(tx *sql.Tx) error { _, err := s.enqueueMail(ctx, tx, m); return err }); err != nil {
		t.Fatal(err)
	}
	if due, err := s.ClaimDueMail(ctx, s.now(), 10, 0); err != nil || len(due) != 1 {
		t.Fatalf("after a commit %d mails are due (%v), want 1", len(due), err)
	}
}

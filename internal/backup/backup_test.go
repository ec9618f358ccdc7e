package backup_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-backup"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// fake writes an (empty) backup file taken at when.
func fake(t *testing.T, dir string, when time.Time) string {
	t.Helper()
	path := filepath.Join(dir, "parley-"+when.UTC().Format("20060102T150405.000Z")+backup.SQLiteSuffix)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScheduleBacksUpWhenDueAndPrunes: a server whose last backup is older
// than the interval takes one at once, and deletes those past the
// retention, not the others nor files that are not backups.
func TestScheduleBacksUpWhenDueAndPrunes(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	expired := fake(t, dir, now.Add(-15*24*time.Hour))
	kept := fake(t, dir, now.Add(-25*time.Hour))
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, nil, 0o600)
	crashed := filepath.Join(dir, ".partial-123")
	os.WriteFile(crashed, []byte("half a backup"), 0o600)
	os.Chtimes(crashed, now.Add(-25*time.Hour), now.Add(-25*time.Hour))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		backup.Schedule{Store: openStore(t), Dir: dir, Interval: 24 * time.Hour, Retention: 14 * 24 * time.Hour,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		all, _ := backup.List(dir)
		if len(all) > 0 && all[len(all)-1].Taken.Equal(now) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup taken when one was due: %v", all)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	for path, want := range map[string]bool{expired: false, kept: true, other: true, crashed: false} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
	all, _ := backup.List(dir)
	if info, err := os.Stat(all[len(all)-1].Path); err != nil || info.Size() == 0 || info.Mode().Perm() != 0o600 {
		t.Errorf("the new backup: %v %v, want a non-empty file of mode 0600", info, err)
	}
}

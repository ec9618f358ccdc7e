package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// TestUnavailableTellsOutagesFromMistakes: a database locked beyond the busy
// timeout, a refused connection and a passed deadline are "unavailable"; a
// missing row, a broken constraint, bad SQL and a caller's cancellation are
// not.
func TestUnavailableTellsOutagesFromMistakes(t *testing.T) {
	ctx := context.Background()
	s := openInternalSQLite(t, Limits{Wait: 100 * time.Millisecond})
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "example.com", Settings: model.DefaultSiteSettings()}
	if err := s.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}

	// Another process holds the write lock longer than the busy timeout.
	var file string
	s.write.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file)
	other, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: file}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked := s.UpdateSite(ctx, site)
	holder.ExecContext(ctx, "ROLLBACK")
	holder.Close()

	_, refused := OpenPostgres(ctx, "host="+t.TempDir()+" port=5432 user=parley connect_timeout=2", nil)
	expired, cancel := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel()
	<-expired.Done()
	_, deadline := s.SiteByHost(expired, "example.com")
	cancelled, cancelNow := context.WithCancel(ctx)
	cancelNow()
	_, canceled := s.SiteByHost(cancelled, "example.com")
	_, missing := s.SiteByHost(ctx, "missing.example")
	duplicate := s.CreateSite(ctx, &model.Site{Host: "example.com"})
	_, badSQL := s.read.ExecContext(ctx, "SELEKT 1")

	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"locked beyond the busy timeout", locked, true},
		{"connection refused", refused, true},
		{"deadline passed", deadline, true},
		{"cancelled by the caller", canceled, false},
		{"not found", missing, false},
		{"already exists", duplicate, false},
		{"bad SQL", badSQL, false},
		{"wrapped not found", fmt.Errorf("x: %w", ErrNotFound), false},
	} {
		if c.err == nil {
			t.Errorf("%s: no error; the setup is wrong", c.name)
			continue
		}
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
	if Unavailable(nil) || !Unavailable(fmt.Errorf("store: x: %w", context.DeadlineExceeded)) {
		t.Error("nil or a wrapped deadline misclassified")
	}
}

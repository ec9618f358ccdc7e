package store

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
)

// TestPostgresConnectGivesUpAfterTheWait: a server that accepts connections
// but never answers (a frozen or partitioned PostgreSQL) makes Open fail
// after Limits.Wait with an error Unavailable recognises, instead of hanging.
func TestPostgresConnectGivesUpAfterTheWait(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("unix", filepath.Join(dir, ".s.PGSQL.5432"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn // accepted and never answered
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	done := make(chan error, 1)
	go func() {
		_, err := openPostgres(context.Background(), "host="+dir+" port=5432 user=parley", nil, Limits{Wait: 300 * time.Millisecond})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !Unavailable(err) {
			t.Errorf("open on a server that never answers: %v, want an unavailable error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("open hangs on a server that never answers: no connect timeout")
	}
}

// TestPostgresStatementTimeout: Limits.Statement becomes the session's
// statement_timeout, unless the URL sets its own.
func TestPostgresStatementTimeout(t *testing.T) {
	url := pgtest.URL(t)
	for _, c := range []struct{ url, want string }{
		{url, "3s"},
		{url + " options='-c statement_timeout=7000'", "7s"},
		{url + " statement_timeout=8000", "8s"},
	} {
		s, err := openPostgres(context.Background(), c.url, nil, Limits{Statement: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.read.QueryRowContext(context.Background(), "SHOW statement_timeout").Scan(&got)
		s.Close()
		if err != nil || got != c.want {
			t.Errorf("%s: statement_timeout = %q (%v), want %s", c.url, got, err, c.want)
		}
	}
}

// TestExportOutlivesStatementTimeout: an export streams a whole site for
// as long as its reader takes (a download on the dashboard, to a slow
// browser), so serve's statement_timeout must not cut it off.
func TestExportOutlivesStatementTimeout(t *testing.T) {
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("export-timeout-secret-export-timeout-sec"))
	if err != nil {
		t.Fatal(err)
	}
	// The site is filled without the limit; the export runs with it.
	url := pgtest.URL(t)
	full, err := openPostgres(ctx, url, sealer, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if _, err := full.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "slow.example", Settings: model.DefaultSiteSettings()}
	if err := full.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	// More than the socket buffers hold, so that the server waits for the reader.
	text := strings.Repeat("a long comment ", 1000)
	const n = 1000
	if _, err := full.write.ExecContext(ctx, `INSERT INTO pages (site_id, path, created_at) VALUES ($1, '/p', 0)`, site.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := full.write.ExecContext(ctx, `INSERT INTO comments (site_id, page_id, guest_name, text, html, status, created_at)
		SELECT $1, (SELECT id FROM pages WHERE site_id = $1), 'Reader', $2, $2, 'approved', g FROM generate_series(1, $3) g`, site.ID, text, n); err != nil {
		t.Fatal(err)
	}
	s, err := openPostgres(ctx, url, sealer, Limits{Statement: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := 0
	err = s.ExportComments(ctx, site.ID, false, func(*ExportedComment) error {
		read++
		time.Sleep(time.Millisecond) // a slow download: about a second in all
		return nil
	})
	if err != nil || read != n {
		t.Errorf("export read %d of %d comments: %v", read, n, err)
	}
}

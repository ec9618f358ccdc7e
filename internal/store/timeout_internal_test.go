package store

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/pgtest"
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

package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that configure the package.
const (
	envURL     = "PARLEY_TEST_DATABASE_URL"
	envRequire = "PARLEY_TEST_REQUIRE_PG"
)

// adminTimeout bounds each CREATE or DROP DATABASE, so a wedged server fails
// a test instead of hanging it until the go test timeout.
const adminTimeout = 30 * time.Second

// errNotInstalled means PostgreSQL is simply absent: the one case in which
// [URL] skips instead of failing.
var errNotInstalled = errors.New("pgtest: no PostgreSQL server binaries found (initdb not in PATH or /usr/lib/postgresql/*/bin)")

// Main wraps testing.M.Run: it runs the tests, then stops the cluster this
// process started (if any) and removes its directory. Use it in TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// A failure to stop the cluster is reported on stderr and turns a passing
// exit code into a failing one. Should the process die before Main returns
// (a panicking test, a -timeout, os.Exit), a watchdog process stops and
// removes the cluster anyway.
func Main(m *testing.M) int {
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// PostgresURL is [URL] in the postgres:// form that PARLEY_DATABASE_URL
// takes, for tests that run parley commands: the local cluster's
// keyword/value string (host=/dir port=… user=… dbname=…) becomes
// postgres://user@/dbname?host=/dir&port=….
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := URL(t)
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return u
	}
	kv := map[string]string{}
	for _, f := range strings.Fields(u) {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = strings.Trim(v, "'")
	}
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%s", kv["user"], kv["dbname"], kv["host"], kv["port"])
}

// URL returns a connection string for a brand-new, empty database that is
// dropped (WITH (FORCE), so open connections do not block it) at t.Cleanup.
// The string is in keyword/value form for the local cluster and in the form
// of PARLEY_TEST_DATABASE_URL otherwise; both are accepted by
// sql.Open("pgx", url) from pgx/v5/stdlib and by pgx.Connect.
//
// If PARLEY_TEST_DATABASE_URL is unset and no PostgreSQL binaries are
// installed, URL calls t.Skip saying how to enable the test, or t.Fatal when
// PARLEY_TEST_REQUIRE_PG=1. Any other problem (the configured server is
// unreachable, the local cluster fails to start) fails the test with the
// reason, since skipping would hide a broken setup.
func URL(t testing.TB) string {
	t.Helper()
	admin, base, err := server()
	if errors.Is(err, errNotInstalled) && os.Getenv(envRequire) != "1" {
		t.Skipf("%v; install the PostgreSQL 15 server binaries or set %s to a server URL to run this test", err, envURL)
	}
	if err != nil {
		t.Fatal(err)
	}
	name := databaseName()
	if err := adminExec(admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database (server %s): %v", describe(admin), err)
	}
	t.Cleanup(func() {
		if err := adminExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	dbURL, err := withDatabase(base, name)
	if err != nil {
		t.Fatal(err)
	}
	return dbURL
}

// server returns connection strings for the server on which test databases
// are created: admin, to run CREATE and DROP DATABASE on, and base, to which
// [withDatabase] adds a test database's name.
func server() (admin, base string, err error) {
	if u := os.Getenv(envURL); u != "" {
		return u, u, nil
	}
	c, err := sharedCluster()
	if err != nil {
		return "", "", err
	}
	return c.connString() + " dbname=postgres", c.connString(), nil
}

// describe says where a server came from, for error messages, without
// printing a URL that may hold a password.
func describe(admin string) string {
	if os.Getenv(envURL) == admin {
		return "from " + envURL
	}
	return "started by pgtest"
}

// adminExec runs one statement on its own connection. A connection per call
// costs a few milliseconds and keeps parallel tests independent.
func adminExec(connString, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// databaseName returns a random name that needs no quoting in SQL (and so
// is not case-folded by it either).
func databaseName() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails: it crashes the program instead
	return "parley_test_" + hex.EncodeToString(b)
}

// withDatabase returns connString pointing at database name instead, in the
// same form (URL or keyword/value) as connString.
func withDatabase(connString, name string) (string, error) {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		u, err := url.Parse(connString)
		if err != nil {
			return "", fmt.Errorf("pgtest: parse %s: %w", envURL, err)
		}
		u.Path, u.RawPath = "/"+name, ""
		q := u.Query()
		if q.Has("dbname") {
			q.Del("dbname")
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	// In keyword/value form a later keyword overrides an earlier one.
	return connString + " dbname=" + quoteValue(name), nil
}

// quoteValue quotes a keyword/value connection string value.
func quoteValue(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	return "'" + strings.ReplaceAll(v, `'`, `\'`) + "'"
}

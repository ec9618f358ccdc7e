package bench

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for seeding

	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/store"
)

// createWriters is how many clients post at once in BenchmarkCommentCreate.
const createWriters = 8

// bigPage is the size of the large page of BenchmarkCommentCreate: a write
// must cost the same on it as on a fresh page.
const bigPage = 15_000

// BenchmarkCommentCreate posts comments over HTTP to the real server from
// createWriters clients at once, all on one page: a fresh one, one that
// already holds bigPage comments (budget: ≥ 2,000 comments/s on SQLite on 2
// cores, ≥ 1,000 on PostgreSQL, the same on both pages), and last a fresh
// one after the site got an owner, whose monthly usage row every comment
// then moves too (the row concurrent comments of one owner share). PostgreSQL runs
// durable (fsync and synchronous commit on), as SQLite does
// (synchronous=FULL): a comment is acknowledged once it is on disk.
// comments/s is the throughput; cpu-ns/op is this process's CPU time per
// comment, the HTTP clients' included; on PostgreSQL, db-cpu-ns/op is the
// database server's processes' CPU time per comment.
// docs/architecture.md records the numbers.
func BenchmarkCommentCreate(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			base, seed, dbCPU, own := startCreateServer(b, db)
			for _, page := range []struct {
				name  string
				seeds int
				owned bool
			}{{"fresh", 0, false}, {"page15k", bigPage, false}, {"owned", 0, true}} {
				if page.owned {
					own()
				}
				b.Run(page.name, func(b *testing.B) {
					path := fmt.Sprintf("/create-%s-%d-%d", page.name, b.N, time.Now().UnixNano()) // a page of its own for every run, -count included
					postComments(b, base, path, 1)
					seed(path, page.seeds)
					benchmarkCreate(b, base, path, dbCPU)
				})
			}
		})
	}
}

// startCreateServer starts the server on db and returns its URL, a
// function that adds n comments to a page straight into the database, one
// that reads the database server's CPU time (nil on SQLite, which runs in
// the server's process), and one that gives the site an owner.
func startCreateServer(b *testing.B, db string) (string, func(path string, n int), func() time.Duration, func()) {
	dir := b.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	driver, dsn := "sqlite", (&url.URL{Scheme: "file", Path: filepath.Join(dir, store.SQLiteFile)}).String()+"?_pragma=busy_timeout(10000)"
	var dbCPU func() time.Duration
	if db == "postgres" {
		cl := pgtest.DedicatedDurable(b)
		driver, dsn = "pgx", cl.URL()
		vars["PARLEY_DATABASE_URL"] = dsnURL(dsn)
		dbCPU = func() time.Duration {
			t, err := cl.CPUTime()
			if err != nil {
				b.Fatal(err)
			}
			return t
		}
	}
	base := startParleyWith(b, vars)
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	series := "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)"
	if db == "postgres" {
		series = "WITH s(i) AS (SELECT generate_series(1, $1::int))"
	}
	seed := func(path string, n int) {
		if n == 0 {
			return
		}
		// A copy of the page's first comment, n times; the page's count
		// is refreshed as the server keeps it.
		_, err := conn.Exec(series+` INSERT INTO comments (site_id, page_id, guest_name, text, html, status, created_at)
			SELECT c.site_id, c.page_id, c.guest_name, c.text || s.i, c.html, c.status, c.created_at + s.i
			FROM comments c JOIN pages p ON p.id = c.page_id, s WHERE p.path = $2`, n, path)
		if err == nil {
			_, err = conn.Exec(`UPDATE pages SET comment_count = (SELECT COUNT(*) FROM comments WHERE page_id = pages.id AND status = 'approved')
				WHERE path = $1`, path)
		}
		if err == nil {
			_, err = conn.Exec(`DELETE FROM page_count_shards WHERE page_id IN (SELECT id FROM pages WHERE path = $1)`, path)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	own := func() {
		var owner int64
		err := conn.QueryRow(`INSERT INTO users (name, created_at) VALUES ('Owner', 0) RETURNING id`).Scan(&owner)
		if err == nil {
			_, err = conn.Exec(`UPDATE sites SET owner_id = $1 WHERE host = 'localhost'`, owner)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return base, seed, dbCPU, own
}

// dsnURL turns pgtest's keyword/value connection string into the
// postgres:// form PARLEY_DATABASE_URL takes.
func dsnURL(kv string) string {
	u := url.URL{Scheme: "postgres", Path: "/"}
	q := url.Values{}
	for _, f := range strings.Fields(kv) {
		k, v, _ := strings.Cut(f, "=")
		v = strings.Trim(v, "'")
		switch k {
		case "user":
			u.User = url.User(v)
		case "dbname":
			u.Path = "/" + v
		default:
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// benchmarkCreate posts b.N comments to path from createWriters clients;
// dbCPU, when set, reads the database server's CPU time.
func benchmarkCreate(b *testing.B, base, path string, dbCPU func() time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: createWriters}}
	var n atomic.Int64
	b.SetParallelism((createWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	var db0 time.Duration
	if dbCPU != nil {
		db0 = dbCPU()
	}
	start, cpu := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"site":"localhost","path":%q,"text":"Comment %d with *some* markdown.","author":{"name":"Writer"}}`, path, n.Add(1))
			req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
			req.Header.Set("Origin", base)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "comments/s")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	if dbCPU != nil {
		b.ReportMetric(float64(dbCPU()-db0)/float64(b.N), "db-cpu-ns/op")
	}
}

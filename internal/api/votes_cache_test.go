package api_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"testing"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/api"
)

// TestVotesAreHeldWithTheThread: on a page with votes, a reader who never
// voted costs no query for their votes and gets the shared answer; a voter
// gets their own votes, from memory too, and each new vote, change or
// withdrawal shows at once in their next read.
func TestVotesAreHeldWithTheThread(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			set := metrics.NewSet()
			e := newEnv(t, d, options{metrics: set})
			first, _ := e.post("/post", 0, "first")
			second, _ := e.post("/post", 0, "second")
			vote := func(id int64, value int) {
				t.Helper()
				r := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", id), body: map[string]any{"value": value},
					headers: map[string]string{"User-Agent": "voter"}})
				if r.status != 200 {
					t.Fatalf("vote: %d %s", r.status, r.raw)
				}
			}
			read := func(agent string) map[string]any {
				t.Helper()
				r := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"User-Agent": agent}})
				if r.status != 200 {
					t.Fatalf("thread: %d %s", r.status, r.raw)
				}
				return r.get("myVotes").(map[string]any)
			}
			lookups := func() float64 { return metric(t, set, "parley_vote_lookups_total") }
			want := func(agent string, votes map[string]any) {
				t.Helper()
				if got := read(agent); !maps.Equal(got, votes) {
					t.Errorf("%s's votes %v, want %v", agent, got, votes)
				}
			}
			key := func(id int64) string { return fmt.Sprint(id) }

			vote(first, 1)
			before := lookups()
			want("reader", map[string]any{})
			want("reader", map[string]any{})
			want("voter", map[string]any{key(first): 1.0})
			vote(second, -1)
			want("voter", map[string]any{key(first): 1.0, key(second): -1.0})
			vote(first, 0)
			want("voter", map[string]any{key(second): -1.0})
			want("reader", map[string]any{})
			if n := lookups() - before; n != 0 {
				t.Errorf("%v queries for a reader's votes, want none: the page's votes are held with its thread", n)
			}
		})
	}
}

// TestVotesPastTheBoundAreReadPerReader: a page with more than
// MaxCachedPageVotes votes is cached without them; each reader's votes are
// then read from the database, and still right.
func TestVotesPastTheBoundAreReadPerReader(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			set := metrics.NewSet()
			e := newEnv(t, d, options{metrics: set})
			id, _ := e.post("/busy", 0, "much voted")
			r := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", id), body: map[string]any{"value": 1},
				headers: map[string]string{"User-Agent": "voter"}})
			if r.status != 200 {
				t.Fatalf("vote: %d %s", r.status, r.raw)
			}
			series, voter := "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1)", "CAST(printf('%d', i) AS BLOB)"
			if d == "postgres" {
				series, voter = "WITH s(i) AS (SELECT generate_series(1, $1::int))", "int4send(i)"
			}
			if _, err := e.raw().Exec(series+` INSERT INTO votes (comment_id, page_id, voter, value, created_at)
				SELECT c.id, c.page_id, `+voter+`, 1, 0 FROM comments c, s WHERE c.id = $2`, api.MaxCachedPageVotes, id); err != nil {
				t.Fatal(err)
			}
			e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", id), body: map[string]any{"value": -1},
				headers: map[string]string{"User-Agent": "voter"}}) // drops the cached thread
			before := metric(t, set, "parley_vote_lookups_total")
			th := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/busy", headers: map[string]string{"User-Agent": "voter"}})
			if got := th.get("myVotes").(map[string]any); !maps.Equal(got, map[string]any{fmt.Sprint(id): -1.0}) {
				t.Errorf("voter's votes %v", got)
			}
			e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/busy", headers: map[string]string{"User-Agent": "reader"}})
			if n := metric(t, set, "parley_vote_lookups_total") - before; n != 2 {
				t.Errorf("%v queries for 2 readers' votes past the bound, want 2", n)
			}
		})
	}
}

// TestVoterAnswerGzipped: a voter's answer on a page with votes, made from
// the cached gzip stream plus their own part, decodes (its CRC and length
// checked) to exactly their plain answer, and its ETag differs from the
// shared answer's and from another voter's.
func TestVoterAnswerGzipped(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	var ids []int64
	for i := range 30 {
		id, _ := e.post("/post", 0, fmt.Sprintf("a comment long enough to be worth compressing, number %d", i))
		ids = append(ids, id)
	}
	for i, agent := range []string{"voter", "other"} {
		r := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", ids[i]), body: map[string]any{"value": 1},
			headers: map[string]string{"User-Agent": agent}})
		if r.status != 200 {
			t.Fatalf("vote: %d %s", r.status, r.raw)
		}
	}
	get := func(agent, encoding string) *resp {
		return e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post",
			headers: map[string]string{"User-Agent": agent, "Accept-Encoding": encoding}})
	}
	plain, gz := get("voter", ""), get("voter", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("voter's answer not gzipped: %v", gz.header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.raw))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.raw) || plain.num(fmt.Sprintf("myVotes.%d", ids[0])) != 1 {
		t.Errorf("gzipped answer differs from the plain one:\n%s\n%s", unzipped, plain.raw)
	}
	tags := map[string]bool{}
	for _, r := range []*resp{plain, gz, get("reader", "gzip"), get("other", "gzip")} {
		tags[r.header.Get("ETag")] = true
	}
	if len(tags) != 4 {
		t.Errorf("ETags not distinct: %v", tags)
	}
}

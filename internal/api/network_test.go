package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// One IPv6 /64 is one client: rotating addresses inside it must not reset
// the write limit, while the next /64 is someone else.
func TestRateLimitKeysIPv6On64(t *testing.T) {
	e := newEnv(t, "sqlite", options{writeRate: 6, burst: 1})
	steps := []struct {
		ip     string
		status int
	}{
		{"[2001:db8::1]", 201},
		{"[2001:db8::ffff]", 429},    // same /64: the burst is spent
		{"[2001:db8::1:2:3:4]", 429}, // any address of the /64
		{"[2001:db8:0:1::1]", 201},   // the next /64 is another client
		{"[::ffff:192.0.2.9]", 201},  // IPv4-mapped: the IPv4 address 192.0.2.9
		{"192.0.2.9", 429},
		{"192.0.2.10", 201}, // IPv4: each address is a client
	}
	for i, s := range steps {
		r := e.do(req{method: "POST", path: "/api/v1/comments", ip: s.ip, body: newComment(fmt.Sprint("c", i), map[string]any{"name": "A"})})
		if r.status != s.status {
			t.Errorf("write %d from %s: %d, want %d %s", i, s.ip, r.status, s.status, r.raw)
		}
	}
}

// A guest voter is a network plus a user agent; rotating the user agent (or
// the address inside an IPv6 /64) moves a score at most
// store.MaxVotesPerNetwork times, while other networks still count.
func TestVotesPerNetwork(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, _ := e.post("/post", 0, "vote on me")
		path := "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote"
		vote := func(ip, ua string, value int) *resp {
			return e.do(req{method: "POST", path: path, body: map[string]any{"value": value}, ip: ip, headers: map[string]string{"User-Agent": ua}})
		}
		score := func() int64 {
			return e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "203.0.113.99"}).num("comments.0.score")
		}
		stuff := func(name string, want int64, ip func(i int) string) {
			before, refused := score(), 0
			for i := range 50 {
				r := vote(ip(i), fmt.Sprintf("Mozilla/5.0 (stuffing %d)", i), 1)
				if r.status == http.StatusConflict && r.str("error.code") == "vote_limit" {
					refused++
				} else if r.status != 200 {
					t.Fatalf("%s: vote %d: %d %s", name, i, r.status, r.raw)
				}
			}
			if moved := score() - before; moved != want || refused != 50-store.MaxVotesPerNetwork {
				t.Errorf("%s: 50 user agents moved the score by %d (%d refused), want %d", name, moved, refused, want)
			}
		}
		stuff("one IPv4 address", store.MaxVotesPerNetwork, func(int) string { return "192.0.2.1" })
		stuff("one IPv6 /64", store.MaxVotesPerNetwork, func(i int) string { return fmt.Sprintf("[2001:db8::%x:%x]", i, (i*7919)&0xffff) })
		// The same IPv4 address again, IPv4-mapped: its voters have voted already.
		stuff("IPv4-mapped IPv6", 0, func(int) string { return "[::ffff:192.0.2.1]" })

		for i := range 10 { // different networks still count
			if r := vote(fmt.Sprintf("198.51.100.%d", i+1), "ua", 1); r.status != 200 {
				t.Fatalf("vote from network %d: %d %s", i, r.status, r.raw)
			}
			if r := vote(fmt.Sprintf("[2001:db8:0:%x::1]", i+1), "ua", 1); r.status != 200 {
				t.Fatalf("vote from /64 %d: %d %s", i, r.status, r.raw)
			}
		}
		if got, want := score(), int64(2*store.MaxVotesPerNetwork+20); got != want {
			t.Errorf("score %d, want %d", got, want)
		}

		// A voter keeps their vote: they see it, and change it, from any
		// address of their /64.
		key := "myVotes." + strconv.FormatInt(id, 10)
		th := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "[2001:db8::abcd]", headers: map[string]string{"User-Agent": "Mozilla/5.0 (stuffing 0)"}})
		if th.num(key) != 1 {
			t.Errorf("a voter does not see their vote from another address of the /64: %s", th.raw)
		}
		if r := vote("[2001:db8::beef]", "Mozilla/5.0 (stuffing 0)", -1); r.status != 200 || r.num("score") != int64(2*store.MaxVotesPerNetwork+18) {
			t.Errorf("changing a vote at the network's bound: %d %s", r.status, r.raw)
		}
	})
}

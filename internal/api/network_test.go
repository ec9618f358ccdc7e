package api_test

import (
	"fmt"
	"testing"
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

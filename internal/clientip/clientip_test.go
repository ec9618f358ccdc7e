package clientip_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/parleyhq/parley/internal/clientip"
)

func TestIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		remote, xff, want string
	}{
		{"192.0.2.1:1234", "", "192.0.2.1"},
		{"192.0.2.1:1234", "203.0.113.5", "192.0.2.1"},           // untrusted peer: header ignored
		{"10.0.0.2:1234", "203.0.113.5", "203.0.113.5"},          // trusted proxy
		{"10.0.0.2:1234", "1.1.1.1, 203.0.113.5", "203.0.113.5"}, // client cannot spoof the left part
		{"10.0.0.2:1234", "203.0.113.5, 10.0.0.9", "203.0.113.5"},
		{"10.0.0.2:1234", "garbage", "10.0.0.2"},
		{"[::ffff:192.0.2.9]:80", "", "192.0.2.9"},
	}
	r := clientip.New(trusted)
	for _, c := range cases {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = c.remote
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := r.IP(req); got != c.want {
			t.Errorf("remote %s xff %q: got %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

package clientip_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/clientip"
)

func TestNetworkKey(t *testing.T) {
	cases := []struct{ ip, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"}, // IPv4-mapped IPv6 is IPv4
		{"2001:db8::1", "2001:db8::/64"},
		{"2001:db8::ffff", "2001:db8::/64"},
		{"2001:db8::1:2:3:4", "2001:db8::/64"},
		{"2001:db8:0:1::1", "2001:db8:0:1::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"", ""},
		{"garbage", ""},
	}
	for _, c := range cases {
		if got := clientip.NetworkKey(c.ip); got != c.want {
			t.Errorf("NetworkKey(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}

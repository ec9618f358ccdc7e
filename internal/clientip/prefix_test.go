package clientip_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/clientip"
)

// TestPrefixKey: an IPv4 address stands for its /24 and an IPv6 address
// for its /48, IPv4-mapped addresses and zones included; anything else is "".
func TestPrefixKey(t *testing.T) {
	for ip, want := range map[string]string{
		"192.0.2.77":           "192.0.2.0/24",
		"192.0.2.1":            "192.0.2.0/24",
		"::ffff:192.0.2.9":     "192.0.2.0/24",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1::/48",
		"2001:db8:1:ffff::1":   "2001:db8:1::/48",
		"fe80::1%eth0":         "fe80::/48",
		"not an address":       "",
		"":                     "",
	} {
		if got := clientip.PrefixKey(ip); got != want {
			t.Errorf("PrefixKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

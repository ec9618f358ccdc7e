package media

import (
	"errors"
	"net/url"
	"testing"
)

// TestAllowPrivateWidensOnlyToPrivateAddresses checks the dial-time check
// itself (no packet is sent): PARLEY_AVATAR_ALLOW_PRIVATE lets a provider
// on the operator's network through, never link-local or the special
// ranges, and without it every non-public address is refused.
func TestAllowPrivateWidensOnlyToPrivateAddresses(t *testing.T) {
	strict, private := NewFetcher(FetcherOptions{}), NewFetcher(FetcherOptions{AllowPrivate: true})
	for _, tt := range []struct {
		addr          string
		strict, privy bool // allowed
	}{
		{"93.184.215.14:443", true, true},
		{"10.0.0.7:443", false, true},
		{"192.168.1.20:443", false, true},
		{"[fd00::5]:443", false, true},
		{"127.0.0.1:443", false, true},
		{"169.254.169.254:80", false, false}, // cloud metadata
		{"[fe80::1]:443", false, false},
		{"100.64.0.1:443", false, false},
		{"0.0.0.0:443", false, false},
	} {
		for _, f := range []struct {
			name  string
			f     *Fetcher
			allow bool
		}{{"strict", strict, tt.strict}, {"allow-private", private, tt.privy}} {
			err := control(f.f.opts)("tcp", tt.addr, nil)
			var blocked *BlockedAddressError
			if allowed := err == nil; allowed != f.allow || (err != nil && !errors.As(err, &blocked)) {
				t.Errorf("%s dialling %s: %v, want allowed=%v", f.name, tt.addr, err, f.allow)
			}
		}
	}
	if err := private.checkScheme(mustURL(t, "http://keycloak.internal/pic.png")); err != nil {
		t.Errorf("allow-private refuses http: %v", err)
	}
	if err := strict.checkScheme(mustURL(t, "http://example.com/pic.png")); !errors.Is(err, ErrScheme) {
		t.Errorf("strict allows http: %v", err)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

package webhook

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/store"
)

// CheckURL returns why raw cannot be a webhook's endpoint, in words for
// the owner, or "": it must be an absolute https URL (http too when
// allowPrivate) of at most store.MaxWebhookURLLength bytes, without user
// name or password, whose host is a name or a public address (loopback and
// private ones too when allowPrivate). A name is resolved only when
// delivering, where the address it resolves to is checked again.
func CheckURL(raw string, allowPrivate bool) string {
	if len(raw) > store.MaxWebhookURLLength {
		return fmt.Sprintf("Use an address of at most %d characters.", store.MaxWebhookURLLength)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "Enter a whole address, such as https://example.com/parley-hook."
	case u.Scheme != "https" && !(allowPrivate && u.Scheme == "http"):
		return "The address must start with https://."
	case u.User != nil:
		return "The address may not hold a user name or password; the signature authenticates the deliveries."
	case u.Fragment != "":
		return "The address may not have a #fragment."
	}
	host := strings.ToLower(u.Hostname())
	if allowPrivate {
		return ""
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "The address must be reachable on the internet, not on this server."
	}
	if addr, err := netip.ParseAddr(host); err == nil && !media.Public(addr) {
		return "The address must be public: loopback, private and link-local addresses are refused."
	}
	return ""
}

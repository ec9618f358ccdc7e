package model

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// The bounds of the site settings an owner may choose (the dashboard's
// settings form and the CLI refuse anything outside them).
const (
	// MaxCommentLengthLimit is the largest MaxLength a site may set, in
	// characters: a comment that long still fits the API's 64 KiB request
	// body (api.MaxBodyBytes) when written in one- or two-byte characters.
	MaxCommentLengthLimit = 32768
	// MaxEditWindowSeconds is the longest edit window: one week.
	MaxEditWindowSeconds = 7 * 24 * 60 * 60
	// MaxNestingDepth is the deepest MaxDepth: the widget indents each
	// level, and past ten levels a thread no longer fits a phone's width.
	MaxNestingDepth = 10
	// MaxClosedAfterDays is the largest ClosedAfterDays (ten years).
	MaxClosedAfterDays = 3650
)

// ParseHost accepts a host name or IP address with an optional port, as
// `parley site add` and the dashboard take a site's domain, and returns it
// lower-cased and trimmed: "Example.com " gives "example.com".
func ParseHost(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	u, err := url.Parse("http://" + h)
	if err != nil || u.Host != h || u.Hostname() == "" || strings.ContainsAny(h, "/?#@ ") {
		return "", fmt.Errorf("%q is not a host such as example.com or localhost:3000", h)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return "", fmt.Errorf("%q has a bad port", h)
		}
	}
	return h, nil
}

// ParseOrigin accepts scheme://host[:port] with http or https (a trailing
// slash is dropped) and returns it lower-cased.
func ParseOrigin(o string) (string, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(o), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("%q must be an origin such as https://www.example.com", o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// ErrLoginsEmpty: the login methods name no way to comment but anonymous,
// or anonymous without guest (an anonymous comment is a guest's without a
// name).
var ErrLoginsEmpty = errors.New("choose guest, local or a provider, and anonymous only with guest (an anonymous comment is a guest's without a name)")

// ParseLogins reads chosen login methods: anonymous, guest, local and
// the names in providers (the operator's configured OAuth2/OpenID Connect
// providers), case-insensitive, blanks ignored. It returns LoginMethods
// (without anonymous, duplicates dropped) and AllowAnonymous. An unknown
// name is an error naming it; see ErrLoginsEmpty for the other refusal.
func ParseLogins(chosen, providers []string) ([]string, bool, error) {
	var methods []string
	anonymous := false
	for _, m := range chosen {
		m = strings.ToLower(strings.TrimSpace(m))
		switch {
		case m == "":
		case m == LoginAnonymous:
			anonymous = true
		case m == LoginGuest || m == LoginLocal || slices.Contains(providers, m):
			if !slices.Contains(methods, m) {
				methods = append(methods, m)
			}
		default:
			return nil, false, fmt.Errorf("%q is not anonymous, guest, local or a configured provider", m)
		}
	}
	if len(methods) == 0 || (anonymous && !slices.Contains(methods, LoginGuest)) {
		return nil, false, ErrLoginsEmpty
	}
	return methods, anonymous, nil
}

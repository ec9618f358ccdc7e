// Package clientip finds the address of the client behind a request,
// believing X-Forwarded-For only from configured reverse proxies, and the
// network that stands for that client in limits (Network).
//
// It must never trust a forwarding header from an untrusted peer: that would
// let anyone choose their own IP and escape rate limits and bans.
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver returns the client IP of a request.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a Resolver that believes X-Forwarded-For from peers in trusted.
func New(trusted []netip.Prefix) *Resolver { return &Resolver{trusted: trusted} }

// IP returns the client address: the peer, or, when the peer is a trusted
// proxy, the right-most untrusted address of X-Forwarded-For.
func (r *Resolver) IP(req *http.Request) string {
	peer := parse(req.RemoteAddr)
	if !peer.IsValid() {
		return ""
	}
	if !r.isTrusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(req.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parse(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			break
		}
		if !r.isTrusted(hop) {
			return hop.String()
		}
		peer = hop
	}
	return peer.String()
}

func (r *Resolver) isTrusted(a netip.Addr) bool {
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parse accepts "ip", "ip:port" and "[ipv6]:port", unmapping IPv4-in-IPv6.
func parse(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

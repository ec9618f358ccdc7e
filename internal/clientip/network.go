package clientip

import "net/netip"

// IPv6NetworkBits is the prefix length that stands for one IPv6 client.
// Providers give each subscriber at least a /64 (RFC 6177), and a host
// picks any address inside it at will, so a limit keyed on the full IPv6
// address is no limit at all.
const IPv6NetworkBits = 64

// Network returns the network that stands for one client in every
// per-client limit and in the identity of guest voters: the address itself
// (a /32) for IPv4, IPv4-mapped IPv6 included, and its /64 for IPv6. A zone
// is ignored. It returns the zero Prefix for an invalid address.
func Network(a netip.Addr) netip.Prefix {
	a = a.Unmap().WithZone("")
	if !a.IsValid() {
		return netip.Prefix{}
	}
	bits := IPv6NetworkBits
	if a.Is4() {
		bits = 32
	}
	p, _ := a.Prefix(bits) // cannot fail: bits fits the address family
	return p
}

// NetworkKey returns the Network of ip (as Resolver.IP returns it) as a
// string to key limits and hashes on: the address for IPv4
// ("192.0.2.1"), the prefix for IPv6 ("2001:db8::/64"). Keeping the plain
// address for IPv4 keeps keys that were derived from IPv4 addresses before
// networks were used. It returns "" when ip is not an address.
func NetworkKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	p := Network(a)
	if p.Addr().Is4() {
		return p.Addr().String()
	}
	return p.String()
}

// The wide prefixes of PrefixKey: a provider's block of neighbours, which
// one abuser can rotate through (an IPv4 /24; an IPv6 /48, a site's usual
// allocation, RFC 6177).
const (
	IPv4PrefixBits = 24
	IPv6PrefixBits = 48
)

// PrefixKey returns the wide prefix of ip (as Resolver.IP returns it) as a
// string to key limits on: "192.0.2.0/24", "2001:db8::/48". It returns ""
// when ip is not an address.
func PrefixKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap().WithZone("")
	bits := IPv6PrefixBits
	if a.Is4() {
		bits = IPv4PrefixBits
	}
	p, _ := a.Prefix(bits) // cannot fail: bits fits the address family
	return p.String()
}

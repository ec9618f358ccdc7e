// Package smtpurl parses PARLEY_SMTP_URL, the one setting that says how
// Parley reaches its SMTP server. It must never weaken transport security
// silently: a URL that asks for no TLS to a host beyond this machine is an
// error, not a downgrade.
package smtpurl

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Security is how the connection to the SMTP server is protected.
type Security int

const (
	// STARTTLS (smtp://) upgrades the connection with STARTTLS and fails when
	// the server does not offer it or its certificate does not verify.
	STARTTLS Security = iota
	// ImplicitTLS (smtps://) speaks TLS from the first byte.
	ImplicitTLS
	// None (smtp://…?tls=none) sends in plain text. Only a loopback host may
	// ask for it: a relay on the same machine (or a test's server).
	None
)

// Default ports: submission with STARTTLS, and submissions (RFC 8314).
const (
	DefaultPort         = 587
	DefaultImplicitPort = 465
)

// URL is a parsed PARLEY_SMTP_URL.
type URL struct {
	Host     string
	Port     int
	Security Security
	Username string // empty: no authentication
	Password string
}

// Parse reads smtp://[user[:pass]@]host[:port][?tls=none] or
// smtps://[user[:pass]@]host[:port]. User and password are URL-decoded
// (write @ in a user name as %40). Anything else is an error saying what is
// accepted, without repeating the password.
func Parse(raw string) (URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return URL{}, errors.New("not a URL; want smtp://user:pass@host:587 or smtps://user:pass@host:465")
	}
	var out URL
	switch u.Scheme {
	case "smtp":
		out.Security, out.Port = STARTTLS, DefaultPort
	case "smtps":
		out.Security, out.Port = ImplicitTLS, DefaultImplicitPort
	default:
		return URL{}, errors.New("want smtp:// (STARTTLS) or smtps:// (implicit TLS)")
	}
	out.Host = u.Hostname()
	if out.Host == "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return URL{}, errors.New("want smtp://host[:port] with no path")
	}
	if p := u.Port(); p != "" {
		if out.Port, err = strconv.Atoi(p); err != nil || out.Port < 1 || out.Port > 65535 {
			return URL{}, fmt.Errorf("port %q: want 1 to 65535", p)
		}
	}
	if u.User != nil {
		out.Username = u.User.Username()
		out.Password, _ = u.User.Password()
	}
	if err := out.query(u.Query()); err != nil {
		return URL{}, err
	}
	return out, nil
}

func (out *URL) query(q url.Values) error {
	for k := range q {
		if k != "tls" {
			return fmt.Errorf("unknown parameter %q; the only one is tls=none", k)
		}
	}
	tls, ok := q["tls"]
	if !ok {
		return nil
	}
	if len(tls) != 1 || tls[0] != "none" {
		return errors.New("tls: the only value is none (STARTTLS is the default of smtp://)")
	}
	if out.Security != STARTTLS {
		return errors.New("tls=none contradicts smtps://")
	}
	if !IsLoopback(out.Host) {
		return fmt.Errorf("tls=none is allowed only for a server on this machine (localhost, 127.0.0.1, ::1), not %s: "+
			"mails and the password would cross the network in plain text", out.Host)
	}
	out.Security = None
	return nil
}

// IsLoopback reports whether host names this machine: localhost (or a name
// under it) or a loopback IP.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Address is host:port.
func (u URL) Address() string { return net.JoinHostPort(u.Host, strconv.Itoa(u.Port)) }

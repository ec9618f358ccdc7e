package media

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Fetch limits. A picture is downloaded within FetchTimeout (connecting,
// redirects and body together), through at most MaxRedirects redirects,
// and refused when its body is larger than MaxFetchBytes.
const (
	FetchTimeout  = 5 * time.Second
	MaxRedirects  = 3
	MaxFetchBytes = 1 << 20
)

// MaxConcurrentFetches bounds the pictures one Fetcher downloads and
// decodes at once: a decoded picture may take 64 MiB (MaxSide² RGBA), so a
// burst of sign-ins waits for a turn instead of exhausting memory.
const MaxConcurrentFetches = 4

// Errors of FetchAvatar, to be checked with errors.Is (or errors.As for
// *BlockedAddressError). Whatever the error, the caller falls back to an
// identicon: none of them is the reader's concern.
var (
	ErrScheme       = errors.New("media: only https URLs are fetched")
	ErrTooLarge     = errors.New("media: picture larger than the size limit")
	ErrRedirects    = errors.New("media: too many redirects")
	ErrStatus       = errors.New("media: the picture's server did not answer 200 OK")
	ErrNotFound     = errors.New("media: the picture's server answered 404")
	ErrUnsupported  = errors.New("media: not a PNG, JPEG, GIF or WebP picture")
	ErrTooManyPixel = errors.New("media: picture dimensions above the pixel bound")
)

// BlockedAddressError is the refusal to connect to a non-public address. It
// is returned by the dialer's Control function, which runs after the name
// was resolved and before the socket connects: no packet is sent to such an
// address, and a name that resolves to a public address at first and to a
// private one later (DNS rebinding) is refused too.
type BlockedAddressError struct {
	Addr netip.Addr
}

func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("media: refusing to connect to non-public address %s", e.Addr)
}

// FetcherOptions loosen a Fetcher for tests. The zero value is what the
// server uses.
type FetcherOptions struct {
	// AllowLoopback permits http:// URLs and loopback addresses (127.0.0.0/8,
	// ::1), so that a test can fetch from an httptest server. Every other
	// non-public address stays refused.
	AllowLoopback bool
	// AllowPrivate permits loopback and private addresses (RFC 1918,
	// fc00::/7), and http:// URLs: pictures of a login provider on the
	// operator's own network (PARLEY_AVATAR_ALLOW_PRIVATE). Link-local and
	// the special ranges stay refused.
	AllowPrivate bool
	// TLS, when set, replaces the client's TLS configuration: a test trusts
	// its TLS server's certificate with it.
	TLS *tls.Config
}

// Fetcher downloads pictures safely; it is safe for concurrent use.
type Fetcher struct {
	client *http.Client
	opts   FetcherOptions
	slots  chan struct{} // one per fetch running (MaxConcurrentFetches)
}

// NewFetcher returns a Fetcher. Its transport uses no proxy: a proxy would
// connect on its behalf, past the address check.
func NewFetcher(opts FetcherOptions) *Fetcher {
	f := &Fetcher{opts: opts, slots: make(chan struct{}, MaxConcurrentFetches)}
	f.client = &http.Client{Transport: PublicTransport(opts, FetchTimeout), Timeout: FetchTimeout, CheckRedirect: f.checkRedirect}
	return f
}

// PublicTransport returns an HTTP transport that connects only to public
// addresses (and loopback or private ones as opts allow), checked at dial
// time by Control after the name is resolved (BlockedAddressError), with no
// proxy, and timeout for connecting, the TLS handshake and the response
// headers. Every outbound client of the server uses it, so that no one can
// point the server at its own network.
func PublicTransport(opts FetcherOptions, timeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: timeout, Control: control(opts)}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	if opts.TLS != nil {
		transport.TLSClientConfig = opts.TLS.Clone()
	}
	return transport
}

// control returns a dialer's Control that refuses, before connecting,
// every address that is not public (as opts loosen it).
func control(opts FetcherOptions) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("media: unexpected dial address %q: %w", address, err)
		}
		addr := ap.Addr().Unmap()
		if (opts.AllowLoopback || opts.AllowPrivate) && addr.IsLoopback() {
			return nil
		}
		if opts.AllowPrivate && addr.IsPrivate() {
			return nil
		}
		if !Public(addr) {
			return &BlockedAddressError{Addr: addr}
		}
		return nil
	}
}

// nonPublic are ranges that IsGlobalUnicast accepts but that are not
// reachable public hosts: shared address space (carrier NAT), benchmarking,
// documentation, the IPv4 "this network" block and NAT64 / 6to4 / Teredo
// prefixes that can embed a private IPv4 address.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
}

// Public reports whether addr is a public unicast address: not loopback,
// private (RFC 1918, fc00::/7), link-local, multicast, unspecified or one
// of the special ranges in nonPublic.
func Public(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

func (f *Fetcher) checkScheme(u *url.URL) error {
	if u.Scheme == "https" || ((f.opts.AllowLoopback || f.opts.AllowPrivate) && u.Scheme == "http") {
		return nil
	}
	return ErrScheme
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return ErrRedirects
	}
	return f.checkScheme(req.URL)
}

// fetch returns the body of a GET of rawURL: at most MaxFetchBytes, else
// ErrTooLarge.
func (f *Fetcher) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("media: bad picture URL: %w", ErrScheme)
	}
	if err := f.checkScheme(u); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif, image/webp")
	req.Header.Set("User-Agent", "Parley avatar fetcher")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("media: fetch picture: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ErrNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w (%d)", ErrStatus, resp.StatusCode)
	case resp.ContentLength > MaxFetchBytes:
		return nil, ErrTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxFetchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("media: read picture: %w", err)
	}
	if len(body) > MaxFetchBytes {
		return nil, ErrTooLarge
	}
	return body, nil
}

// FetchAvatar downloads the picture at rawURL and returns it as an avatar:
// a PNG of AvatarSize×AvatarSize without metadata (see Normalize). When
// MaxConcurrentFetches are running it waits for one to end, or for ctx.
// The errors are those listed above, *BlockedAddressError, ctx's, or a
// network error.
func (f *Fetcher) FetchAvatar(ctx context.Context, rawURL string) ([]byte, error) {
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("media: waiting for a fetch slot: %w", ctx.Err())
	}
	body, err := f.fetch(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return Normalize(body)
}

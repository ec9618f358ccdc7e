package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// Bounds of the shared-cache settings. A CDN may keep a thread at most
// MaxCDNMaxAge without asking again (writes purge it sooner when
// PARLEY_CDN_PURGE_URL is set), and serve it stale while it asks for at
// most MaxCDNStale.
const (
	MaxCDNMaxAge = time.Hour
	MaxCDNStale  = 24 * time.Hour
)

// Operations are the settings of running Parley at scale: shared caches
// (a CDN) in front of it, and the profiler.
type Operations struct {
	// CDNMaxAge is how long a shared cache may keep an answer to a reader
	// without a session (s-maxage); 0: every cache must ask each time
	// (no-cache). Whole seconds.
	CDNMaxAge time.Duration
	// CDNStale is how long past CDNMaxAge a CDN may serve such an answer
	// while it fetches a fresh one (stale-while-revalidate).
	CDNStale time.Duration
	// CDNPurgeURL, when set, receives a POST naming the cache tags of the
	// pages each write changed (docs/scaling.md).
	CDNPurgeURL string
	// PprofListen is the address of the net/http/pprof listener; "" (the
	// default) serves no profiles.
	PprofListen string
	// PprofAllowRemote allows a PprofListen that is not a loopback address.
	PprofAllowRemote bool
}

func operationsSettings() []setting {
	return []setting{
		{"cdn-max-age", "PARLEY_CDN_MAX_AGE", "10s", "how long a CDN or other shared cache may keep a thread or counts answer to a reader without a session (whole seconds, at most 1h; 0: caches ask every time); browsers always ask again", false,
			parseDuration(func(c *Config) *time.Duration { return &c.CDNMaxAge }),
			func(c *Config) string { return c.CDNMaxAge.String() }},
		{"cdn-stale", "PARLEY_CDN_STALE", "60s", "how long past --cdn-max-age a CDN may serve such an answer while it fetches a fresh one (stale-while-revalidate; at most 24h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.CDNStale }),
			func(c *Config) string { return c.CDNStale.String() }},
		{"cdn-purge-url", "PARLEY_CDN_PURGE_URL", "", "http(s) URL that receives a POST with the cache tags of the pages each write changed, to purge them from a CDN (docs/scaling.md)", true,
			func(c *Config, v string) error { c.CDNPurgeURL = v; return nil },
			func(c *Config) string { return c.CDNPurgeURL }},
		{"pprof-listen", "PARLEY_PPROF_LISTEN", "", "address (host:port) of a separate listener serving Go's profiles at /debug/pprof/; empty: none. Loopback only unless --pprof-allow-remote", false,
			func(c *Config, v string) error { c.PprofListen = v; return nil },
			func(c *Config) string { return c.PprofListen }},
		{"pprof-allow-remote", "PARLEY_PPROF_ALLOW_REMOTE", "false", "allow --pprof-listen on an address other than loopback (profiles have no authentication)", false,
			parseBool(func(c *Config) *bool { return &c.PprofAllowRemote }),
			func(c *Config) string { return strconv.FormatBool(c.PprofAllowRemote) }},
	}
}

func (c *Config) validateOperations() error {
	if c.CDNMaxAge < 0 || c.CDNMaxAge > MaxCDNMaxAge || c.CDNMaxAge%time.Second != 0 {
		return fmt.Errorf("config: PARLEY_CDN_MAX_AGE (--cdn-max-age) %s: want whole seconds from 0 to %s", c.CDNMaxAge, MaxCDNMaxAge)
	}
	if c.CDNStale < 0 || c.CDNStale > MaxCDNStale || c.CDNStale%time.Second != 0 {
		return fmt.Errorf("config: PARLEY_CDN_STALE (--cdn-stale) %s: want whole seconds from 0 to %s", c.CDNStale, MaxCDNStale)
	}
	if c.CDNPurgeURL != "" {
		u, err := url.Parse(c.CDNPurgeURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("config: PARLEY_CDN_PURGE_URL (--cdn-purge-url): want an http:// or https:// URL")
		}
	}
	if c.PprofListen == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(c.PprofListen)
	if err != nil {
		return fmt.Errorf("config: PARLEY_PPROF_LISTEN (--pprof-listen) %q: want host:port, such as 127.0.0.1:6060", c.PprofListen)
	}
	if !c.PprofAllowRemote && !loopback(host) {
		return fmt.Errorf("config: PARLEY_PPROF_LISTEN (--pprof-listen) %q is not a loopback address: profiles have no authentication; use 127.0.0.1 or set PARLEY_PPROF_ALLOW_REMOTE=true", c.PprofListen)
	}
	return nil
}

// loopback reports whether host names only this machine: localhost or a
// loopback IP. An empty host (all interfaces) is not.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

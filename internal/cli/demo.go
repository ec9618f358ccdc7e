package cli

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// ensureDemoSite registers the localhost demo site, allowing origins, so the demo page works at
// once. Origins missing from an existing demo site are added; none is ever removed.
func ensureDemoSite(ctx context.Context, st *store.Store, origins []string) error {
	site, err := st.SiteByHost(ctx, DemoSite)
	if errors.Is(err, store.ErrNotFound) {
		site = &model.Site{Host: DemoSite, Settings: model.DefaultSiteSettings()}
		site.Origins = missingOrigins(site, origins)
		if err := st.CreateSite(ctx, site); err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
		return nil
	}
	if err != nil {
		return err
	}
	add := missingOrigins(site, origins)
	if len(add) == 0 {
		return nil
	}
	site.Origins = append(site.Origins, add...)
	return st.UpdateSite(ctx, site)
}

func missingOrigins(site *model.Site, origins []string) []string {
	var out []string
	for _, o := range origins {
		if !site.AllowsOrigin(o) && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// demoOrigins returns every origin a browser can show /demo under at the addresses serve
// announces: the public URL; the listen address as the log prints it (127.0.0.1:8080,
// [::]:8080); and, when that address is a loopback one or every interface (0.0.0.0, ::), the
// names of this machine's loopback, localhost, 127.0.0.1 and [::1], on the same port. Another
// name (a LAN address, a DNS name) is the public URL's job: see docs/embedding.md.
func demoOrigins(publicURL string, addr net.Addr) []string {
	var origins []string
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		origins = append(origins, u.Scheme+"://"+u.Host)
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return origins
	}
	hosts := []string{tcp.IP.String()}
	if tcp.IP.IsLoopback() || tcp.IP.IsUnspecified() {
		hosts = append(hosts, "localhost", "127.0.0.1", "::1")
	}
	if tcp.IP.IsUnspecified() {
		hosts = append(hosts, "0.0.0.0", "::") // as typed in --listen, whichever the log shows
	}
	for _, h := range hosts {
		if tcp.Port == 80 {
			h = strings.TrimSuffix(net.JoinHostPort(h, "80"), ":80") // browsers leave out :80
		} else {
			h = net.JoinHostPort(h, strconv.Itoa(tcp.Port))
		}
		if o := "http://" + h; !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	return origins
}

package exporter

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Format names an export format.
type Format string

// The formats Write produces.
const (
	Parley Format = "parley"
	WXR    Format = "wxr"
)

// ParseFormat accepts "parley" (or "json") and "wxr" (or "wordpress").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "parley", "json":
		return Parley, nil
	case "wxr", "wordpress", "wp":
		return WXR, nil
	}
	return "", fmt.Errorf("export: unknown format %q (parley or wxr)", s)
}

// Options configure an export.
type Options struct {
	Format Format // Parley when ""
	// WithoutPersonalData leaves out emails, IP addresses and user agents.
	WithoutPersonalData bool
	// BaseURL is where the site's pages live, for WXR links; https://HOST
	// when "".
	BaseURL string
	Now     func() time.Time // time.Now when nil
}

// Stats count what an export wrote.
type Stats struct {
	Pages    int
	Comments int
}

// Exporter reads sites from a store.
type Exporter struct {
	store *store.Store
}

// New returns an Exporter reading from st.
func New(st *store.Store) *Exporter { return &Exporter{store: st} }

// Write writes site's pages and comments (in every state) to w. On error,
// what was written is incomplete.
func (x *Exporter) Write(ctx context.Context, w io.Writer, site *model.Site, opt Options) (Stats, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BaseURL == "" {
		opt.BaseURL = "https://" + site.Host
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	switch opt.Format {
	case Parley, "":
		return x.writeParley(ctx, w, site, opt)
	case WXR:
		return x.writeWXR(ctx, w, site, opt)
	}
	return Stats{}, fmt.Errorf("export: unknown format %q", opt.Format)
}

// FileName is the name a download of the export is offered under.
func FileName(site *model.Site, f Format, at time.Time) string {
	host := strings.NewReplacer(":", "_", "/", "_").Replace(site.Host)
	ext := ".json"
	if f == WXR {
		ext = ".xml"
	}
	return "parley-" + host + "-" + at.UTC().Format("2006-01-02") + ext
}

// ServeDownload answers an HTTP request with the export as a file download.
// It is what a dashboard route calls once it has checked that the request
// comes from the site's owner:
//
//	mux.HandleFunc("GET /admin/sites/{host}/export", func(w http.ResponseWriter, r *http.Request) {
//		site := … // look up, and authorize the owner
//		f, _ := exporter.ParseFormat(r.FormValue("format"))
//		if err := ex.ServeDownload(w, r, site, exporter.Options{Format: f}); err != nil {
//			log.Error("export", "err", err, "site", site.Host)
//		}
//	})
//
// The response is never cached. An error after the first byte can only be
// logged: the status is sent by then and the file is cut short.
func (x *Exporter) ServeDownload(w http.ResponseWriter, r *http.Request, site *model.Site, opt Options) error {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Format == "" {
		opt.Format = Parley
	}
	ctype := "application/json; charset=utf-8"
	if opt.Format == WXR {
		ctype = "application/xml; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+FileName(site, opt.Format, opt.Now())+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := x.Write(r.Context(), w, site, opt)
	return err
}

package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/negotiate"
	"github.com/parleyhq/parley/web/widget"
)

// Cache lifetimes. The plain URL is what host pages embed, so a release reaches readers within
// five minutes; the hashed URL never changes content and may be cached for a year.
const (
	cachePlain  = "public, max-age=300"
	cacheHashed = "public, max-age=31536000, immutable"
)

// Options configures the handler.
type Options struct {
	// PublicURL is the external base URL of this Parley instance ("https://comments.example.com",
	// possibly with a path prefix). The demo page loads the widget from it; empty means the
	// page's own origin.
	PublicURL string
	// DemoSite is the site (host) the demo page's thread belongs to, set as data-site. Empty
	// leaves the widget's default, the demo page's own host.
	DemoSite string
	// NoDemo leaves /demo out (PARLEY_DEMO=false).
	NoDemo bool
}

// Handler serves the widget script, its live updates and upload modules and the demo page. It is safe for
// concurrent use.
type Handler struct {
	script
	live script // /live.js, which the widget imports as a module when a thread is live
	demo demoPage
	up   script // widget.UploadPath, which the widget imports as a module on sites that take uploads
	// noDemo leaves /demo unregistered.
	noDemo bool
}

// New assembles the widget, compresses it and renders the demo page. It fails only on an
// unusable PublicURL or a broken embedded widget.
func New(opts Options) (*Handler, error) {
	js, err := widget.Script()
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	h := &Handler{noDemo: opts.NoDemo}
	if h.script, err = newScript(js); err != nil {
		return nil, err
	}
	if h.live, err = newScript(widget.LiveScript()); err != nil {
		return nil, err
	}
	upJS, err := widget.UploadScript()
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	if h.up, err = newScript(upJS); err != nil {
		return nil, err
	}
	if h.demo, err = newDemoPage(opts); err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	return h, nil
}

// Register adds the routes: GET (and HEAD) /js/parley.js, /js/parley.HASH.js, /live.js,
// /upload.js and /demo.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /js/parley.js", h.serve(cachePlain, false))
	mux.HandleFunc("GET "+h.HashedPath(), h.serve(cacheHashed, false))
	// The widget imports the module from the host page's origin: a module needs CORS. It is
	// public and the same for everyone.
	mux.HandleFunc("GET /live.js", h.live.serve(cachePlain, true))
	// The upload module likewise, imported only on sites that take uploads.
	mux.HandleFunc("GET "+widget.UploadPath, h.up.serve(cachePlain, true))
	if !h.noDemo {
		mux.HandleFunc("GET /demo", h.demo.serve)
	}
}

// HashedPath returns the path of the immutable, content-hashed script, "/js/parley.HASH.js".
func (h *Handler) HashedPath() string { return "/js/parley." + h.hash + ".js" }

// script is one served script, plain and gzip-compressed.
type script struct {
	hash string // first 12 hex digits of the SHA-256 of the script
	raw  []byte
	gz   []byte
}

func newScript(js []byte) (script, error) {
	sum := sha256.Sum256(js)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(js); err != nil {
		return script{}, fmt.Errorf("assets: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return script{}, fmt.Errorf("assets: gzip: %w", err)
	}
	return script{hash: hex.EncodeToString(sum[:])[:12], raw: js, gz: buf.Bytes()}, nil
}

// serve serves the script, gzip-compressed when the client accepts it, with a strong ETag per
// encoding so a cache never answers one encoding with the other; cors lets any origin read it.
func (h script) serve(cacheControl string, cors bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		if cors {
			hdr.Set("Access-Control-Allow-Origin", "*")
		}
		hdr.Set("Content-Type", "text/javascript; charset=utf-8")
		hdr.Set("Cache-Control", cacheControl)
		hdr.Set("Vary", "Accept-Encoding")
		hdr.Set("X-Content-Type-Options", "nosniff")
		// Host pages on other origins load this script; a same-origin resource policy would block it.
		hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
		body, etag := h.raw, `"`+h.hash+`"`
		gz := negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding"))
		if gz {
			body, etag = h.gz, `"`+h.hash+`-gz"`
		}
		hdr.Set("ETag", etag)
		if negotiate.ETagMatches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if gz {
			hdr.Set("Content-Encoding", "gzip")
		}
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	}
}

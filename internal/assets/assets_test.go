package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/web/widget"
)

// budget is the limit for JS + CSS together, gzipped, as served.
const budget = 12 * 1024

func newMux(t *testing.T, opts Options) (*Handler, *http.ServeMux) {
	t.Helper()
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	return h, mux
}

func get(mux http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// TestScriptSizeBudget measures what a browser actually downloads: the gzip body the handler
// sends. The script carries the CSS, so this is JS + CSS together.
func TestScriptSizeBudget(t *testing.T) {
	_, mux := newMux(t, Options{})
	rec := get(mux, "/js/parley.js", "Accept-Encoding", "gzip, deflate, br")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q; want 200 gzip", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	size := rec.Body.Len()
	t.Logf("widget: %d bytes gzipped (budget %d, %d left)", size, budget, budget-size)
	if size > budget {
		t.Errorf("widget is %d bytes gzipped, over the %d byte budget", size, budget)
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := widget.Script()
	if !bytes.Equal(plain, want) {
		t.Error("gzip body does not decompress to the widget script")
	}
}

func TestScriptCaching(t *testing.T) {
	h, mux := newMux(t, Options{})
	if !regexp.MustCompile(`^/js/parley\.[0-9a-f]{12}\.js$`).MatchString(h.HashedPath()) {
		t.Fatalf("HashedPath() = %q", h.HashedPath())
	}
	tests := []struct {
		path      string
		wantCache string
	}{
		{"/js/parley.js", "public, max-age=300"},
		{h.HashedPath(), "public, max-age=31536000, immutable"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := get(mux, tt.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			hdr := rec.Header()
			if got := hdr.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if tt.path == "/js/parley.js" && strings.Contains(hdr.Get("Cache-Control"), "immutable") {
				t.Error("the plain URL must not be immutable: host pages would never see an update")
			}
			if got := hdr.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if hdr.Get("Vary") != "Accept-Encoding" || hdr.Get("ETag") == "" || hdr.Get("Set-Cookie") != "" {
				t.Errorf("headers: Vary %q, ETag %q, Set-Cookie %q", hdr.Get("Vary"), hdr.Get("ETag"), hdr.Get("Set-Cookie"))
			}
			if hdr.Get("Content-Encoding") != "" {
				t.Error("compressed without Accept-Encoding")
			}
			if hdr.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
				t.Error("other origins must be allowed to load the script")
			}
		})
	}
	if rec := get(mux, "/js/parley.0123456789ab.js"); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown hash answered %d, want 404", rec.Code)
	}
}

func TestScriptConditionalAndEncodings(t *testing.T) {
	_, mux := newMux(t, Options{})
	plain := get(mux, "/js/parley.js")
	zipped := get(mux, "/js/parley.js", "Accept-Encoding", "gzip")
	if plain.Header().Get("ETag") == zipped.Header().Get("ETag") {
		t.Error("both encodings share one strong ETag")
	}
	tests := []struct {
		name, acceptEncoding, ifNoneMatch string
		wantCode                          int
		wantGzip                          bool
	}{
		{"identity", "", "", 200, false},
		{"gzip", "gzip", "", 200, true},
		{"gzip refused", "gzip;q=0, deflate", "", 200, false},
		{"star", "*", "", 200, true},
		{"star but not gzip", "gzip;q=0, *", "", 200, false},
		{"br only", "br", "", 200, false},
		{"matching etag", "", plain.Header().Get("ETag"), 304, false},
		{"weak matching etag", "gzip", "W/" + zipped.Header().Get("ETag"), 304, false},
		{"etag of other encoding", "gzip", plain.Header().Get("ETag"), 200, true},
		{"list with match", "", `"x", ` + plain.Header().Get("ETag"), 304, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(mux, "/js/parley.js", "Accept-Encoding", tt.acceptEncoding, "If-None-Match", tt.ifNoneMatch)
			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantCode)
			}
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tt.wantGzip {
				t.Errorf("gzip = %v, want %v", got, tt.wantGzip)
			}
			if tt.wantCode == 304 && rec.Body.Len() != 0 {
				t.Error("304 with a body")
			}
		})
	}
	req := httptest.NewRequest(http.MethodHead, "/js/parley.js", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, body %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestDemoPage(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		query      string
		wantScript string
		wantInPage []string
		wantCSP    []string
	}{
		{
			name:       "own origin",
			opts:       Options{DemoSite: "localhost"},
			wantScript: `<script src="/js/parley.js" data-site="localhost" data-theme="auto" data-lang="en" defer></script>`,
			wantCSP:    []string{"script-src 'self';", "connect-src 'self';"},
		},
		{
			name:       "public URL with prefix",
			opts:       Options{PublicURL: "https://comments.example.com/c/", DemoSite: "comments.example.com"},
			wantScript: `<script src="https://comments.example.com/c/js/parley.js" data-site="comments.example.com"`,
			wantCSP:    []string{"script-src 'self' https://comments.example.com;", "connect-src 'self' https://comments.example.com;"},
		},
		{
			name:       "no demo site",
			opts:       Options{PublicURL: "http://localhost:8080"},
			wantScript: `<script src="http://localhost:8080/js/parley.js" data-theme="auto"`,
		},
		{
			name:       "theme and language",
			opts:       Options{},
			query:      "?theme=dark&lang=ar",
			wantScript: `data-theme="dark" data-lang="ar" defer>`,
			wantInPage: []string{`<html lang="en" data-theme="dark">`},
		},
		{
			name:       "hostile query ignored",
			opts:       Options{},
			query:      "?theme=%22%3E%3Cscript%3E&lang=%22%3E%3Cb%3E",
			wantScript: `data-theme="auto" data-lang="en" defer>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, mux := newMux(t, tt.opts)
			rec := get(mux, "/demo"+tt.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			page := rec.Body.String()
			for _, want := range append([]string{tt.wantScript, `<div id="parley"></div>`, `data-parley-count="/demo"`}, tt.wantInPage...) {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range append([]string{"default-src 'none'", "frame-ancestors 'none'"}, tt.wantCSP...) {
				if !strings.Contains(csp+";", want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
			if style == nil {
				t.Fatal("no <style> in the page")
			}
			sum := sha256.Sum256([]byte(style[1]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
				t.Errorf("CSP does not allow the page's own <style> (%s)", h)
			}
			if rec.Header().Get("Set-Cookie") != "" || strings.Contains(page, "<script>") {
				t.Error("the demo page sets a cookie or has an inline script")
			}
		})
	}
	if _, err := New(Options{PublicURL: "comments.example.com"}); err == nil {
		t.Error("New accepted a public URL without a scheme")
	}
}

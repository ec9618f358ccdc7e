package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/media"
)

func TestServeAvatarImages(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		png := []byte("\x89PNG\r\n\x1a\nnot really, but stored as given")
		avatars := &media.Avatars{Store: e.store}
		path, err := avatars.Put(context.Background(), png)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(png)
		if path != media.AvatarPath(sum[:]) {
			t.Fatalf("path %q", path)
		}
		seed := e.sealer.IdenticonSeed("user\x001")
		for _, c := range []struct{ path, contentType string }{
			{path, "image/png"},
			{media.IdenticonPath(seed), "image/svg+xml"},
		} {
			r := e.do(req{method: "GET", path: c.path, origin: "-"})
			want := map[string]string{
				"Content-Type":                 c.contentType,
				"Cache-Control":                "public, max-age=31536000, immutable",
				"X-Content-Type-Options":       "nosniff",
				"Content-Security-Policy":      "default-src 'none'; sandbox",
				"Cross-Origin-Resource-Policy": "cross-origin",
			}
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d", c.path, r.status)
			}
			for k, v := range want {
				if got := r.header.Get(k); got != v {
					t.Errorf("GET %s: %s = %q, want %q", c.path, k, got, v)
				}
			}
			if c.contentType == "image/png" && !bytes.Equal(r.raw, png) {
				t.Errorf("GET %s: other bytes", c.path)
			}
		}
		upper := strings.Replace(path, path[9:11], strings.ToUpper(path[9:11]), 1)
		for _, bad := range []string{
			media.AvatarPath(make([]byte, 32)), // well formed, stored nowhere
			strings.TrimSuffix(path, ".png") + ".svg", path[:len(path)-6] + ".png", upper,
			"/avatars/identicon/zz.svg", "/avatars/identicon/" + strings.Repeat("0", 31) + ".svg",
		} {
			if r := e.do(req{method: "GET", path: bad, origin: "-"}); r.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", bad, r.status)
			}
		}
	})
}

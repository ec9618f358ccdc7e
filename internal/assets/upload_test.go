package assets

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/parleyhq/parley/web/widget"
)

// TestUploadModuleIsServed: the widget imports /upload.js as a module from
// host pages of other origins, so it is served with CORS open to all (it
// is public and the same for everyone), as JavaScript, never sniffed.
func TestUploadModuleIsServed(t *testing.T) {
	_, mux := newMux(t, Options{})
	rec := get(mux, widget.UploadPath, "Origin", "https://blog.example")
	want, _ := widget.UploadScript()
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
		t.Fatalf("GET %s: %d", widget.UploadPath, rec.Code)
	}
	for k, v := range map[string]string{"Content-Type": "text/javascript; charset=utf-8", "Access-Control-Allow-Origin": "*",
		"X-Content-Type-Options": "nosniff", "Cache-Control": cachePlain} {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

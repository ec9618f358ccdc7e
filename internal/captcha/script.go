package captcha

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
)

//go:embed captcha.js
var script []byte

// ScriptPath is where Parley serves the solver.
const ScriptPath = "/captcha.js"

// scriptVersion is the first 16 hex digits of the solver's SHA-256: its
// ETag, and the v= of ScriptURL.
var scriptVersion = sync.OnceValue(func() string {
	sum := sha256.Sum256(script)
	return hex.EncodeToString(sum[:8])
})

// ScriptURL is the solver's address, versioned by its content, for a page's
// <script src> (on Parley's origin): cached for a year, since a new solver
// has a new address.
func ScriptURL() string { return ScriptPath + "?v=" + scriptVersion() }

// ServeScript serves the solver: with ?v= of the current version cached for
// a year as immutable, otherwise for an hour and revalidated by its ETag.
func ServeScript(w http.ResponseWriter, r *http.Request) {
	etag := `"` + scriptVersion() + `"`
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	// The widget imports the solver as a module from the sites' pages,
	// which needs CORS; the script is public and the same for everyone.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == scriptVersion() {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(script)))
	w.Write(script)
}

package api

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/comment"
)

// The account popup: GET /account?origin=ORIGIN, opened by the widget's
// "Account" link, shows and changes the signed-in account (profile, email,
// sessions) through the JSON API. The page's script (pages/account.js,
// served with a content-hashed name) gets the session token from its
// opener by postMessage and keeps it in memory: Parley's origin stores
// nothing. See docs/authentication.md.

//go:embed pages/account.js
var accountJS []byte

// accountJSPath is the script's address: its name changes with its content,
// so it can be cached for good.
var accountJSPath = "/account/account-" + contentHash(accountJS) + ".js"

// contentHash is the first 12 hex digits of the SHA-256 of b.
func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// profileData is what profile.html shows.
type profileData struct {
	Title, Nonce, Origin, Script string
	MaxName                      int
}

// accountPage serves GET /account?origin=ORIGIN. ORIGIN must be an origin
// of a registered site: the page asks it, and only it, for the token.
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) {
	origin := r.URL.Query().Get("origin")
	if h.sites.byOrigin(r.Context(), origin) == nil {
		renderPage(w, http.StatusForbidden, pageData{Title: "This page cannot open here",
			Lines: []string{"It opens from the “Account” link under the comments of a site that uses this server."}})
		return
	}
	d := profileData{Title: "Your account", Nonce: newNonce(), Origin: origin, Script: accountJSPath, MaxName: comment.MaxNameLength}
	writePage(w, http.StatusOK, "profile.html", d, "default-src 'none'; script-src 'nonce-"+d.Nonce+"'; style-src 'nonce-"+d.Nonce+"'; "+
		"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
}

// accountScript serves the account page's script at accountJSPath, cached
// for a year; any other name is 404.
func (h *Handler) accountScript(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != accountJSPath {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(accountJS)
}

// ownOrigin reports whether origin is Parley's own (PublicURL): the account
// page calls the account routes from there.
func (h *Handler) ownOrigin(origin string) bool {
	u, err := url.Parse(h.PublicURL)
	return err == nil && u.Host != "" && strings.EqualFold(origin, u.Scheme+"://"+u.Host)
}

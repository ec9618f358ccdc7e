package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/testtools"
)

const ssoSecret = "site-sso-secret-for-tests-0123456789abcdef"

// enableSSO gives the test site an SSO secret and sets the clock to now,
// since the documented examples sign with the real time.
func (e *env) enableSSO() {
	e.t.Helper()
	if err := e.store.SetSSOSecret(context.Background(), e.site.ID, ssoSecret); err != nil {
		e.t.Fatal(err)
	}
	e.now = time.Now().UTC().Truncate(time.Second)
}

func (e *env) ssoLogin(token string, origin string) *resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/auth/sso", origin: origin, body: map[string]any{"site": e.site.Host, "token": token}})
}

// pictureServer serves a PNG picture over TLS, recording the paths asked
// in log when it is not nil; the returned fetcher trusts it and may reach
// loopback (media's test option).
func pictureServer(t *testing.T, log *pathLog) (*httptest.Server, *media.Fetcher) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 80))
	img.Set(3, 3, color.NRGBA{B: 255, A: 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(buf.Bytes()) })
	if log != nil {
		h = log.wrap(h)
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	tls := srv.Client().Transport.(*http.Transport).TLSClientConfig
	return srv, media.NewFetcher(media.FetcherOptions{AllowLoopback: true, TLS: tls})
}

func TestSSOSignsInAndComments(t *testing.T) {
	fetched := &pathLog{}
	pics, fetcher := pictureServer(t, fetched)
	eachDB(t, options{fetcher: fetcher}, func(t *testing.T, e *env) {
		e.enableSSO()
		fetched.take()
		user := SSOUser{ID: "u-42", Name: "Ada Site", Email: "ada@site.example", Avatar: pics.URL + "/ada.png", Profile: "https://blog.example/people/ada"}
		r := e.ssoLogin(SSOToken(ssoSecret, user), "")
		if r.status != http.StatusOK || r.str("token") == "" || r.str("user.name") != "Ada Site" {
			t.Fatalf("sso sign-in: %d %s", r.status, r.raw)
		}
		id, token := r.num("user.id"), r.str("token")
		avatar := r.str("user.avatarUrl")
		if !regexp.MustCompile(`^/avatars/[0-9a-f]{64}\.png$`).MatchString(avatar) {
			t.Fatalf("avatar %q is not served from the Parley origin", avatar)
		}
		c := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token), body: newComment("signed in by my site", nil)})
		if c.status != http.StatusCreated || c.str("comment.author.name") != "Ada Site" ||
			c.str("comment.author.avatarUrl") != avatar || c.str("comment.author.profileUrl") != user.Profile {
			t.Fatalf("comment as the SSO user: %d %s", c.status, c.raw)
		}
		thread := e.thread("path=/post")
		if bytes.Contains(thread.raw, []byte("ada@site.example")) || bytes.Contains(thread.raw, []byte(pics.URL)) {
			t.Fatalf("the thread shows the email or the picture's own URL: %s", thread.raw)
		}
		img := e.do(req{method: "GET", path: avatar, origin: "-"})
		if img.status != 200 || img.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(img.raw, []byte("\x89PNG")) {
			t.Fatalf("avatar: %d %v", img.status, img.header)
		}

		// A second sign-in is the same account, with what the site says now.
		user.Name = "Ada Renamed"
		r = e.ssoLogin(SSOToken(ssoSecret, user), "")
		if r.status != 200 || r.num("user.id") != id || r.str("user.name") != "Ada Renamed" || r.str("user.avatarUrl") != avatar {
			t.Fatalf("second sign-in: %d %s", r.status, r.raw)
		}
		if got := fetched.take(); len(got) != 1 {
			t.Errorf("the picture was fetched %d times for two sign-ins with the same URL, want once", len(got))
		}
		// The email is the account's own, but it finds no one by email:
		// a site cannot take over an account of that address.
		if _, err := e.store.UserByEmail(context.Background(), "ada@site.example"); err == nil {
			t.Fatal("an SSO account is reachable by its email")
		}
		me := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(r.str("token"))})
		if me.str("user.email") != "ada@site.example" {
			t.Fatalf("me: %s", me.raw)
		}
	})
}

func TestSSORefusals(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := &model.Site{Host: "other.example", Settings: model.DefaultSiteSettings()}
		if err := e.store.CreateSite(ctx, other); err != nil {
			t.Fatal(err)
		}
		if r := e.ssoLogin(SSOToken(ssoSecret, SSOUser{ID: "1", Name: "A"}), ""); r.status != 403 || r.str("error.code") != "sso_disabled" {
			t.Fatalf("site without SSO: %d %s", r.status, r.raw)
		}
		e.enableSSO()
		e.store.SetSSOSecret(ctx, other.ID, auth.NewSSOSecret())
		sign := func(p auth.SSOPayload) string { return auth.SignSSOToken(ssoSecret, p) }
		exp := e.now.Add(5 * time.Minute).Unix()
		good := sign(auth.SSOPayload{ID: "7", Name: "Bo", Exp: exp})
		cases := []struct {
			name, site, origin, token string
			status                    int
			code, field               string
		}{
			{"wrong signature", "", "", sign(auth.SSOPayload{ID: "7", Exp: exp})[:10] + "." + strings.Repeat("A", 43), 401, "sso_bad_signature", "token"},
			{"signed with another secret", "", "", auth.SignSSOToken("not-the-secret", auth.SSOPayload{ID: "7", Exp: exp}), 401, "sso_bad_signature", "token"},
			{"token of another site", "other.example", "-", good, 401, "sso_bad_signature", "token"},
			{"expired", "", "", sign(auth.SSOPayload{ID: "7", Exp: e.now.Unix()}), 401, "sso_expired", "token"},
			{"exp too far ahead", "", "", sign(auth.SSOPayload{ID: "7", Exp: e.now.Add(auth.MaxSSOTokenLifetime + time.Minute).Unix()}), 400, "sso_exp_too_far", "token"},
			{"no id", "", "", sign(auth.SSOPayload{Name: "x", Exp: exp}), 400, "sso_malformed", "token"},
			{"not a token", "", "", "hello", 400, "sso_malformed", "token"},
			{"over the size bound", "", "", strings.Repeat("a", auth.MaxSSOTokenBytes) + ".b", 400, "sso_malformed", "token"},
			{"bad profile URL", "", "", sign(auth.SSOPayload{ID: "7", Name: "Bo", ProfileURL: "javascript:alert(1)", Exp: exp}), 400, "invalid_field", "profile"},
			{"bad email", "", "", sign(auth.SSOPayload{ID: "7", Name: "Bo", Email: "not an email", Exp: exp}), 400, "invalid_field", "email"},
			{"origin of no site", "", "https://evil.example", good, 403, "origin_not_allowed", ""},
			{"origin of another site", "", "https://other.example", good, 403, "origin_not_allowed", ""},
			{"unknown site", "nowhere.example", "-", good, 404, "site_not_found", "site"},
		}
		for i, c := range cases {
			site := c.site
			if site == "" {
				site = e.site.Host
			}
			ip := fmt.Sprintf("192.0.2.%d", 10+i) // each its own network: sign-ins are rate limited
			r := e.do(req{method: "POST", path: "/api/v1/auth/sso", origin: c.origin, ip: ip, body: map[string]any{"site": site, "token": c.token}})
			if r.status != c.status || r.str("error.code") != c.code || r.str("error.field") != c.field {
				t.Errorf("%s: %d %s, want %d %s field %q", c.name, r.status, r.raw, c.status, c.code, c.field)
			}
		}
		// The good token works once, from a page of the site or its server.
		if r := e.ssoLogin(good, "http://localhost:4000"); r.status != 200 {
			t.Fatalf("good token: %d %s", r.status, r.raw)
		}
		if r := e.ssoLogin(good, "-"); r.status != 409 || r.str("error.code") != "sso_replayed" {
			t.Fatalf("replayed token: %d %s", r.status, r.raw)
		}
		// Used tokens are forgotten once expired, when they are refused as such.
		e.now = time.Unix(exp, 0).Add(time.Second)
		if n, err := e.store.PurgeSSOTokens(ctx, e.now); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if r := e.ssoLogin(good, "-"); r.str("error.code") != "sso_expired" {
			t.Fatalf("replayed after purge: %d %s", r.status, r.raw)
		}
	})
}

// TestSSOPictureRefused: a picture that cannot be fetched safely (here, a
// loopback address the server's fetcher refuses) gives an identicon from
// the Parley origin, and the sign-in still succeeds.
func TestSSOPictureRefused(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.enableSSO()
		r := e.ssoLogin(SSOToken(ssoSecret, SSOUser{ID: "9", Name: "Cy", Email: "cy@site.example", Avatar: "https://127.0.0.1/cy.png"}), "")
		avatar := r.str("user.avatarUrl")
		if r.status != 200 || !strings.HasPrefix(avatar, media.IdenticonPrefix) || strings.Contains(avatar, "cy") {
			t.Fatalf("sign-in with a refused picture: %d %s", r.status, r.raw)
		}
		img := e.do(req{method: "GET", path: avatar, origin: "-"})
		if img.status != 200 || img.header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(img.raw, []byte("<svg")) {
			t.Fatalf("identicon: %d %v", img.status, img.header)
		}
		again := e.ssoLogin(SSOToken(ssoSecret, SSOUser{ID: "9", Name: "Cy"}), "")
		if again.str("user.avatarUrl") != avatar {
			t.Fatalf("identicon changed between sign-ins: %q then %q", avatar, again.str("user.avatarUrl"))
		}
	})
}

// TestSSOGravatar: with Gravatar enabled, an account without a picture of
// its own gets its Gravatar, fetched by the server with the SHA-256 of the
// email (never the address) and served from the Parley origin.
func TestSSOGravatar(t *testing.T) {
	asked := &pathLog{}
	pics, fetcher := pictureServer(t, asked)
	eachDB(t, options{fetcher: fetcher, gravatar: pics.URL + "/avatar/%s?d=404"}, func(t *testing.T, e *env) {
		e.enableSSO()
		asked.take()
		r := e.ssoLogin(SSOToken(ssoSecret, SSOUser{ID: "g", Name: "Gus", Email: "Gus@Site.example"}), "")
		sum := sha256.Sum256([]byte("gus@site.example"))
		if r.status != 200 || !strings.HasSuffix(r.str("user.avatarUrl"), ".png") {
			t.Fatalf("sign-in: %d %s", r.status, r.raw)
		}
		if got := asked.take(); len(got) != 1 || got[0] != "/avatar/"+hex.EncodeToString(sum[:]) {
			t.Fatalf("Gravatar was asked for %q, want the SHA-256 of the normalised email", got)
		}
	})
}

// pathLog records the paths a test server was asked for.
type pathLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *pathLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.paths = append(l.paths, r.URL.Path)
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// take returns the paths recorded so far and forgets them.
func (l *pathLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.paths
	l.paths = nil
	return out
}

// docBlock returns the code block of docs/authentication.md that follows
// the HTML comment marker.
func docBlock(t *testing.T, marker string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/authentication.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(marker) + " -->\\s*```[a-z]*\\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/authentication.md has no code block after <!-- %s -->", marker)
	}
	return string(m[1])
}

// TestSSODocsExamples: the documented Go example is the code of
// sso_example_test.go (which the tests above sign in with), and the
// documented Node.js example, run by node, makes a token Parley accepts.
func TestSSODocsExamples(t *testing.T) {
	src, err := os.ReadFile("sso_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := strings.Cut(string(src), "// docs:sso-go-example\n")
	code, _, _ = strings.Cut(code, "// docs:end\n")
	if doc := docBlock(t, "sso-go-example"); strings.TrimSpace(doc) != strings.TrimSpace(code) {
		t.Errorf("the Go example in docs/authentication.md differs from sso_example_test.go:\n%s", doc)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testtools.Missing(t, "node", "apt-get install nodejs")
		return
	}
	script := filepath.Join(t.TempDir(), "sso.js")
	main := "\nconsole.log(ssoToken(process.argv[2], JSON.parse(process.argv[3])));\n"
	if err := os.WriteFile(script, []byte(docBlock(t, "sso-node-example")+main), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "sqlite", options{})
	e.enableSSO()
	out, err := exec.Command(node, script, ssoSecret, `{"id":"n-1","name":"Node User","email":"n@site.example"}`).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	r := e.ssoLogin(strings.TrimSpace(string(out)), "")
	if r.status != 200 || r.str("user.name") != "Node User" {
		t.Fatalf("token from the Node.js example: %d %s", r.status, r.raw)
	}
}

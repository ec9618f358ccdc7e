package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/testtools"
)

// suite is what every test shares: one Parley server, one host page server on another origin
// and one browser. Each test opens its own browser context, so storage never leaks between tests.
type suite struct {
	parley string // Parley origin, "http://127.0.0.1:PORT"
	host   string // host page origin, "http://127.0.0.1:PORT2"
	site   string // the host page's site as registered, "127.0.0.1:PORT2"
	// strict is the same host page server reached as localhost: another origin, registered as a
	// site with every comment held for moderation and email required.
	strict     string // "http://localhost:PORT2"
	strictSite string // "localhost:PORT2"
	dataDir    string
	chrome     string // the Chromium binary
	browser    context.Context
	axe        string // axe.min.js source; "" when not installed
}

var (
	env        *suite
	skipReason string
	required   = testtools.Required()
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if testing.Short() {
		skipReason = "browser tests skipped in -short mode"
		return m.Run()
	}
	chrome := chromiumPath()
	if chrome == "" {
		skipReason = "Chromium not found (install Debian's chromium package or set PARLEY_CHROMIUM); browser tests skipped"
		if required {
			fmt.Fprintln(os.Stderr, "e2e: PARLEY_E2E_REQUIRED=1 but Chromium was not found: install Debian's chromium package or set PARLEY_CHROMIUM")
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: "+skipReason)
		return m.Run()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, stop, err := start(ctx, chrome)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: setup:", err)
		return 1
	}
	defer stop()
	env = s
	return m.Run()
}

// need skips the test when the suite could not start for a reason that is allowed.
func need(t *testing.T) *suite {
	t.Helper()
	if env == nil {
		t.Skip(skipReason)
	}
	return env
}

func chromiumPath() string {
	if p := os.Getenv("PARLEY_CHROMIUM"); p != "" {
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start brings up Parley (site registered first), the host page server and Chromium.
func start(ctx context.Context, chrome string) (*suite, func(), error) {
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	fail := func(err error) (*suite, func(), error) { stop(); return nil, nil, err }

	dir, err := os.MkdirTemp("", "parley-e2e-")
	if err != nil {
		return fail(err)
	}
	stops = append(stops, func() { os.RemoveAll(dir) })

	hostLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	s := &suite{
		parley: fmt.Sprintf("http://127.0.0.1:%d", port),
		host:   "http://" + hostLn.Addr().String(),
		site:   hostLn.Addr().String(),
	}
	hostPort := hostLn.Addr().(*net.TCPAddr).Port
	s.strictSite = fmt.Sprintf("localhost:%d", hostPort)
	s.strict = "http://" + s.strictSite
	// The browser tests post one comment after another and type faster than
	// people: the flood limits (tested through the API) would refuse them.
	vars := map[string]string{"PARLEY_WRITE_RATE": "0", "PARLEY_LOG_LEVEL": "warn", "PARLEY_COMMENT_INTERVAL": "0", "PARLEY_MIN_FILL_TIME": "0",
		"PARLEY_WEBHOOK_ALLOW_PRIVATE": "true"} // webhooks_test.go receives on 127.0.0.1
	getenv := func(k string) string { return vars[k] }
	data := filepath.Join(dir, "data")
	s.dataDir = data
	for _, args := range [][]string{
		{"site", "add", s.site, "--data-dir", data},
		// The reader tests post hostile text full of links, which the
		// default link limit would hold (internal/policy tests the limit).
		{"site", "spam", s.site, "--link-limit", "0", "--data-dir", data},
		{"site", "add", s.strictSite, "--moderation", "all", "--require-email", "--data-dir", data},
	} {
		if err := cli.Run(ctx, args, getenv, io.Discard, os.Stderr); err != nil {
			return fail(fmt.Errorf("parley %s: %w", strings.Join(args, " "), err))
		}
	}
	sctx, cancelServe := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- cli.Run(sctx, []string{"serve", "--listen", strings.TrimPrefix(s.parley, "http://"), "--data-dir", data}, getenv, io.Discard, os.Stderr)
	}()
	stops = append(stops, func() { cancelServe(); <-served })
	if err := waitHealthy(s.parley, served); err != nil {
		return fail(err)
	}

	hostSrv := httptest.NewUnstartedServer(http.HandlerFunc(s.hostPage))
	hostSrv.Listener.Close()
	hostSrv.Listener = hostLn
	hostSrv.Start()
	stops = append(stops, hostSrv.Close)

	if src, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js")); err == nil {
		s.axe = string(src)
	}

	s.chrome = chrome
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromeOptions(chrome, filepath.Join(dir, "chromium"))...)
	stops = append(stops, cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stops = append(stops, cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		return fail(fmt.Errorf("start chromium: %w", err))
	}
	s.browser = bctx
	return s, stop, nil
}

// chromeOptions are the suite's Chromium flags, with its profile in the directory profile.
func chromeOptions(chrome, profile string) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(profile),
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1100, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

func waitHealthy(base string, served <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-served:
			return fmt.Errorf("parley serve stopped: %v", err)
		default:
		}
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("parley at %s not healthy after 30s", base)
}

// ---------- the host page ----------

// hostPageData drives the third-party page that embeds the widget. Query parameters: lang
// (data-lang), htmllang (<html lang>), theme, page (data-page), site (data-site), target, counts
// (comma-separated paths for count widgets) and nothread=1 (count widgets only).
type hostPageData struct {
	Title, HTMLLang, Script             string
	Lang, Theme, Page, Site, DataTarget string // data-* attributes of the script; "" leaves one out
	Counts                              []string
	Target                              string
	Thread                              bool
}

var hostTmpl = template.Must(template.New("host").Parse(`<!doctype html>
<html lang="{{.HTMLLang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; background: #fff; }
/* ordinary host CSS the widget must neither break under nor leak into */
button { text-transform: uppercase; background: #c00; color: #fff; }
ol { list-style: upper-roman; padding-left: 3rem; }
textarea { width: 80px; }
p { margin: 0 0 1.25rem; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p id="hostp">An article on a third-party site.</p>
<button id="hostbtn" type="button">Host button</button>
{{range .Counts}}<p class="count"><span data-parley-count="{{.}}">?</span> comments on {{.}}</p>
{{end}}{{if .Thread}}<div id="{{.Target}}"></div>{{end}}
</main>
<script src="{{.Script}}"{{with .Lang}} data-lang="{{.}}"{{end}}{{with .Theme}} data-theme="{{.}}"{{end}}{{with .Page}} data-page="{{.}}"{{end}}{{with .Site}} data-site="{{.}}"{{end}}{{with .DataTarget}} data-target="{{.}}"{{end}} defer></script>
</body>
</html>
`))

func (s *suite) hostPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := hostPageData{
		Title:    "Article " + r.URL.Path,
		HTMLLang: q.Get("htmllang"),
		Script:   s.parley + "/js/parley.js",
		Lang:     q.Get("lang"),
		Theme:    q.Get("theme"),
		Page:     q.Get("page"),
		Site:     q.Get("site"),
		Target:   "parley",
		Thread:   q.Get("nothread") == "",
	}
	if v := q.Get("target"); v != "" {
		d.Target, d.DataTarget = v, v
	}
	if v := q.Get("counts"); v != "" {
		d.Counts = strings.Split(v, ",")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := hostTmpl.Execute(w, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// ---------- API seeding (as another visitor would) ----------

type posted struct {
	ID    int64
	Token string
}

// post creates a comment through the public API with the host page's Origin. parent 0 is a
// root comment. userAgent varies the voter identity.
func (s *suite) post(t *testing.T, site, origin, path, text, name string, parent int64) posted {
	t.Helper()
	body := map[string]any{"site": site, "path": path, "title": "Article " + path, "text": text, "author": map[string]string{"name": name}}
	if parent != 0 {
		body["parentId"] = parent
	}
	var out struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
		EditToken string `json:"editToken"`
	}
	s.call(t, http.MethodPost, "/api/v1/comments", origin, "", body, &out, http.StatusCreated)
	return posted{ID: out.Comment.ID, Token: out.EditToken}
}

// seed posts on the host page's site.
func (s *suite) seed(t *testing.T, path, text, name string, parent int64) posted {
	t.Helper()
	return s.post(t, s.site, s.host, path, text, name, parent)
}

// remove deletes a comment with its edit token, as its author would.
func (s *suite) remove(t *testing.T, c posted) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, fmt.Sprintf("%s/api/v1/comments/%d", s.parley, c.ID), nil)
	req.Header.Set("Origin", s.host)
	req.Header.Set("X-Parley-Edit-Token", c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete comment %d: status %d", c.ID, resp.StatusCode)
	}
}

func (s *suite) vote(t *testing.T, id int64, value int, userAgent string) {
	t.Helper()
	s.call(t, http.MethodPost, fmt.Sprintf("/api/v1/comments/%d/vote", id), s.host, userAgent, map[string]int{"value": value}, nil, http.StatusOK)
}

func (s *suite) call(t *testing.T, method, path, origin, userAgent string, body, out any, want int) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.parley+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	if userAgent != "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// ---------- a browser tab ----------

// tab is one page in its own browser context (fresh cookies and storage) that records every
// network request, every Set-Cookie and every JavaScript dialog.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu         sync.Mutex
	requests   []string
	setCookies []string
	dialogs    []string
}

func newTab(t *testing.T) *tab {
	t.Helper()
	return newTabIn(t, need(t).browser)
}

// newTabIn is newTab in another browser (one started with other settings).
func newTabIn(t *testing.T, browser context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.mu.Lock()
			tb.requests = append(tb.requests, ev.Request.URL)
			tb.mu.Unlock()
		case *network.EventResponseReceived:
			for k, v := range ev.Response.Headers {
				if strings.EqualFold(k, "set-cookie") {
					tb.mu.Lock()
					tb.setCookies = append(tb.setCookies, fmt.Sprintf("%s: %v", ev.Response.URL, v))
					tb.mu.Unlock()
				}
			}
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
			tb.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return tb
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// open navigates and waits until the widget has rendered a thread (or, with nothread, until
// every count widget is filled).
func (tb *tab) open(u string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(u))
	if strings.Contains(u, "nothread=1") {
		tb.wait(`[...document.querySelectorAll('[data-parley-count]')].every(e => /^\d+$/.test(e.textContent))`)
		return
	}
	tb.wait(`document.querySelector('.parley .p-thread')`)
}

// wait polls a JavaScript expression until it is truthy.
func (tb *tab) wait(expr string) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		dump, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(document.querySelector('.parley') || document.body).outerHTML.slice(0, 3000)`))
		tb.t.Fatalf("waiting for %s: %v\nwidget: %s", expr, err, dump)
	}
}

func evalJS[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (tb *tab) str(expr string) string { tb.t.Helper(); return evalJS[string](tb, expr) }
func (tb *tab) num(expr string) int    { tb.t.Helper(); return evalJS[int](tb, expr) }
func (tb *tab) yes(expr string) bool   { tb.t.Helper(); return evalJS[bool](tb, expr) }

func (tb *tab) click(css string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(css)))
}

// submit clicks a button or link that loads a new page (a form's post and
// its redirect) and waits until that page has loaded, so that what the test
// looks for next cannot be found on the page before.
func (tb *tab) submit(css string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		tb.t.Fatalf("submit %s: %v", css, err)
	}
}

// clickAction clicks the action button with the given label on a comment.
func (tb *tab) clickAction(id int64, label string) {
	tb.t.Helper()
	ok := tb.yes(fmt.Sprintf(`(() => {
		const b = [...document.querySelectorAll('#comment-%d > .p-body .p-acts button')].find(b => b.textContent === %q);
		if (b) b.click();
		return !!b;
	})()`, id, label))
	if !ok {
		tb.t.Fatalf("comment %d has no %q button", id, label)
	}
}

func (tb *tab) snapshotRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.requests...)
}

func (tb *tab) snapshotDialogs() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.dialogs...)
}

// assertOnlyOrigins fails for any request that went elsewhere than Parley, or to the host
// origin for anything but the page documents themselves.
func (tb *tab) assertOnlyOrigins(pages ...string) {
	tb.t.Helper()
	s := need(tb.t)
	for _, r := range tb.snapshotRequests() {
		switch {
		case strings.HasPrefix(r, s.parley+"/"):
		case strings.HasPrefix(r, "data:"):
		case slices.Contains(pages, r):
		default:
			tb.t.Errorf("request to %s: only the Parley origin and the page itself may be contacted", r)
		}
	}
}

// parleyRequests returns the paths (with queries) of the requests that went to Parley.
func (tb *tab) parleyRequests() []string {
	var out []string
	for _, r := range tb.snapshotRequests() {
		if strings.HasPrefix(r, need(tb.t).parley+"/") {
			u, _ := url.Parse(r)
			out = append(out, u.RequestURI())
		}
	}
	return out
}

var paths sync.Map // test name → path, so that -count=N gets fresh threads each run

var runs atomic.Int64

// path returns a thread path unique to the test and the run, so tests never share a thread.
func path(t *testing.T) string {
	if p, ok := paths.Load(t); ok {
		return p.(string)
	}
	p := fmt.Sprintf("/%s-%d", strings.ToLower(strings.NewReplacer("/", "-", " ", "-", "_", "-", "?", "", "&", "-", "=", "-").Replace(t.Name())), runs.Add(1))
	paths.Store(t, p)
	return p
}

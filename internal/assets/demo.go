package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// demoPage is the article served at /demo: a realistic host page for the widget, on Parley's
// own origin, under a strict Content-Security-Policy that the widget has to live with.
type demoPage struct {
	tmpl    *template.Template
	script  string // widget URL
	site    string
	csp     string
	publicO string // origin of PublicURL, "" when the page's own origin serves the widget
}

// demoQuery holds the optional ?theme= and ?lang= of /demo, so visitors can try both.
type demoQuery struct {
	Script, Site, Theme, Lang string
}

var (
	demoThemes = map[string]bool{"light": true, "dark": true, "auto": true}
	demoLang   = regexp.MustCompile(`^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$`)
)

func newDemoPage(opts Options) (demoPage, error) {
	d := demoPage{script: "/js/parley.js", site: opts.DemoSite}
	if base := strings.TrimRight(opts.PublicURL, "/"); base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return d, fmt.Errorf("public URL %q is not an absolute http(s) URL", opts.PublicURL)
		}
		d.script = base + "/js/parley.js"
		d.publicO = u.Scheme + "://" + u.Host
	}
	tmpl, err := template.New("demo").Parse(demoHTML)
	if err != nil {
		return d, err
	}
	d.tmpl = tmpl
	sum := sha256.Sum256([]byte(demoCSS))
	origins := "'self'"
	if d.publicO != "" {
		origins += " " + d.publicO
	}
	d.csp = strings.Join([]string{
		"default-src 'none'",
		"script-src " + origins,
		"connect-src " + origins,
		"style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"img-src 'self' data:",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
	return d, nil
}

func (d demoPage) serve(w http.ResponseWriter, r *http.Request) {
	q := demoQuery{Script: d.script, Site: d.site, Theme: "auto", Lang: "en"}
	if v := r.URL.Query().Get("theme"); demoThemes[v] {
		q.Theme = v
	}
	if v := r.URL.Query().Get("lang"); demoLang.MatchString(v) {
		q.Lang = v
	}
	var buf bytes.Buffer
	if err := d.tmpl.Execute(&buf, struct {
		demoQuery
		CSS template.CSS
	}{q, template.CSS(demoCSS)}); err != nil {
		http.Error(w, "demo page unavailable", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Security-Policy", d.csp)
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

// demoCSS is the demo page's own style; its hash is in the CSP, so it must be the exact text of
// the <style> element.
const demoCSS = `
:root { color-scheme: light dark; --bg: #fbfaf7; --fg: #22252a; --muted: #5c6370; --card: #fff; --line: #e3e0d8; --accent: #0a58ca; }
@media (prefers-color-scheme: dark) { :root:not([data-theme=light]) { --bg: #0b0e13; --fg: #e6e9ee; --muted: #a2abb8; --card: #0d1117; --line: #2b313b; --accent: #6ea8fe; } }
:root[data-theme=dark] { --bg: #0b0e13; --fg: #e6e9ee; --muted: #a2abb8; --card: #0d1117; --line: #2b313b; --accent: #6ea8fe; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 17px/1.65 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 44rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .78rem; font-weight: 700; color: var(--accent); margin: 0; }
h1 { font: 800 2.3rem/1.15 Georgia, "Times New Roman", serif; margin: .4rem 0 .6rem; }
.byline { color: var(--muted); font-size: .95rem; margin: 0 0 2rem; }
.byline a, article a { color: var(--accent); }
article p { margin: 0 0 1.1rem; }
h2 { font: 700 1.35rem/1.3 Georgia, serif; margin: 2rem 0 .6rem; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; overflow-x: auto; font-size: .85rem; line-height: 1.5; }
.try { display: flex; flex-wrap: wrap; gap: .5rem; font-size: .9rem; margin: 1.5rem 0 0; padding: 0; list-style: none; }
.try a { display: inline-block; padding: .2rem .7rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; background: var(--card); }
#parley { margin-top: 3rem; padding: 1.5rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px; }
#parley .parley { --parley-bg: transparent; --parley-padding: 0; margin: 0; }
@media (max-width: 480px) { h1 { font-size: 1.8rem; } #parley { padding: 1rem .75rem; } }
`

const demoHTML = `<!doctype html>
<html lang="en" data-theme="{{.Theme}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comments that respect your readers — Parley demo</title>
<style>{{.CSS}}</style>
</head>
<body>
<main>
<article>
<p class="kicker">Parley demo</p>
<h1>Comments that respect your readers</h1>
<p class="byline">A sample article · <a href="#parley">Comments: <span data-parley-count="/demo">0</span></a></p>
<p>This page stands in for an article on your own site. Below it, Parley renders a live comment
thread: write a comment, reply to one, vote, edit or delete what you wrote in the next minutes.
Everything you see is served by this one Parley process.</p>
<p>Reading costs your visitors nothing: no cookies, nothing in browser storage and no request to
anyone but this server. Only when a visitor asks the widget to remember their name does it keep
it, in their own browser.</p>
<h2>Put it on your site</h2>
<p>Register your site with <code>parley site add example.com</code>, then paste two lines where
the comments should appear:</p>
<pre><code>&lt;div id="parley"&gt;&lt;/div&gt;
&lt;script src="{{.Script}}" defer&gt;&lt;/script&gt;</code></pre>
<ul class="try" aria-label="Try the widget">
<li><a href="?theme=light">Light</a></li>
<li><a href="?theme=dark">Dark</a></li>
<li><a href="?lang=de">Deutsch</a></li>
<li><a href="?lang=fr">Français</a></li>
<li><a href="?lang=ja">日本語</a></li>
<li><a href="?lang=ar">العربية</a></li>
</ul>
</article>
<div id="parley"></div>
</main>
<script src="{{.Script}}"{{if .Site}} data-site="{{.Site}}"{{end}} data-theme="{{.Theme}}" data-lang="{{.Lang}}" defer></script>
</body>
</html>
`

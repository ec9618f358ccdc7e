package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/testtools"
)

// prefersDark emulates the reader's colour scheme.
func prefersDark(dark bool) chromedp.Action[chromedp.Void] {
	v := "light"
	if dark {
		v = "dark"
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}},
		})
		return err
	})
}

// TestThemesAndLanguages renders the thread in each theme and in several languages, Arabic
// right-to-left, each with only the script and the thread requested.
func TestThemesAndLanguages(t *testing.T) {
	s := need(t)
	p := path(t)
	s.seed(t, p, "Hello from the thread.", "Ann", 0)
	tests := []struct {
		name, query string
		systemDark  bool
		theme       string // the widget root's data-theme
		lang, dir   string // the widget root's lang and dir
		heading     string
		post        string // label of the submit button
	}{
		{"light", "?theme=light", true, "light", "en", "ltr", "1 comment", "Post comment"},
		{"dark", "?theme=dark", false, "dark", "en", "ltr", "1 comment", "Post comment"},
		{"auto follows a dark system", "", true, "dark", "en", "ltr", "1 comment", "Post comment"},
		{"auto follows a light system", "?theme=auto", false, "light", "en", "ltr", "1 comment", "Post comment"},
		{"arabic is right-to-left", "?lang=ar", false, "light", "ar", "rtl", "تعليق واحد", "نشر التعليق"},
		{"html lang de-AT", "?htmllang=de-AT", false, "light", "de", "ltr", "1 Kommentar", "Kommentar senden"},
		{"data-lang beats html lang", "?htmllang=fr&lang=ja", false, "light", "ja", "ltr", "コメント 1 件", "コメントを投稿"},
		{"zh-Hans", "?lang=zh-Hans", false, "light", "zh", "ltr", "1 条评论", "发表评论"},
		{"russian plural", "?lang=ru-RU", false, "light", "ru", "ltr", "1 комментарий", "Отправить комментарий"},
		{"unknown language falls back to English", "?lang=tlh", false, "light", "en", "ltr", "1 comment", "Post comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTab(t)
			tb.do(prefersDark(tt.systemDark))
			tb.open(s.host + p + tt.query)
			got := tb.str(`(() => { const r = document.querySelector('.parley'); return [r.dataset.theme, r.lang, r.dir,
				r.querySelector('.p-count').textContent, r.querySelector('.p-main-form button[type=submit]').textContent].join('|'); })()`)
			want := strings.Join([]string{tt.theme, tt.lang, tt.dir, tt.heading, tt.post}, "|")
			if got != want {
				t.Errorf("rendered %q, want %q", got, want)
			}
			bg := tb.str(`getComputedStyle(document.querySelector('.parley')).backgroundColor`)
			if wantBG := map[string]string{"dark": "rgb(13, 17, 23)", "light": "rgba(0, 0, 0, 0)"}[tt.theme]; bg != wantBG {
				t.Errorf("background %s, want %s", bg, wantBG)
			}
			if tt.dir == "rtl" && !tb.yes(`getComputedStyle(document.querySelector('.parley .p-head')).direction === 'rtl'`) {
				t.Error("layout is not right-to-left")
			}
			if reqs := withoutLive(tb.parleyRequests()); len(reqs) != 2 {
				t.Errorf("first render made %d requests, want 2: %v", len(reqs), reqs)
			}
		})
	}
}

// axeResult is the part of an axe-core result the test reads.
type axeResult struct {
	Passes     int `json:"passes"`
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
}

// TestAccessibility scans the widget with axe-core in both themes and right-to-left, with a reply
// form and an error message on screen, and fails on any serious or critical violation.
func TestAccessibility(t *testing.T) {
	s := need(t)
	if s.axe == "" {
		testtools.Missing(t, "axe-core", "run npm ci in e2e/")
	}
	p := path(t)
	root := s.seed(t, p, "A comment with a [link](https://example.com), `code` and\n\n> a quote", "Ann", 0)
	s.seed(t, p, "A reply.", "Bob", root.ID)
	s.vote(t, root.ID, 1, "voter-a")
	for _, q := range []string{"?theme=light", "?theme=dark", "?lang=ar", "?lang=ar&theme=dark"} {
		t.Run(q, func(t *testing.T) {
			tb := newTab(t)
			tb.open(s.host + p + q)
			tb.wait(`document.querySelectorAll('.parley .p-c').length === 2`)
			tb.click(fmt.Sprintf(`#comment-%d > .p-body .p-vote`, root.ID))
			tb.yes(fmt.Sprintf(`(() => { document.querySelector('#comment-%d > .p-body .p-acts .p-link').click(); return true; })()`, root.ID))
			tb.click(topForm + ` button[type=submit]`) // shows an error message
			tb.wait(`!document.querySelector('` + topForm + ` .p-err').hidden`)
			tb.yes(`(() => { document.querySelector('` + topForm + ` details').open = true; return true; })()`)
			tb.axe(s, ".parley")
		})
	}
}

// axe runs axe-core on the elements of scope (a CSS selector) and fails the
// test on each serious or critical violation; lesser ones are logged.
func (tb *tab) axe(s *suite, scope string) {
	t := tb.t
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](s.axe)); err != nil {
		t.Fatalf("inject axe: %v", err)
	}
	raw := evalJS[[]byte](tb, `axe.run(document.querySelector(`+jsString(scope)+`), {resultTypes: ['violations']}).then(r => ({violations: r.violations, passes: r.passes.length}))`)
	var res axeResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Passes < 10 {
		t.Fatalf("axe checked only %d rules: the scan did not run on %s", res.Passes, scope)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		msg := fmt.Sprintf("%s (%s): %s\n  %s", v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// recordCSPViolations collects, from the next page load on, every
// Content-Security-Policy violation in window.__csp.
func (tb *tab) recordCSPViolations() {
	tb.do(chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => __csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
		})
		return err
	}))
}

// TestDemoPage: /demo on Parley's own origin renders and accepts a comment under its strict
// Content-Security-Policy without a single violation.
func TestDemoPage(t *testing.T) {
	s := need(t)
	tb := newTab(t)
	tb.recordCSPViolations()
	tb.open(s.parley + "/demo")
	if got := tb.str(`getComputedStyle(document.querySelector('.parley .p-count')).fontWeight`); got != "700" {
		t.Errorf("widget styles not applied under the demo's CSP (font-weight %s)", got)
	}
	tb.setValue(topForm+` input[name=name]`, "Demo visitor")
	hello := "Hello from the demo page, run " + path(t) + "."
	tb.setValue(topForm+` textarea`, hello)
	tb.click(topForm + ` button[type=submit]`)
	id := tb.commentID(hello)
	tb.wait(`/^\d+$/.test(document.querySelector('[data-parley-count]').textContent) && +document.querySelector('[data-parley-count]').textContent >= 0`)
	// Delete it again, which also keeps the demo thread clean for TestScreenshots.
	tb.clickAction(id, "Delete")
	tb.clickAction(id, "Really delete?")
	tb.wait(fmt.Sprintf(`!document.getElementById('comment-%d')`, id))
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on /demo: %s", v)
	}
	tb.assertOnlyOrigins()
}

// TestScreenshots rewrites docs/screenshots/*.png from the demo page when PARLEY_SCREENSHOTS=1.
func TestScreenshots(t *testing.T) {
	s := need(t)
	if os.Getenv("PARLEY_SCREENSHOTS") != "1" {
		t.Skip("set PARLEY_SCREENSHOTS=1 to rewrite docs/screenshots")
	}
	const demoSite, demoPath = "localhost", "/demo"
	post := func(text, name string, parent int64) int64 {
		return s.post(t, demoSite, s.parley, demoPath, text, name, parent).ID
	}
	a := post("This is the first comment section I've added that didn't need a cookie banner. Two lines of HTML, and the page still loads in a blink.", "Ada Lovelace", 0)
	b := post("Same here. Does it work with a strict Content-Security-Policy?\n\n> no third-party requests at all", "Grace Hopper", a)
	post("It does: the styles arrive as a constructed stylesheet, so `style-src` stays strict and nothing inline is needed.", "Linus", b)
	c := post("I moved my blog over in ten minutes:\n\n- export from the old system\n- `parley import`\n- done", "Margaret Hamilton", 0)
	post("Is there a dark theme? My site is dark by default.", "Dennis", 0)
	for i, ua := range []string{"a", "b", "c", "d"} {
		s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/vote", a), s.parley, ua, map[string]int{"value": 1}, nil, 200)
		if i < 2 {
			s.call(t, "POST", fmt.Sprintf("/api/v1/comments/%d/vote", c), s.parley, ua, map[string]int{"value": 1}, nil, 200)
		}
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct {
		file, query string
		width       int64
		dark        bool
	}{
		{"light.png", "?theme=light", 900, false},
		{"dark.png", "?theme=dark", 900, true},
		{"rtl.png", "?lang=ar&theme=light", 900, false},
		{"mobile.png", "?theme=light", 390, false},
	}
	for _, sh := range shots {
		tb := newTab(t)
		tb.do(chromedp.EmulateViewport(sh.width, 900, chromedp.EmulateScale(2)), prefersDark(sh.dark))
		tb.open(s.parley + demoPath + sh.query)
		tb.wait(`document.querySelectorAll('.parley .p-c').length >= 5`)
		tb.yes(`document.activeElement.blur(); true`)
		png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.ID("parley")))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sh.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", sh.file, len(png))
	}
}

package widget

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/testtools"
)

// The languages the issue promises besides the built-in English.
var required = []string{"ar", "de", "es", "fr", "ja", "nl", "pt", "ru", "zh"}

func readCatalog(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\w+\}`)

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return p
}

// TestTranslationsMatchEnglish keeps every translation complete: the same keys as en.json, the
// same {placeholders} in each message, and plural messages as objects with an "other" form.
func TestTranslationsMatchEnglish(t *testing.T) {
	en := readCatalog(t, "i18n/en.json")
	names, _ := fs.Glob(files, "i18n/*.json")
	var tags []string
	for _, name := range names {
		tag := strings.TrimSuffix(filepath.Base(name), ".json")
		tags = append(tags, tag)
		if tag == "en" {
			continue
		}
		t.Run(tag, func(t *testing.T) {
			tr := readCatalog(t, name)
			for key, want := range en {
				got, ok := tr[key]
				if !ok {
					t.Errorf("missing key %q", key)
					continue
				}
				switch want := want.(type) {
				case string:
					s, ok := got.(string)
					if !ok || strings.TrimSpace(s) == "" {
						t.Errorf("%q: want a non-empty string, got %v", key, got)
						continue
					}
					if !slices.Equal(placeholders(s), placeholders(want)) {
						t.Errorf("%q: placeholders %v, want %v", key, placeholders(s), placeholders(want))
					}
				case map[string]any:
					forms, ok := got.(map[string]any)
					if !ok || forms["other"] == nil {
						t.Errorf("%q: want plural forms with \"other\", got %v", key, got)
						continue
					}
					for form, v := range forms {
						if !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, form) {
							t.Errorf("%q: unknown plural form %q", key, form)
						}
						if s, ok := v.(string); !ok || s == "" {
							t.Errorf("%q.%s: want a non-empty string", key, form)
						}
					}
				}
			}
			for key := range tr {
				if _, ok := en[key]; !ok {
					t.Errorf("key %q is not in en.json", key)
				}
			}
		})
	}
	for _, tag := range required {
		if !slices.Contains(tags, tag) {
			t.Errorf("no translation for %q", tag)
		}
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		in      string
		wantTag string
		wantOK  bool
	}{
		{"de", "de", true},
		{"de-AT", "de", true},
		{"DE-at", "de", true},
		{"pt_BR", "pt", true},
		{"zh-CN", "zh", true},
		{"zh-Hans", "zh", true},
		{"zh-Hant-TW", "zh", true},
		{"ar", "ar", true},
		{" fr-CA ", "fr", true},
		{"ja-JP", "ja", true},
		{"en", "", false},
		{"en-GB", "", false},
		{"", "", false},
		{"xx", "", false},
		{"-", "", false},
		{"../en", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			tag, msgs, ok := Messages(tt.in)
			if tag != tt.wantTag || ok != tt.wantOK {
				t.Fatalf("Messages(%q) = %q, ok=%v; want %q, ok=%v", tt.in, tag, ok, tt.wantTag, tt.wantOK)
			}
			if !ok {
				if msgs != nil {
					t.Errorf("msgs = %s, want nil", msgs)
				}
				return
			}
			var m map[string]any
			if err := json.Unmarshal(msgs, &m); err != nil || m["post"] == nil {
				t.Errorf("msgs is not a message object: %v %s", err, msgs)
			}
			if bytes.ContainsAny(msgs, "\n\t") {
				t.Errorf("msgs are not compact")
			}
		})
	}
	got := Languages()
	slices.Sort(got)
	if !slices.Equal(got, required) {
		t.Errorf("Languages() = %v, want %v", got, required)
	}
}

func TestScript(t *testing.T) {
	js, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{placeholderEN, placeholderCSS} {
		if bytes.Contains(js, []byte(p)) {
			t.Errorf("placeholder %s left in the script", p)
		}
	}
	if !bytes.Contains(js, []byte(`.parley{`)) || !bytes.Contains(js, []byte(`"Post comment"`)) {
		t.Error("stylesheet or English messages not inlined")
	}
	again, _ := Script()
	if !bytes.Equal(js, again) {
		t.Error("Script is not deterministic")
	}
}

// TestServedScriptParses runs node --check on the script exactly as it is served, so a
// minification or placeholder mistake cannot ship a widget that does not parse.
func TestServedScriptParses(t *testing.T) {
	js, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testtools.Missing(t, "node", "install Node.js, on Debian apt-get install nodejs")
	}
	f := filepath.Join(t.TempDir(), "parley.js")
	if err := os.WriteFile(f, js, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Fatalf("served script does not parse: %v\n%s", err, out)
	}
}

// TestSourceRules guards the promises the source must keep by construction: markup is inserted
// only for server-sanitized HTML, no cookies, no eval, storage only through store(), and no
// template literals (MinifyJS relies on that).
func TestSourceRules(t *testing.T) {
	src, err := files.ReadFile("parley.js")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "innerHTML") && !strings.Contains(line, "// sanitized by the server") {
			t.Errorf("innerHTML on a line not marked as server-sanitized: %s", strings.TrimSpace(line))
		}
		if strings.Contains(line, "insertAdjacentHTML") || strings.Contains(line, "outerHTML") || strings.Contains(line, "document.write") {
			t.Errorf("markup insertion: %s", strings.TrimSpace(line))
		}
	}
	if n := strings.Count(s, "innerHTML"); n != 2 {
		t.Errorf("innerHTML used %d times, want 2 (comment.html and preview html)", n)
	}
	for _, banned := range []string{"document.cookie", "eval(", "new Function", "`", "setAttribute('style'", "XMLHttpRequest", "localStorage.", "sessionStorage."} {
		if strings.Contains(s, banned) {
			t.Errorf("parley.js contains %q", banned)
		}
	}
	if !strings.Contains(s, "credentials: 'omit'") {
		t.Error("fetch must omit credentials")
	}
}

func TestMinifyCSS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/* c */\n.a  {\n  color: red;\n  margin: 0 auto;\n}\n", ".a{color:red;margin:0 auto}"},
		{".parley :focus-visible { outline: 2px solid var(--x); }", ".parley :focus-visible{outline:2px solid var(--x)}"},
		{".a > .b, .c + .d { width: calc(100% - 2px); }", ".a>.b,.c + .d{width:calc(100% - 2px)}"},
		{"@media (max-width: 480px) { .a { b: c } }", "@media (max-width:480px){.a{b:c}}"},
	}
	for _, tt := range tests {
		if got := MinifyCSS(tt.in); got != tt.want {
			t.Errorf("MinifyCSS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMinifyJS(t *testing.T) {
	in := "// head\n(() => {\n  'use strict';\n\n  // note\n  const a = 'http://x'; // tail\n" +
		"  const b = 'a // b', c = \"it\\\"s // c\"; // gone\n  const d = `x // y`;\n})();\n"
	want := "(() => {\n'use strict';\nconst a = 'http://x';\n" +
		"const b = 'a // b', c = \"it\\\"s // c\";\nconst d = `x // y`;\n})();\n"
	if got := MinifyJS(in); got != want {
		t.Errorf("MinifyJS = %q, want %q", got, want)
	}
}

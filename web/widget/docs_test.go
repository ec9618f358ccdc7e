package widget

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestThemingVariablesDocumented keeps docs/embedding.md's table of --parley-* custom properties
// true: every property the stylesheet defines is listed, with the defaults it really has.
func TestThemingVariablesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/embedding.md")
	if err != nil {
		t.Skipf("docs not found: %v", err)
	}
	css, _ := files.ReadFile("parley.css")
	block := func(selector string) map[string]string {
		start := strings.Index(string(css), selector+" {")
		if start < 0 {
			t.Fatalf("no %q block in parley.css", selector)
		}
		body := string(css[start:])
		body = body[:strings.Index(body, "}")]
		m := map[string]string{}
		for _, d := range regexp.MustCompile(`(--parley-[\w-]+):\s*([^;]+);`).FindAllStringSubmatch(body, -1) {
			m[d[1]] = strings.TrimSpace(d[2])
		}
		return m
	}
	light, dark := block(".parley"), block(".parley[data-theme=dark]")
	rows := map[string][]string{}
	for _, r := range regexp.MustCompile("(?m)^\\| `(--parley-[\\w-]+)` \\|([^|]*)\\|([^|]*)\\|").FindAllStringSubmatch(string(doc), -1) {
		rows[r[1]] = []string{strings.Trim(strings.TrimSpace(r[2]), "`"), strings.Trim(strings.TrimSpace(r[3]), "`")}
	}
	for name, value := range light {
		row, ok := rows[name]
		if !ok {
			t.Errorf("%s is not documented", name)
			continue
		}
		if row[0] != value {
			t.Errorf("%s: documented light default %q, stylesheet has %q", name, row[0], value)
		}
		if d, ok := dark[name]; ok && row[1] != d {
			t.Errorf("%s: documented dark default %q, stylesheet has %q", name, row[1], d)
		}
	}
	for name := range rows {
		if _, ok := light[name]; !ok {
			t.Errorf("%s is documented but the stylesheet does not define it", name)
		}
	}
}

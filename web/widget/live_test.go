package widget

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/testtools"
)

// TestLiveScriptParses runs node --check on /live.js exactly as it is served, as a module.
func TestLiveScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testtools.Missing(t, "node", "install Node.js, on Debian apt-get install nodejs")
	}
	f := filepath.Join(t.TempDir(), "live.mjs")
	if err := os.WriteFile(f, LiveScript(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Fatalf("served live.js does not parse: %v\n%s", err, out)
	}
}

// TestLiveSourceRules: live.js inserts no markup, stores nothing (it may read the widget's edit
// tokens), sends no credentials, has no template literal (MinifyJS), and speaks every language
// the widget speaks.
func TestLiveSourceRules(t *testing.T) {
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "document.cookie",
		"eval(", "new Function", "`", "localStorage", "setItem", "removeItem", "withCredentials", "fetch("} {
		if strings.Contains(liveJS, banned) {
			t.Errorf("live.js contains %q", banned)
		}
	}
	var langs []string
	for _, m := range regexp.MustCompile(`(?m)^  (\w\w): \{n: \{(.*)$`).FindAllStringSubmatch(liveJS, -1) {
		langs = append(langs, m[1])
		if !strings.Contains(m[2], "other: '") || !strings.Contains(m[2], "changed: '") {
			t.Errorf("%s: want plural forms with other, and changed: %s", m[1], m[2])
		}
	}
	want := append(Languages(), "en")
	slices.Sort(langs)
	slices.Sort(want)
	if !slices.Equal(langs, want) {
		t.Errorf("live.js speaks %v, the widget %v", langs, want)
	}
}

package widget

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/testtools"
)

// TestUploadModuleRules: the upload module keeps the widget's promises —
// no markup inserted, no cookies, no eval, no template literals, requests
// to Parley only, without credentials — reads the session under the key
// the widget writes it, and parses as the module it is served as.
func TestUploadModuleRules(t *testing.T) {
	src, err := files.ReadFile("upload.js")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, banned := range []string{"innerHTML", "insertAdjacentHTML", "outerHTML", "document.write", "document.cookie", "eval(", "new Function", "`", "XMLHttpRequest", "sessionStorage"} {
		if strings.Contains(s, banned) {
			t.Errorf("upload.js contains %q", banned)
		}
	}
	if n := strings.Count(s, "fetch("); n != 1 || !strings.Contains(s, "fetch(BASE + '/api/v1/uploads") || !strings.Contains(s, "credentials: 'omit'") {
		t.Errorf("upload.js must fetch only Parley's upload route, without credentials (%d fetches)", n)
	}
	widget, _ := files.ReadFile("parley.js")
	key := regexp.MustCompile(`const KEY_SESSION = ('[^']+')`).FindStringSubmatch(string(widget))
	if key == nil || !strings.Contains(s, "localStorage.getItem("+key[1]+")") {
		t.Errorf("upload.js does not read the session under the widget's key %v", key)
	}
	if !strings.Contains(string(widget), "import(BASE + '"+UploadPath+"')") {
		t.Errorf("the widget does not import the module from %s", UploadPath)
	}
	js, err := UploadScript()
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testtools.Missing(t, "node", "install Node.js, on Debian apt-get install nodejs")
	}
	f := filepath.Join(t.TempDir(), "upload.mjs")
	if err := os.WriteFile(f, js, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Fatalf("served module does not parse: %v\n%s", err, out)
	}
}

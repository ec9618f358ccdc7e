package cli

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCommand(t *testing.T) {
	c := newCLIEnv(t)
	if _, errOut, err := c.run(t, "import", fixtures+"wordpress-1.0.xml", "--site", "blog.example", "--quiet"); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	out, errOut, err := c.run(t, "export", "--site", "blog.example")
	if err != nil || !strings.HasPrefix(out, `{"format":"parley-export","version":1,`) || !strings.Contains(errOut, "exported 4 comments on 2 pages") {
		t.Fatalf("export to stdout: %v\n%.200s\n%s", err, out, errOut)
	}
	file := filepath.Join(t.TempDir(), "blog.json.gz")
	if _, errOut, err := c.run(t, "export", "--site", "blog.example", "-o", file); err != nil || !strings.Contains(errOut, "keep it private") {
		t.Fatalf("export -o: %v\n%s", err, errOut)
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v, mode %v; want 0600", err, st.Mode())
	}
	f, _ := os.Open(file)
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("export .gz is not gzip: %v", err)
	}
	plain, _ := io.ReadAll(zr)
	f.Close()
	if !bytes.Contains(plain, []byte(`"import":{"source":"wordpress","id":"18#3"}`)) {
		t.Errorf("export lacks the import keys:\n%.300s", plain)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*tmp")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
	// The export imports into another site.
	c.run(t, "site", "add", "copy.example")
	out, _, err = c.run(t, "import", file, "--site", "copy.example", "--quiet")
	if err != nil || !strings.Contains(out, "Imported parley comments") || !strings.Contains(out, "added           4") {
		t.Errorf("import of the export: %v\n%s", err, out)
	}
	out, _, err = c.run(t, "export", "--site", "blog.example", "--format", "wxr", "--base-url", "https://www.blog.example/")
	if err != nil || !strings.Contains(out, "<wp:wxr_version>1.2</wp:wxr_version>") || !strings.Contains(out, "<link>https://www.blog.example/2014/test/</link>") {
		t.Errorf("export --format wxr: %v\n%.500s", err, out)
	}
	if _, _, err := c.run(t, "export", "--site", "blog.example", "--format", "csv"); !errors.Is(err, ErrUsage) {
		t.Errorf("export --format csv: %v, want a usage error", err)
	}
}

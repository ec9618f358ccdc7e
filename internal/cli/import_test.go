package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/importer"
)

const sharedImports = "../../../shared/testdata/import/"

// cliEnv runs parley commands against one data directory.
type cliEnv struct {
	dir string
}

func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	c := &cliEnv{dir: t.TempDir()}
	if out, _, err := c.run(t, "site", "add", "blog.example"); err != nil {
		t.Fatalf("site add: %v\n%s", err, out)
	}
	return c
}

func (c *cliEnv) run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "PARLEY_DATA_DIR" {
			return c.dir
		}
		return ""
	}
	err := Run(context.Background(), args, getenv, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestImportCommand(t *testing.T) {
	c := newCLIEnv(t)
	report := filepath.Join(t.TempDir(), "report.json")
	out, errOut, err := c.run(t, "import", "disqus", sharedImports+"disqus-small.xml", "--site", "blog.example", "--report", report)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	for _, want := range []string{"Imported disqus comments into blog.example", "added           5 (5 approved)", "pages           2", "5 IP addresses dropped", "Report written to"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Not a terminal: plain progress lines, the last one saying it is done.
	if !strings.Contains(errOut, "import: 4.5 KiB of 4.5 KiB (100%), 5 comments read") || !strings.Contains(errOut, "done in") {
		t.Errorf("progress lines:\n%s", errOut)
	}
	var rep importer.Report
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Added != 5 || !rep.Complete || rep.Format != importer.Disqus {
		t.Errorf("report file: %v, %+v", err, rep)
	}
	if st, _ := os.Stat(report); st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", st.Mode().Perm())
	}

	// Again, with the format detected: nothing new.
	out, _, err = c.run(t, "import", sharedImports+"disqus-small.xml", "--site=blog.example")
	if err != nil || !strings.Contains(out, "added           0") || !strings.Contains(out, "already present 5") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	// A dry run of another file writes nothing.
	out, _, err = c.run(t, "import", sharedImports+"wordpress-wxr-1.0.xml", "--site", "blog.example", "--dry-run", "--quiet")
	if err != nil || !strings.Contains(out, "Dry run, nothing written: would import wordpress") || !strings.Contains(out, "added           8") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	out, _, _ = c.run(t, "import", sharedImports+"wordpress-wxr-1.0.xml", "--site", "blog.example", "--quiet")
	if !strings.Contains(out, "added           8") {
		t.Errorf("the dry run wrote something: the real import says\n%s", out)
	}
}

func TestImportCommandErrors(t *testing.T) {
	c := newCLIEnv(t)
	tests := []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"import", sharedImports + "disqus-small.xml"}, true, "needs --site"},
		{[]string{"import", "--site", "blog.example"}, true, "[FORMAT] FILE"},
		{[]string{"import", "livefyre", "x.xml", "--site", "blog.example"}, true, "unknown format"},
		{[]string{"import", sharedImports + "disqus-small.xml", "--site", "blog.example", "--thread-key", "slug"}, true, "--thread-key"},
		{[]string{"import", sharedImports + "disqus-small.xml", "--site", "other.example"}, false, "no site other.example"},
		{[]string{"import", "missing.xml", "--site", "blog.example"}, false, "no such file"},
		{[]string{"import", "wordpress", sharedImports + "commento.json", "--site", "blog.example"}, false, "looks like a commento export"},
	}
	for _, tt := range tests {
		_, _, err := c.run(t, tt.args...)
		if err == nil || errors.Is(err, ErrUsage) != tt.usage || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parley %s: %v (usage error %v), want %q", strings.Join(tt.args, " "), err, errors.Is(err, ErrUsage), tt.want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		p    importer.Progress
		want string
	}{
		{importer.Progress{Bytes: 512, Read: 3}, "import: 512 B, 3 comments read, 0 added, 0 already present, 0 skipped"},
		{importer.Progress{Bytes: 25 << 20, TotalBytes: 100 << 20, Read: 20000, Added: 19990, Skipped: 10, Elapsed: 5 * time.Second},
			"import: 25.0 MiB of 100.0 MiB (25%), 20000 comments read, 19990 added, 0 already present, 10 skipped, 5.0 MiB/s, 4000 comments/s, about 15s left"},
		{importer.Progress{Bytes: 2 << 30, TotalBytes: 2 << 30, Read: 1, Elapsed: 2 * time.Second, Done: true},
			"import: 2.0 GiB of 2.0 GiB (100%), 1 comments read, 0 added, 0 already present, 0 skipped, 1.0 GiB/s, 0 comments/s, done in 2s"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.p); got != tt.want {
			t.Errorf("progressLine(%+v)\n got %q\nwant %q", tt.p, got, tt.want)
		}
	}
}

package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/importer"
)

// fixtures are the importer's hand-made exports of every format.
const fixtures = "../importer/testdata/"

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
	out, errOut, err := c.run(t, "import", "disqus", fixtures+"disqus.xml", "--site", "blog.example", "--report", report)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	for _, want := range []string{"Imported disqus comments into blog.example", "added           7 (4 approved, 1 pending, 1 spam, 1 deleted)", "pages           2", "3 IP addresses dropped", "Report written to"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Not a terminal: plain progress lines, the last one saying it is done.
	if !strings.Contains(errOut, "import: 4.9 KiB of 4.9 KiB (100%), 9 comments read") || !strings.Contains(errOut, "done in") {
		t.Errorf("progress lines:\n%s", errOut)
	}
	var rep importer.Report
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Added != 7 || !rep.Complete || rep.Format != importer.Disqus {
		t.Errorf("report file: %v, %+v", err, rep)
	}
	if st, _ := os.Stat(report); st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", st.Mode().Perm())
	}

	// Again, with the format detected: nothing new.
	out, _, err = c.run(t, "import", fixtures+"disqus.xml", "--site=blog.example")
	if err != nil || !strings.Contains(out, "added           0") || !strings.Contains(out, "already present 7") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	// A dry run of another file writes nothing.
	out, _, err = c.run(t, "import", fixtures+"wordpress-1.0.xml", "--site", "blog.example", "--dry-run", "--quiet")
	if err != nil || !strings.Contains(out, "Dry run, nothing written: would import wordpress") || !strings.Contains(out, "added           4") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	out, _, _ = c.run(t, "import", fixtures+"wordpress-1.0.xml", "--site", "blog.example", "--quiet")
	if !strings.Contains(out, "added           4") {
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
		{[]string{"import", fixtures + "disqus.xml"}, true, "needs --site"},
		{[]string{"import", "--site", "blog.example"}, true, "[FORMAT] FILE"},
		{[]string{"import", "livefyre", "x.xml", "--site", "blog.example"}, true, "unknown format"},
		{[]string{"import", fixtures + "disqus.xml", "--site", "blog.example", "--thread-key", "slug"}, true, "--thread-key"},
		{[]string{"import", fixtures + "disqus.xml", "--site", "other.example"}, false, "no site other.example"},
		{[]string{"import", "missing.xml", "--site", "blog.example"}, false, "no such file"},
		{[]string{"import", "wordpress", fixtures + "commento.json", "--site", "blog.example"}, false, "looks like a commento export"},
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

// TestImportReportOnRefusal: a refused or stopped import still writes its
// --report, with the error, and its summary never says "Imported".
func TestImportReportOnRefusal(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestSpeed)
	zw.Write([]byte("<disqus>"))
	zw.Write(make([]byte, 40<<20))
	zw.Close()
	disqus, err := os.ReadFile(fixtures + "disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	truncated := disqus[:bytes.Index(disqus, []byte(`<post dsq:id="104">`))+10]
	tests := []struct {
		name, file, want string
		read             int
	}{
		{"doctype", fixtures + "xxe-disqus.xml", "document type declaration", 0},
		{"unknown format", write("notes.txt", []byte("just some text")), "cannot tell the format", 0},
		{"bomb", write("bomb.xml.gz", bomb.Bytes()), "zip bomb", 0},
		{"broken after some comments", write("cut.xml", truncated), "XML", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLIEnv(t)
			report := filepath.Join(t.TempDir(), "report.json")
			out, _, err := c.run(t, "import", tt.file, "--site", "blog.example", "--report", report, "--quiet")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("import returned %v, want an error saying %q", err, tt.want)
			}
			if strings.Contains(out, "Imported") {
				t.Errorf("a stopped import says it imported:\n%s", out)
			}
			if tt.read > 0 && !strings.Contains(out, "STOPPED before the end") {
				t.Errorf("the summary of a stopped import does not say so:\n%s", out)
			}
			b, err := os.ReadFile(report)
			if err != nil {
				t.Fatalf("no report: %v", err)
			}
			var rep importer.Report
			if err := json.Unmarshal(b, &rep); err != nil || rep.Complete || !strings.Contains(rep.Error, tt.want) || rep.Read != tt.read {
				t.Errorf("report: %v, complete %v, error %q, read %d; want incomplete, the error, read %d", err, rep.Complete, rep.Error, rep.Read, tt.read)
			}
		})
	}
}

// TestImportNothingRead: a file with posts but no comment read fails the
// command, loudly, unless --allow-empty says it is expected.
func TestImportNothingRead(t *testing.T) {
	wxr, err := os.ReadFile(fixtures + "wordpress-1.2-https.xml")
	if err != nil {
		t.Fatal(err)
	}
	noComments := regexp.MustCompile(`(?s)<wp:comment>.*?</wp:comment>`).ReplaceAll(wxr, nil)
	file := filepath.Join(t.TempDir(), "posts-only.xml")
	if err := os.WriteFile(file, noComments, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLIEnv(t)
	report := filepath.Join(t.TempDir(), "report.json")
	out, _, err := c.run(t, "import", file, "--site", "blog.example", "--quiet", "--report", report)
	if err == nil || !strings.Contains(err.Error(), "--allow-empty") || !strings.Contains(out, "WARNING: the file holds 7 posts but no comment was read") {
		t.Errorf("posts without comments: %v\n%s", err, out)
	}
	var rep importer.Report
	if b, err := os.ReadFile(report); err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Warnings) != 1 || rep.Threads != 7 {
		t.Errorf("report: %v, %+v; want the warning and 7 threads", err, rep)
	}
	if out, _, err := c.run(t, "import", file, "--site", "blog.example", "--quiet", "--allow-empty"); err != nil || !strings.Contains(out, "WARNING") {
		t.Errorf("with --allow-empty: %v\n%s", err, out)
	}
}

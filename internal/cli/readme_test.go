package cli_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
)

// readmeCommands returns the command names the README's "## Commands" table documents: the
// word after "parley" in every `parley …` of the table's first column, in order of appearance.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Commands\n")
	if !ok {
		t.Fatal(`README.md has no "## Commands" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var names []string
	rows := 0
	for line := range strings.Lines(section) {
		if !strings.HasPrefix(line, "| `parley") {
			continue
		}
		rows++
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), " | ")
		for _, m := range regexp.MustCompile("`parley ([a-z-]+)").FindAllStringSubmatch(first, -1) {
			if strings.HasPrefix(m[1], "-") {
				continue // an alias such as parley --version, not a command
			}
			if !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	if rows == 0 {
		t.Fatal("no `parley …` rows in the README's command table")
	}
	return names
}

// TestReadmeCommandTableMatchesTheCLI keeps the README's command table and the CLI's commands
// one list: a command added to the CLI must be documented, and a documented one must exist.
func TestReadmeCommandTableMatchesTheCLI(t *testing.T) {
	documented := readmeCommands(t)
	known := cli.CommandNames()
	for _, name := range known {
		if !slices.Contains(documented, name) {
			t.Errorf("parley %s is missing from the README's command table", name)
		}
	}
	for _, name := range documented {
		if !slices.Contains(known, name) {
			t.Errorf("the README documents parley %s, which the CLI does not know", name)
		}
	}
}

// TestVersionFlags: parley --version and -v answer like parley version, as users of other tools
// expect.
func TestVersionFlags(t *testing.T) {
	want, _, err := run(t, nil, "version")
	if err != nil || !strings.HasPrefix(want, "parley ") {
		t.Fatalf("version: %q %v", want, err)
	}
	for _, flag := range []string{"--version", "-version", "-v"} {
		out, errOut, err := run(t, nil, flag)
		if err != nil || out != want {
			t.Errorf("parley %s: %q %v (stderr %q), want %q", flag, out, err, errOut, want)
		}
	}
}

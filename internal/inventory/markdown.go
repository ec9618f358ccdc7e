package inventory

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Markers around the generated inventory in docs/privacy.md.
const (
	BeginMarker = "<!-- inventory: generated from internal/inventory; `go test ./internal/inventory -update` rewrites it -->"
	EndMarker   = "<!-- end of the generated inventory -->"
)

// Days writes a retention period as people read it: "30 days", "1 day",
// "12 hours".
func Days(d time.Duration) string {
	switch {
	case d == 24*time.Hour:
		return "1 day"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return d.String()
}

// WriteMarkdown writes the inventory as docs/privacy.md shows it: for each
// table holding personal data, what a row is and how long it is kept, then
// one row per personal column (class, why, who is shown it, sealed, and its
// own period when it differs from the table's); then the tables that hold
// no personal data. periods spells out the settings that Kept texts name.
func WriteMarkdown(w io.Writer, periods map[string]string) {
	for _, t := range Tables {
		if t.NotPersonal {
			continue
		}
		fmt.Fprintf(w, "### `%s`\n\n%s%s. Kept %s.\n\n", t.Name, strings.ToUpper(t.Holds[:1]), t.Holds[1:], Expand(t.Kept, periods))
		fmt.Fprintln(w, "| column | class | why it is stored | who is shown it | sealed | kept |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		var plain []string
		for _, c := range t.Columns {
			if !c.Class.Personal() {
				plain = append(plain, "`"+c.Name+"`")
				continue
			}
			sealed, kept := "no", "as the row"
			if c.Sealed() {
				sealed = "yes"
			}
			if c.Kept != "" {
				kept = Expand(c.Kept, periods)
			}
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s |\n", c.Name, c.Class, c.Why, c.Seen, sealed, kept)
		}
		if len(plain) > 0 {
			fmt.Fprintf(w, "\nNot personal: %s.\n", strings.Join(plain, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "### Tables without personal data\n\n")
	for _, t := range Tables {
		if t.NotPersonal {
			fmt.Fprintf(w, "- `%s`: %s; kept %s.\n", t.Name, t.Holds, Expand(t.Kept, periods))
		}
	}
}

package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

// noteText explains the report's notes to a person.
var noteText = map[string]string{
	"ip_dropped":        "IP addresses dropped (older than the IP retention)",
	"no_email":          "comments without an email address (imported as guests without one)",
	"email_dropped":     "invalid email addresses dropped",
	"website_dropped":   "website addresses dropped (not http or https)",
	"text_truncated":    "texts cut at the length limit",
	"name_truncated":    "names cut at 100 characters",
	"votes_capped":      "vote counts capped",
	"thread_id_missing": "threads without an identifier, mapped by their address",
}

// WriteSummary writes what an import did for a person to read, as
// parley import prints it and the dashboard shows it: the counts, the
// warnings, the notes and, when entries were skipped, the reasons and the
// first 20 of them. A report of an import that stopped says so first.
func WriteSummary(w io.Writer, rep *Report) {
	switch {
	case !rep.Complete:
		fmt.Fprintf(w, "Import of %s comments into %s STOPPED before the end of the file; until then:\n", rep.Format, rep.Site)
	case rep.DryRun:
		fmt.Fprintf(w, "Dry run, nothing written: would import %s comments into %s\n", rep.Format, rep.Site)
	default:
		fmt.Fprintf(w, "Imported %s comments into %s\n", rep.Format, rep.Site)
	}
	fmt.Fprintf(w, "  read            %d\n", rep.Read)
	fmt.Fprintf(w, "  added           %d%s\n", rep.Added, byStatus(rep.AddedByStatus))
	fmt.Fprintf(w, "  already present %d\n", rep.AlreadyPresent)
	fmt.Fprintf(w, "  skipped         %d\n", rep.Skipped)
	fmt.Fprintf(w, "  pages           %d\n", rep.Pages)
	for _, warning := range rep.Warnings {
		fmt.Fprintf(w, "  WARNING: %s\n", warning)
	}
	for _, k := range sortedKeys(rep.Notes) {
		text := noteText[k]
		if text == "" {
			text = k
		}
		fmt.Fprintf(w, "  note: %d %s\n", rep.Notes[k], text)
	}
	if rep.Skipped == 0 {
		return
	}
	fmt.Fprintln(w, "Skipped, by reason:")
	for _, k := range sortedKeys(rep.SkippedByReason) {
		fmt.Fprintf(w, "  %-16s %d\n", k, rep.SkippedByReason[k])
	}
	const shown = 20
	for i, s := range rep.SkippedEntries {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more (the JSON report, --report FILE or the dashboard's download, lists up to %d)\n", rep.Skipped-shown, MaxReportedSkips)
			break
		}
		fmt.Fprintf(w, "  %s: %s", s.Ref, s.Reason)
		if s.Detail != "" {
			fmt.Fprintf(w, " (%s)", s.Detail)
		}
		fmt.Fprintln(w)
	}
}

func byStatus(m map[model.Status]int) string {
	var parts []string
	for _, s := range []model.Status{model.StatusApproved, model.StatusPending, model.StatusSpam, model.StatusDeleted} {
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

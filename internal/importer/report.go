package importer

import (
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// skip counts and reports an entry left out; its key, when known, is
// remembered so that its replies say why they are left out too.
func (g *engine) skip(s Skip, key store.ImportKey) {
	g.report.Skipped++
	g.report.SkippedByReason[s.Reason]++
	if len(g.report.SkippedEntries) < MaxReportedSkips {
		g.report.SkippedEntries = append(g.report.SkippedEntries, s)
	}
	if key.ID != "" && len(g.skipped) < maxSkippedKeys {
		g.skipped[key] = true
	}
	if g.obs != nil {
		g.obs.Skipped(s)
	}
}

func (g *engine) note(what string) { g.report.Notes[what]++ }

func (g *engine) progress(done bool) {
	if g.obs == nil {
		return
	}
	g.obs.Progress(Progress{
		Bytes: g.bytes(), TotalBytes: g.total,
		Read: g.report.Read, Added: g.report.Added, Present: g.report.AlreadyPresent, Skipped: g.report.Skipped,
		Elapsed: time.Since(g.began), Done: done,
	})
}

// finish completes the report.
func (g *engine) finish(err error) {
	g.report.FinishedAt = g.start.UTC().Add(time.Since(g.began))
	g.report.Bytes = g.bytes()
	g.report.Complete = err == nil
	if err != nil {
		g.report.Error = err.Error()
	}
	if g.env != nil {
		g.report.Threads = int(g.env.threads.Load())
	}
	if g.report.NothingRead() {
		g.report.Warnings = append(g.report.Warnings, fmt.Sprintf("the file holds %d %s but no comment was read from it: "+
			"if the site has comments, this file is a variant of the %s format that Parley does not read; please report it",
			g.report.Threads, threadWord(g.report.Format), g.report.Format))
	}
	g.progress(true)
}

// threadWord is what a format calls its threads, in the plural.
func threadWord(f Format) string {
	switch f {
	case WordPress:
		return "posts"
	case Disqus, Isso:
		return "threads"
	}
	return "pages"
}

package importer

import (
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
	g.progress(true)
}

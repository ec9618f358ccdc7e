package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/importer/importtest"
)

func genDisqusBytes(t testing.TB, threads, perThread int, reversed bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := importtest.GenDisqus(&buf, threads, perThread, reversed); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkGenerated checks a site holding importtest.GenDisqus(threads, perThread):
// every comment once, every third one a reply to the one before.
func checkGenerated(t *testing.T, e *env, threads, perThread int) {
	t.Helper()
	got := e.comments(t)
	if len(got) != threads*perThread {
		t.Fatalf("site has %d comments, want %d", len(got), threads*perThread)
	}
	for id := range threads * perThread {
		c := got[strconv.Itoa(id)]
		if c == nil {
			t.Errorf("comment %d missing", id)
			continue
		}
		wantParent := ""
		if id%perThread%3 == 2 {
			wantParent = strconv.Itoa(id - 1)
		}
		if c.Parent != wantParent {
			t.Errorf("comment %d: parent %q, want %q", id, c.Parent, wantParent)
		}
		if wantPath := fmt.Sprintf("/posts/%d/", id/perThread); c.Path != wantPath {
			t.Errorf("comment %d: page %s, want %s", id, c.Path, wantPath)
		}
	}
	for th := range threads {
		if n := e.pageCount(t, fmt.Sprintf("/posts/%d/", th)); n != perThread {
			t.Errorf("page %d shows %d comments, want %d", th, n, perThread)
		}
		// Replies reach readers only through root_id: all must show.
		if got := e.thread(t, fmt.Sprintf("/posts/%d/", th)); len(got) != perThread {
			t.Errorf("thread %d shows %d comments, want %d", th, len(got), perThread)
		}
	}
}

func TestRepliesBeforeParents(t *testing.T) {
	data := genDisqusBytes(t, 3, 12, true)
	tests := []struct {
		name string
		opt  importer.Options
	}{
		{"in memory", importer.Options{}},
		{"small batches", importer.Options{BatchSize: 2}},
		{"spilled to disk", importer.Options{BatchSize: 3, Limits: importer.Limits{MaxPending: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := openSQLite(t)
			rep := e.mustImport(t, data, tt.opt)
			if rep.Added != 36 || rep.Skipped != 0 {
				t.Errorf("added %d, skipped %d %v; want 36, 0", rep.Added, rep.Skipped, rep.SkippedEntries)
			}
			checkGenerated(t, e, 3, 12)
		})
	}
}

func TestReimportMerges(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		newer := genDisqusBytes(t, 3, 9, false)
		// An older export: the same threads before anyone replied.
		var older []byte
		for _, line := range bytes.SplitAfter(newer, []byte("\n")) {
			if !bytes.Contains(line, []byte("<parent ")) {
				older = append(older, line...)
			}
		}
		first := e.mustImport(t, older, importer.Options{BatchSize: 4})
		if first.Added != 18 {
			t.Fatalf("first import added %d, want 18", first.Added)
		}
		again := e.mustImport(t, older, importer.Options{BatchSize: 4})
		if again.Added != 0 || again.AlreadyPresent != 18 {
			t.Errorf("same file again: added %d, present %d; want 0, 18", again.Added, again.AlreadyPresent)
		}
		// The newer export adds only the replies, found under parents
		// stored by the first import.
		rep := e.mustImport(t, newer, importer.Options{BatchSize: 4})
		if rep.Added != 9 || rep.AlreadyPresent != 18 {
			t.Errorf("newer export: added %d, present %d; want 9, 18", rep.Added, rep.AlreadyPresent)
		}
		checkGenerated(t, e, 3, 9)
	})
}

// cancelAfter cancels the import after a number of progress reports.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Progress(p importer.Progress) {
	if p.Added > 0 {
		if c.n--; c.n == 0 {
			c.cancel()
		}
	}
}
func (c *cancelAfter) Skipped(importer.Skip) {}

func TestInterruptedImportResumes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		data := genDisqusBytes(t, 4, 25, true)
		ctx, cancel := context.WithCancel(context.Background())
		_, err := e.im.Run(ctx, bytes.NewReader(data), e.options(importer.Options{BatchSize: 10}), &cancelAfter{n: 2, cancel: cancel})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted import returned %v, want context.Canceled", err)
		}
		partial := e.count(t)
		if partial == 0 || partial >= 100 {
			t.Fatalf("after the interruption the site has %d comments, want some but not all", partial)
		}
		rep := e.mustImport(t, data, importer.Options{BatchSize: 10})
		if rep.Added+rep.AlreadyPresent != 100 || rep.Added != 100-partial {
			t.Errorf("resumed import: added %d, present %d; want %d, %d", rep.Added, rep.AlreadyPresent, 100-partial, partial)
		}
		checkGenerated(t, e, 4, 25) // every comment exactly once
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	e := openSQLite(t)
	rep := e.mustImport(t, genDisqusBytes(t, 2, 9, true), importer.Options{DryRun: true, BatchSize: 4})
	if !rep.DryRun || rep.Added != 18 || rep.Pages != 2 || rep.Skipped != 0 {
		t.Errorf("dry run: added %d, pages %d, skipped %d; want 18, 2, 0", rep.Added, rep.Pages, rep.Skipped)
	}
	if n := e.count(t); n != 0 {
		t.Errorf("dry run wrote %d comments", n)
	}
	// After a real import, a dry run says everything is present.
	e.mustImport(t, genDisqusBytes(t, 2, 9, true), importer.Options{})
	rep = e.mustImport(t, genDisqusBytes(t, 2, 9, false), importer.Options{DryRun: true})
	if rep.Added != 0 || rep.AlreadyPresent != 18 {
		t.Errorf("dry run after import: added %d, present %d; want 0, 18", rep.Added, rep.AlreadyPresent)
	}
}

// TestDeletedPlaceholders: a deleted comment is kept only as the place of
// its replies, wherever in the file the replies come.
func TestDeletedPlaceholders(t *testing.T) {
	doc := disqusDoc(
		disqusPost("r", "t1", "d2", "2026-10-01T12:00:00Z", "", "a reply under two deleted comments") +
			disqusPost("d2", "t1", "d1", "2026-10-01T11:00:00Z", "<isDeleted>true</isDeleted>", "gone too") +
			disqusPost("d1", "t1", "", "2026-10-01T10:00:00Z", "<isDeleted>true</isDeleted>", "gone") +
			disqusPost("x", "t1", "", "2026-10-01T09:00:00Z", "<isDeleted>true</isDeleted>", "gone, alone") +
			disqusPost("d3", "t1", "", "2026-10-01T13:00:00Z", "<isDeleted>true</isDeleted>", "gone, replied to later") +
			disqusPost("r3", "t1", "d3", "2026-10-01T14:00:00Z", "", "a later reply") +
			// Deleted comments whose only replies are deleted too leave
			// nothing behind, whichever comes first.
			disqusPost("y", "t1", "", "2026-10-01T15:00:00Z", "<isDeleted>true</isDeleted>", "gone, its reply gone") +
			disqusPost("y2", "t1", "y", "2026-10-01T16:00:00Z", "<isDeleted>true</isDeleted>", "gone reply") +
			disqusPost("z3", "t1", "z2", "2026-10-01T19:00:00Z", "<isDeleted>true</isDeleted>", "gone reply to a gone reply") +
			disqusPost("z2", "t1", "z", "2026-10-01T18:00:00Z", "<isDeleted>true</isDeleted>", "gone reply") +
			disqusPost("z", "t1", "", "2026-10-01T17:00:00Z", "<isDeleted>true</isDeleted>", "gone, its replies gone"))
	for _, opt := range []importer.Options{{}, {BatchSize: 1}, {BatchSize: 2, Limits: importer.Limits{MaxPending: 1}},
		{BatchSize: 1, Limits: importer.Limits{MaxPending: 1}}} {
		t.Run(fmt.Sprintf("batch %d pending %d", opt.BatchSize, opt.Limits.MaxPending), func(t *testing.T) {
			e := openSQLite(t)
			rep := e.mustImport(t, doc, opt)
			got := e.comments(t)
			if rep.Added != 5 || rep.SkippedByReason[importer.ReasonDeleted] != 6 || len(got) != 5 {
				t.Errorf("added %d, skipped %v, stored %v; want 5 added and x, y, y2, z, z2, z3 skipped as deleted", rep.Added, rep.SkippedByReason, keys(got))
			}
			if got["r"] == nil || got["r"].Parent != "d2" || got["d2"] == nil || got["d2"].Parent != "d1" || got["r3"] == nil || got["r3"].Parent != "d3" {
				t.Fatalf("threading lost: %v", keys(got))
			}
			if th := e.thread(t, "/one/"); len(th) != 5 || th[2] != "    <p>a reply under two deleted comments</p>" {
				t.Errorf("thread reads %q", th)
			}
			again := e.mustImport(t, doc, opt)
			if again.Added != 0 || again.AlreadyPresent != 5 {
				t.Errorf("again: added %d, present %d; want 0, 5", again.Added, again.AlreadyPresent)
			}
		})
	}
}

package admin

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// MaxRunningImports bounds the imports one server runs at once, for all
// sites together (each site runs one at a time): an import keeps a core
// busy, and the readers of the widget come first. An upload beyond it is
// refused with "try again in a few minutes", before its file is read.
const MaxRunningImports = 2

// DefaultImportMaxUpload is the largest upload when ImportSettings.MaxUpload
// is 0 (PARLEY_IMPORT_MAX_UPLOAD's default).
const DefaultImportMaxUpload = 256 << 20

// ImportSettings configure the imports uploaded on the dashboard.
type ImportSettings struct {
	// MaxUpload is the largest file accepted, in bytes
	// (DefaultImportMaxUpload when 0).
	MaxUpload int64
	// IPRetention drops the IP addresses of older comments, as parley
	// import does (importer.DefaultIPRetention when 0).
	IPRetention time.Duration
	// TempDir receives the uploaded file while it is imported, and the
	// importer's own temporary files (os.TempDir() when "").
	TempDir string
}

// importRunner runs the dashboard's imports in the background, at most
// MaxRunningImports at once, until Close.
type importRunner struct {
	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{}
	wg     sync.WaitGroup
}

func newImportRunner() *importRunner {
	ctx, cancel := context.WithCancel(context.Background())
	return &importRunner{ctx: ctx, cancel: cancel, slots: make(chan struct{}, MaxRunningImports)}
}

// acquire takes a slot without waiting; false when all are taken.
func (ir *importRunner) acquire() bool {
	select {
	case ir.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (ir *importRunner) release() { <-ir.slots }

// start runs fn in the background with a slot already acquired; the slot
// is released when fn returns.
func (ir *importRunner) start(fn func(ctx context.Context)) {
	ir.wg.Go(func() {
		defer ir.release()
		fn(ir.ctx)
	})
}

// Close stops the running imports and waits until each has recorded that
// it was interrupted: what each wrote stays, and uploading the file again
// finishes it. Call it before the store closes.
func (h *Handler) Close() {
	h.imports.cancel()
	h.imports.wg.Wait()
}

// importJob is what runImport needs besides the job's row.
type importJob struct {
	row        *store.ImportJob
	site       *model.Site
	file       *os.File // the upload, removed when the import ends
	opt        importer.Options
	allowEmpty bool
}

// runImport imports job.file and records the outcome; the job's row shows
// its progress meanwhile. It runs in the background with the runner's
// context, so a page reload or a closed browser does not stop it.
func (h *Handler) runImport(ctx context.Context, job importJob) {
	defer removeUpload(job.file)
	prog := &jobProgress{}
	stop := h.saveProgress(job.row.ID, prog)
	rep, err := importer.New(h.Store, markup.New()).Run(ctx, job.file, job.opt, prog)
	stop()
	// Gone before the job shows as ended, so that nothing is left once a
	// status page says so (the deferred call covers a panic).
	removeUpload(job.file)
	status, message := importOutcome(rep, err, job.allowEmpty)
	var report []byte
	final := store.ImportProgress{TotalBytes: job.row.TotalBytes}
	if rep != nil {
		report, _ = json.Marshal(rep)
		final.Bytes, final.Read, final.Added, final.Present, final.Skips = rep.Bytes, rep.Read, rep.Added, rep.AlreadyPresent, rep.Skipped
	}
	dbctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.dbTimeout())
	defer cancel()
	if err := h.Store.FinishImportJob(dbctx, job.row.ID, status, final, string(report), message, h.Now()); err != nil {
		h.Log.Error("finish dashboard import", "err", err, "import_id", job.row.ID)
	}
	if rep != nil && rep.Added > 0 && h.Changed != nil {
		h.Changed(dbctx, job.site.ID, 0) // the widget shows the new comments at once
	}
	h.Log.Info("dashboard import ended", "import_id", job.row.ID, "site_id", job.site.ID, "status", status, "added", final.Added)
}

// importOutcome is a finished import's status and, unless it is done, the
// error to show: the importer's, or that of a file of a known format from
// which no comment was read (unless an empty import was allowed). Only a
// stopped server interrupts an import.
func importOutcome(rep *importer.Report, err error, allowEmpty bool) (status, message string) {
	switch {
	case errors.Is(err, context.Canceled):
		return store.ImportInterrupted, "The server stopped during the import. What was written before stays; upload the file again to finish (nothing is imported twice)."
	case err != nil && rep != nil && (rep.Added > 0 || rep.AlreadyPresent > 0):
		return store.ImportFailed, fmt.Sprintf("The import stopped: %v. The %d comments added before that are kept; once the cause is fixed, "+
			"uploading the file again adds only what is missing.", err, rep.Added)
	case err != nil:
		return store.ImportFailed, err.Error()
	case rep.NothingRead() && !allowEmpty:
		return store.ImportFailed, fmt.Sprintf("No comments were read from a %s file that holds %d threads; nothing was imported "+
			"(tick \"the site really has no comments\" if that is expected).", rep.Format, rep.Threads)
	}
	return store.ImportDone, ""
}

// jobProgress is the importer's Observer: it keeps the latest snapshot for
// saveProgress.
type jobProgress struct {
	mu   sync.Mutex
	last importer.Progress
}

func (p *jobProgress) Progress(pr importer.Progress) {
	p.mu.Lock()
	p.last = pr
	p.mu.Unlock()
}

// Skipped entries are in the report at the end.
func (p *jobProgress) Skipped(importer.Skip) {}

func (p *jobProgress) snapshot() store.ImportProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	return store.ImportProgress{Bytes: p.last.Bytes, TotalBytes: p.last.TotalBytes, Read: p.last.Read,
		Added: p.last.Added, Present: p.last.Present, Skips: p.last.Skipped}
}

// saveProgress writes prog to the job's row every store.ImportHeartbeat
// until the returned stop is called, so that every server's status page
// shows it and a job whose server died is seen to be stale.
func (h *Handler) saveProgress(id int64, prog *jobProgress) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(store.ImportHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), h.dbTimeout())
			if err := h.Store.UpdateImportProgress(ctx, id, prog.snapshot(), h.Now()); err != nil {
				h.Log.Warn("save dashboard import progress", "err", err, "import_id", id)
			}
			cancel()
		}
	})
	return func() { close(done); wg.Wait() }
}

func (h *Handler) dbTimeout() time.Duration { return cmp.Or(h.DBTimeout, store.DefaultTimeout) }

// removeUpload closes and deletes an uploaded file.
func removeUpload(f *os.File) {
	if f == nil {
		return
	}
	f.Close()
	os.Remove(f.Name())
}

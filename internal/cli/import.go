package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/store"
)

const importSynopsis = ` [FORMAT] FILE --site HOST [flags]

FORMAT is disqus, wordpress (wxr), commento, comentario, remark42, isso or parley;
left out, it is detected from the file. FILE may be plain, .gz or .zip; - reads
standard input. Importing again adds only what is new. See docs/migrating.md.`

// importFlags are the options of parley import besides the configuration.
type importFlags struct {
	site, threadKey, report             string
	dryRun, skipSpam, quiet, allowEmpty bool
}

func runImport(ctx context.Context, e env, args []string) error {
	var f importFlags
	cfg, pos, err := loadConfig("import", importSynopsis, e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.site, "site", "", "host of the site to import into, as registered with parley site add (required)")
		fs.StringVar(&f.threadKey, "thread-key", importer.ThreadByPath, "map threads to pages by the path of their address (path) or by the source's own thread identifier (id)")
		fs.BoolVar(&f.dryRun, "dry-run", false, "read and check everything and say what would be imported, without writing")
		fs.StringVar(&f.report, "report", "", "also write the summary as JSON to this file")
		fs.BoolVar(&f.skipSpam, "skip-spam", false, "leave out comments the source marked as spam")
		fs.BoolVar(&f.quiet, "quiet", false, "no progress output")
		fs.BoolVar(&f.allowEmpty, "allow-empty", false, "succeed even when the file has posts or threads but no comments")
	})
	if err != nil {
		return err
	}
	format, file, err := importArgs(pos)
	if err != nil {
		return err
	}
	if f.site == "" {
		return fmt.Errorf("%w: import needs --site HOST (parley site list shows the sites)", ErrUsage)
	}
	if f.threadKey != importer.ThreadByPath && f.threadKey != importer.ThreadByID {
		return fmt.Errorf("%w: --thread-key must be path or id", ErrUsage)
	}
	in, size, err := openImportFile(file)
	if err != nil {
		return err
	}
	defer in.Close()

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := a.store.SiteByHost(ctx, f.site)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no site %s is registered; add it first with parley site add %s", f.site, f.site)
	}
	if err != nil {
		return err
	}
	defer importer.CommandGC()()
	display := newImportDisplay(e.stderr, f.quiet)
	rep, runErr := importer.New(a.store, markup.New()).Run(ctx, in, importer.Options{
		Site: site, Format: format, ThreadKey: f.threadKey, DryRun: f.dryRun, SkipSpam: f.skipSpam,
		IPRetention: cfg.IPRetention, Size: size,
	}, display)
	display.close()
	if rep != nil && rep.Added > 0 {
		// Running servers on the same PostgreSQL show the new comments at once.
		a.store.NotifySiteChanged(context.WithoutCancel(ctx), store.SiteChange{SiteID: site.ID})
	}
	return finishImport(e, f, rep, runErr)
}

// finishImport prints the summary (unless the import was refused before
// reading anything: then the error says it all), writes the report, which
// carries the error of a stopped or refused import too, and decides the
// command's result.
func finishImport(e env, f importFlags, rep *importer.Report, runErr error) error {
	if rep == nil {
		return runErr
	}
	if runErr == nil || rep.Read > 0 {
		importer.WriteSummary(e.stdout, rep)
	}
	if f.report != "" {
		if err := writeImportReport(f.report, rep); err != nil {
			return errors.Join(runErr, err)
		}
		fmt.Fprintf(e.stdout, "Report written to %s\n", f.report)
	}
	switch {
	case runErr != nil:
		return importFailure(rep, runErr)
	case rep.NothingRead() && !f.allowEmpty:
		return fmt.Errorf("no comments were read from a %s file that holds %d threads; nothing was imported "+
			"(run with --allow-empty if the site really has no comments)", rep.Format, rep.Threads)
	}
	return nil
}

// importArgs reads [FORMAT] FILE.
func importArgs(pos []string) (importer.Format, string, error) {
	switch len(pos) {
	case 1:
		return "", pos[0], nil
	case 2:
		f, err := importer.ParseFormat(pos[0])
		if err != nil {
			return "", "", fmt.Errorf("%w: %v", ErrUsage, err)
		}
		return f, pos[1], nil
	}
	return "", "", fmt.Errorf("%w: import takes [FORMAT] FILE, such as parley import disqus export.xml.gz --site example.com", ErrUsage)
}

// openImportFile opens FILE ("-" for standard input) and returns its size
// when it has one.
func openImportFile(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), 0, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("%s is a directory; give the export file", name)
	}
	return f, st.Size(), nil
}

func importFailure(rep *importer.Report, err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("import interrupted after %d comments were added; run the same command again to finish (nothing is imported twice)", rep.Added)
	case rep.Added > 0 || rep.AlreadyPresent > 0:
		return fmt.Errorf("import stopped: %w\n(the %d comments added before that are kept; once the cause is fixed, running the import again adds only what is missing)", err, rep.Added)
	}
	return err
}

func writeImportReport(path string, rep *importer.Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// importDisplay shows an import's progress: a bar with bytes, comments,
// rates and the time left on a terminal, a plain line every few seconds
// otherwise (logs, CI), nothing with --quiet.
type importDisplay struct {
	w     io.Writer
	quiet bool
	bar   *progressbar.ProgressBar
	tty   bool
	last  time.Time
	every time.Duration
}

func newImportDisplay(w io.Writer, quiet bool) *importDisplay {
	d := &importDisplay{w: w, quiet: quiet, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		d.tty = true
	}
	return d
}

func (d *importDisplay) Progress(p importer.Progress) {
	if d.quiet {
		return
	}
	if d.tty {
		d.barProgress(p)
		return
	}
	if !p.Done && time.Since(d.last) < d.every || p.Done && p.Read == 0 {
		return
	}
	d.last = time.Now()
	fmt.Fprintln(d.w, progressLine(p))
}

func (d *importDisplay) barProgress(p importer.Progress) {
	if d.bar == nil {
		max := p.TotalBytes
		if max <= 0 {
			max = -1
		}
		d.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(d.w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetWidth(24),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	d.bar.Describe(fmt.Sprintf("%d comments%s", p.Read, rate(p)))
	d.bar.Set64(p.Bytes)
	if p.Done {
		d.bar.Finish()
	}
}

// Skipped entries are listed in the summary, not one by one.
func (d *importDisplay) Skipped(importer.Skip) {}

func (d *importDisplay) close() {
	if d.bar != nil && !d.bar.IsFinished() {
		d.bar.Finish()
	}
}

func rate(p importer.Progress) string {
	if s := p.Elapsed.Seconds(); s >= 1 {
		return fmt.Sprintf(", %.0f/s", float64(p.Read)/s)
	}
	return ""
}

// progressLine is the plain form: what was read, how fast, how long left.
func progressLine(p importer.Progress) string {
	var b strings.Builder
	b.WriteString("import: ")
	b.WriteString(humanBytes(p.Bytes))
	if p.TotalBytes > 0 {
		fmt.Fprintf(&b, " of %s (%d%%)", humanBytes(p.TotalBytes), p.Bytes*100/p.TotalBytes)
	}
	fmt.Fprintf(&b, ", %d comments read, %d added, %d already present, %d skipped", p.Read, p.Added, p.Present, p.Skipped)
	if s := p.Elapsed.Seconds(); s >= 1 {
		fmt.Fprintf(&b, ", %s/s, %.0f comments/s", humanBytes(int64(float64(p.Bytes)/s)), float64(p.Read)/s)
		if p.TotalBytes > 0 && p.Bytes > 0 && !p.Done {
			left := time.Duration(float64(p.Elapsed) * float64(p.TotalBytes-p.Bytes) / float64(p.Bytes))
			fmt.Fprintf(&b, ", about %s left", left.Round(time.Second))
		}
	}
	if p.Done {
		fmt.Fprintf(&b, ", done in %s", p.Elapsed.Round(10*time.Millisecond))
	}
	return b.String()
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

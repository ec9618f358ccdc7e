package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Format names an export format.
type Format string

// The formats Run reads.
const (
	Disqus     Format = "disqus"
	WordPress  Format = "wordpress"
	Commento   Format = "commento"
	Comentario Format = "comentario"
	Remark42   Format = "remark42"
	Isso       Format = "isso"
	Parley     Format = "parley"
)

// Formats lists every format, in the order the documentation gives them.
func Formats() []Format {
	return []Format{Disqus, WordPress, Commento, Comentario, Remark42, Isso, Parley}
}

// ParseFormat accepts a format's name or a common alias (wxr, wp, remark).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "disqus":
		return Disqus, nil
	case "wordpress", "wp", "wxr":
		return WordPress, nil
	case "commento":
		return Commento, nil
	case "comentario":
		return Comentario, nil
	case "remark42", "remark":
		return Remark42, nil
	case "isso":
		return Isso, nil
	case "parley":
		return Parley, nil
	}
	names := make([]string, 0, 7)
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("import: unknown format %q (one of %s)", s, strings.Join(names, ", "))
}

// How imported threads map to Parley pages.
const (
	// ThreadByPath uses the path of the thread's address (the widget's
	// default data-page, location.pathname).
	ThreadByPath = "path"
	// ThreadByID uses the source's own thread identifier (disqus_identifier,
	// the WordPress post id) as the page path, falling back to the address
	// when a thread has none.
	ThreadByID = "id"
)

// Limits bound what one import may cost. Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	MaxToken    int64 // bytes of one XML element of interest, JSON value or line
	MaxText     int   // bytes of one comment's markdown; longer text is cut
	MaxExpanded int64 // bytes after decompression
	MaxRatio    int64 // decompressed/compressed size beyond 32 MiB of output
	MaxSpool    int64 // bytes copied to a temporary file (zip, Isso, Commento)
	MaxPending  int64 // bytes of replies held in memory for parents not seen yet
}

// DefaultLimits are generous for any real export and small enough that a
// hostile file cannot exhaust memory or disk.
func DefaultLimits() Limits {
	return Limits{
		MaxToken:    32 << 20,
		MaxText:     64 << 10,
		MaxExpanded: 16 << 30,
		MaxRatio:    100,
		MaxSpool:    8 << 30,
		MaxPending:  64 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxToken <= 0 {
		l.MaxToken = d.MaxToken
	}
	if l.MaxText <= 0 {
		l.MaxText = d.MaxText
	}
	if l.MaxExpanded <= 0 {
		l.MaxExpanded = d.MaxExpanded
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxSpool <= 0 {
		l.MaxSpool = d.MaxSpool
	}
	if l.MaxPending <= 0 {
		l.MaxPending = d.MaxPending
	}
	return l
}

// DefaultIPRetention is how long source IP addresses are kept: older ones
// are dropped on the way in, as the retention job would drop them (P5).
const DefaultIPRetention = 30 * 24 * time.Hour

// Options configure one import.
type Options struct {
	Site   *model.Site // the site comments go to; required
	Format Format      // "" detects the format from the content
	// ThreadKey is ThreadByPath (the default) or ThreadByID.
	ThreadKey string
	// DryRun reads and checks everything and reports what would be added,
	// writing nothing. It remembers every comment id of the file, so its
	// memory grows with the file (about 100 bytes a comment).
	DryRun bool
	// SkipSpam leaves out comments the source marked as spam.
	SkipSpam bool
	// IPRetention drops the IP address and user agent of comments older
	// than this (DefaultIPRetention when 0).
	IPRetention time.Duration
	// Size is the input's length in bytes when known (a file's size, an
	// upload's Content-Length), for progress and the time left.
	Size      int64
	BatchSize int    // comments per transaction; 1000 when 0
	TempDir   string // for spooled and spilled data; os.TempDir() when ""
	Limits    Limits
	Now       func() time.Time // time.Now when nil
}

// Observer receives an import's progress as it runs. Run calls it from its
// own goroutine, one call at a time; a slow observer slows the import.
type Observer interface {
	// Progress is called after every batch and at least every quarter
	// second, and once more at the end with Done set.
	Progress(Progress)
	// Skipped is called for each entry left out, as it happens.
	Skipped(Skip)
}

// Progress is a snapshot of a running import.
type Progress struct {
	Bytes      int64 // input bytes read (decompressed bytes for a zip)
	TotalBytes int64 // 0 when unknown
	Read       int   // comments read from the input
	Added      int
	Present    int // already imported before
	Skipped    int
	Elapsed    time.Duration
	Done       bool
}

// Skip is one entry of the input that was left out.
type Skip struct {
	Ref    string `json:"ref"`    // the entry's id in the source, or its position
	Reason string `json:"reason"` // one of the Reason constants
	Detail string `json:"detail,omitempty"`
}

// Reasons an entry is skipped. They are stable: reports and dashboards
// may rely on them.
const (
	ReasonMissingID     = "missing_id"     // the entry has no id, so it could not be merged
	ReasonMissingThread = "missing_thread" // no page address or thread id
	ReasonBadPath       = "bad_path"       // the page path is too long or has control characters
	ReasonBadDate       = "bad_date"       // no date, or one that cannot be read
	ReasonEmptyText     = "empty_text"     // a comment with no text that is not deleted
	ReasonUnknownParent = "unknown_parent" // a reply whose parent is in neither the file nor the site
	ReasonParentSkipped = "parent_skipped" // a reply whose parent was skipped
	ReasonPingback      = "pingback"       // a WordPress pingback or trackback
	ReasonSpam          = "spam"           // left out by SkipSpam
	ReasonThreadDeleted = "thread_deleted" // a comment of a thread deleted in the source
	ReasonMalformed     = "malformed"      // an entry that cannot be read
	ReasonDeleted       = "deleted"        // deleted in the source, with no replies to hold a place for
)

// Report is what an import did. It is also the JSON of --report.
type Report struct {
	Format          Format               `json:"format"`
	Site            string               `json:"site"`
	DryRun          bool                 `json:"dryRun"`
	StartedAt       time.Time            `json:"startedAt"`
	FinishedAt      time.Time            `json:"finishedAt"`
	Bytes           int64                `json:"bytes"`
	Read            int                  `json:"read"` // entries read: added + alreadyPresent + skipped
	Added           int                  `json:"added"`
	AddedByStatus   map[model.Status]int `json:"addedByStatus"`
	AlreadyPresent  int                  `json:"alreadyPresent"`
	Skipped         int                  `json:"skipped"`
	SkippedByReason map[string]int       `json:"skippedByReason"`
	// SkippedEntries lists the first MaxReportedSkips skipped entries.
	SkippedEntries []Skip `json:"skippedEntries"`
	// Notes count changes made to entries that were imported: "ip_dropped"
	// (older than the retention), "no_email", "email_dropped" (invalid),
	// "website_dropped", "text_truncated", "name_truncated", "votes_capped",
	// "thread_id_missing" (ThreadByID fell back to the address).
	Notes map[string]int `json:"notes"`
	Pages int            `json:"pages"` // pages that received comments
	// Threads counts the threads the file holds whether or not they have
	// comments: Disqus threads, WordPress items (posts, pages,
	// attachments), Comentario, Remark42 and Parley pages, Isso threads.
	Threads int `json:"threads"`
	// Warnings say, in words, what a user must look at although the import
	// ran to its end, such as a file with posts but no comment read.
	Warnings []string `json:"warnings"`
	Complete bool     `json:"complete"`
	Error    string   `json:"error,omitempty"`
}

// NothingRead reports a file of a known format that holds threads but
// from which no comment at all was read: most likely a variant of the
// format the importer does not understand, rather than a site without
// comments. The command line exits with an error then, unless told that
// an empty import is expected (--allow-empty).
func (r *Report) NothingRead() bool {
	return r.Read == 0 && r.Threads > 0
}

// MaxReportedSkips bounds Report.SkippedEntries; counts stay exact.
const MaxReportedSkips = 1000

// Renderer turns comment markdown into sanitized HTML (markup.Renderer).
type Renderer interface {
	Render(src string) string
}

// Importer runs imports into one store.
type Importer struct {
	store  *store.Store
	render Renderer
}

// New returns an Importer writing to st and rendering with r.
func New(st *store.Store, r Renderer) *Importer {
	return &Importer{store: st, render: r}
}

// ErrNoSite is returned when Options.Site is nil.
var ErrNoSite = errors.New("import: no site given")

// Run imports the export read from r into opt.Site, reporting to obs (which
// may be nil). A dashboard upload calls it as the command line does, with
// the request body (or a multipart file) and an Observer that streams
// progress to the browser:
//
//	rep, err := im.Run(r.Context(), file, importer.Options{Site: site, Size: header.Size}, progressEvents)
//
// It returns the report even with an error: an error after
// some batches were written leaves those batches imported, and running the
// same import again completes it. Entries that cannot be imported are
// skipped and reported, never fatal; an input that cannot be read on (an
// XML syntax error, a limit exceeded, ctx cancelled) stops the import.
func (im *Importer) Run(ctx context.Context, r io.Reader, opt Options, obs Observer) (*Report, error) {
	if opt.Site == nil {
		return nil, ErrNoSite
	}
	e := newEngine(im, opt, obs)
	err := e.run(ctx, r)
	e.finish(err)
	return e.report, err
}

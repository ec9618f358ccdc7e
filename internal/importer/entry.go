package importer

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/parleyhq/parley/internal/importer/htmlmd"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// entry is one comment as a parser read it, before normalization. Its
// fields are exported only so that a waiting reply can spill to disk as
// JSON.
type entry struct {
	Key    store.ImportKey
	Parent store.ImportKey // zero for a root comment
	Ref    string          // how reports name the entry; Key.ID when empty
	Thread thread

	Name, Email, Website      string
	AccountName, AccountEmail string // Parley exports: the author's account

	Text      string // markdown
	HTML      string // Text rendered, by prepare
	Truncated bool   // prepare cut Text at the limit
	Status    model.Status
	CreatedAt time.Time
	EditedAt  *time.Time
	DeletedAt *time.Time

	IP, UserAgent      string
	Upvotes, Downvotes int
	Sticky             bool
	EditTokenHash      []byte

	// NativeID is the id a Parley export gives a comment written in
	// Parley, set only when the export is imported into its own site.
	NativeID int64

	keep     bool            // a deleted comment stored because a reply needs it
	fromHTML *htmlmd.Options // Text is the source's HTML, for prepare to convert

	// Set by normalize.
	Path     string
	Title    string
	Locked   bool
	AuthorID int64
}

// thread is the page a comment belongs to, as the source names it.
type thread struct {
	URL string // address or path of the page
	// Exact marks URL as the page path itself, to keep as it is (a Parley
	// export's, or one a WXR written by Parley names).
	Exact  bool
	ID     string // the source's identifier, for ThreadByID
	Title  string
	Locked bool
}

// size is the memory an entry holds, for the pending-replies budget
// (Limits.MaxPending): the struct itself and the bytes of every string and
// slice it points to, the rendered HTML included (often the largest).
func (e *entry) size() int64 {
	n := int(unsafe.Sizeof(*e)) + len(e.EditTokenHash)
	for _, s := range []string{
		e.Key.Source, e.Key.ID, e.Parent.Source, e.Parent.ID, e.Ref,
		e.Thread.URL, e.Thread.ID, e.Thread.Title,
		e.Name, e.Email, e.Website, e.AccountName, e.AccountEmail,
		e.Text, e.HTML, e.IP, e.UserAgent, e.Path, e.Title,
	} {
		n += len(s)
	}
	for _, t := range []*time.Time{e.EditedAt, e.DeletedAt} {
		if t != nil {
			n += int(unsafe.Sizeof(*t))
		}
	}
	return int64(n)
}

// item travels from a parser to the engine: an entry or a skip. Entries
// are prepared (text cleaned, HTML rendered) by a pool of workers on the
// way; done is closed when that is finished, and the engine takes items in
// the parser's order.
type item struct {
	entry   *entry
	skip    *Skip
	skipped store.ImportKey // the skipped entry's key, when it has one
	done    chan struct{}
}

// parseEnv is what a parser gets: where to send entries, and the context
// of the import.
type parseEnv struct {
	ctx      context.Context
	deliver  func(it *item) error // hands an entry or a skip on, in order
	limits   Limits
	tempDir  string
	siteHost string
	format   Format
	threads  atomic.Int64 // threads (posts, pages) seen, with or without comments
}

// emit sends an entry on.
func (p *parseEnv) emit(e *entry) error {
	return p.deliver(&item{entry: e})
}

// skip reports an entry the parser could not read.
func (p *parseEnv) skip(ref, reason, detail string) error {
	return p.deliver(&item{skip: &Skip{Ref: ref, Reason: reason, Detail: detail}})
}

// skipKey reports an entry the parser could read the id of, so that its
// replies are reported as replies to a skipped comment.
func (p *parseEnv) skipKey(key store.ImportKey, ref, reason, detail string) error {
	return p.deliver(&item{skip: &Skip{Ref: ref, Reason: reason, Detail: detail}, skipped: key})
}

// pipeline delivers items to the engine (out, in the parser's order) and
// entries also to the workers that prepare them (work).
func pipeline(ctx context.Context, out, work chan<- *item) func(it *item) error {
	send := func(ch chan<- *item, it *item) error {
		select {
		case ch <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return func(it *item) error {
		if it.entry == nil {
			return send(out, it)
		}
		it.done = make(chan struct{})
		if err := send(out, it); err != nil {
			return err
		}
		return send(work, it)
	}
}

// prepare does the entry's share of the work that needs no engine state,
// on a worker: convert HTML to markdown, clean and cap the text, render it.
func prepare(e *entry, maxText int, r Renderer) {
	if e.Status == model.StatusDeleted {
		e.Text, e.fromHTML = "", nil
		return
	}
	if e.fromHTML != nil {
		// Markup beyond four times the text limit cannot fit in it: a
		// hostile message must not make the conversion long.
		src := e.Text
		if len(src) > 4*maxText {
			src, e.Truncated = clip(src, 4*maxText), true
		}
		e.Text, e.fromHTML = htmlmd.Convert(strings.TrimSpace(src), *e.fromHTML), nil
	}
	var cut bool
	e.Text, cut = cleanText(e.Text, maxText)
	e.Truncated = e.Truncated || cut
	if e.Text != "" {
		e.HTML = r.Render(e.Text)
	}
}

// formatSpec is how one format is read: as a stream, or from a file on
// disk (a database, or JSON that must be read twice).
type formatSpec struct {
	parse     func(p *parseEnv, r io.Reader) error
	parseFile func(p *parseEnv, path string) error
}

func specFor(f Format) formatSpec {
	switch f {
	case Disqus:
		return formatSpec{parse: parseDisqus}
	case WordPress:
		return formatSpec{parse: parseWordPress}
	case Commento, Comentario:
		return formatSpec{parseFile: parseCommento}
	case Remark42:
		return formatSpec{parse: parseRemark42}
	case Isso:
		return formatSpec{parseFile: parseIsso}
	case Parley:
		return formatSpec{parse: parseParley}
	}
	return formatSpec{}
}

// parseAll runs the format's parser over every part of the input.
func parseAll(p *parseEnv, spec formatSpec, in *opened) error {
	for _, pt := range in.parts {
		rc, err := pt.open()
		if err != nil {
			return err
		}
		err = parsePart(p, spec, rc)
		rc.Close()
		if err != nil {
			if len(in.parts) > 1 {
				return fmt.Errorf("%s: %w", pt.name, err)
			}
			return err
		}
	}
	return nil
}

func parsePart(p *parseEnv, spec formatSpec, r io.Reader) error {
	if spec.parse != nil {
		return spec.parse(p, r)
	}
	f, _, err := spool(r, p.limits.MaxSpool, p.tempDir)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	f.Close()
	return spec.parseFile(p, f.Name())
}

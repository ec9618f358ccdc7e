package importer

import (
	"fmt"
	"io"
	"strconv"

	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

const parleyFormatName = exportformat.Name

// parseParley reads Parley's own export. Pages come before comments and a
// parent before its replies. A comment keeps the import key it had (so
// that re-importing the original source later merges); one written in
// Parley gets ("parley", "HOST#ID"). Imported into the site it was exported
// from, a comment written there is recognised by its id and time.
func parseParley(p *parseEnv, r io.Reader) error {
	w := newJSONWalker(r, p.limits.MaxToken)
	var h exportformat.Header
	pages := map[int64]thread{}
	err := w.object(func(key string) error {
		switch key {
		case "format":
			if err := w.decode(&h.Format); err != nil {
				return err
			}
			if h.Format != exportformat.Name {
				return fmt.Errorf("not a Parley export (format %q)", h.Format)
			}
			return nil
		case "version":
			if err := w.decode(&h.Version); err != nil {
				return err
			}
			if h.Version < 1 || h.Version > exportformat.Version {
				return fmt.Errorf("export format version %d is newer than this Parley reads (%d); upgrade Parley", h.Version, exportformat.Version)
			}
			return nil
		case "site":
			return w.decode(&h.Site)
		case "pages":
			return w.array(func(i int) error {
				var pg exportformat.Page
				bad, err := w.element(&pg)
				if err != nil || bad != nil {
					return err // comments of a lost page are reported with it
				}
				p.threads.Add(1)
				if len(pages) < 10_000_000 {
					pages[pg.ID] = thread{URL: pg.Path, Exact: true, ID: pg.Path, Title: pg.Title, Locked: pg.Locked}
				}
				return nil
			})
		case "comments":
			if h.Format == "" || h.Version == 0 {
				return fmt.Errorf("not a Parley export: the format and version must come first")
			}
			var last int64
			return w.array(func(i int) error {
				var c exportformat.Comment
				bad, err := w.element(&c)
				if err != nil {
					return fmt.Errorf("comment #%d (the one after comment id %d): %w", i+1, last, err)
				}
				last = c.ID
				if bad != nil {
					return p.skip("comment #"+strconv.Itoa(i+1), ReasonMalformed, bad.Error())
				}
				return parleyComment(p, &c, h.Site.Host, pages)
			})
		}
		return w.skip()
	})
	if err != nil {
		return fmt.Errorf("import: Parley export: %w", err)
	}
	if h.Format == "" {
		return fmt.Errorf("import: not a Parley export")
	}
	return nil
}

func parleyComment(p *parseEnv, c *exportformat.Comment, host string, pages map[int64]thread) error {
	ref := strconv.FormatInt(c.ID, 10)
	th, ok := pages[c.PageID]
	if !ok {
		return p.skip(ref, ReasonMissingThread, "page "+strconv.FormatInt(c.PageID, 10)+" is not in the file")
	}
	e := &entry{
		Key:       parleyKey(c.Import, host, c.ID),
		Ref:       ref,
		Thread:    th,
		Name:      c.Author.Name,
		Email:     c.Author.Email,
		Website:   c.Author.Website,
		Text:      c.Text,
		Status:    model.Status(c.Status),
		CreatedAt: c.CreatedAt,
		EditedAt:  c.EditedAt,
		DeletedAt: c.DeletedAt,
		IP:        c.IP, UserAgent: c.UserAgent,
		Upvotes: c.Upvotes, Downvotes: c.Downvotes,
		Sticky:        c.Sticky,
		EditTokenHash: c.EditTokenHash,
	}
	if c.Author.Account != nil {
		e.AccountName, e.AccountEmail = c.Author.Account.Name, c.Author.Account.Email
	}
	if c.ParentID != nil {
		e.Parent = parleyKey(c.ParentImport, host, *c.ParentID)
	}
	if c.Import == nil && host == p.siteHost {
		e.NativeID = c.ID
	}
	return p.emit(e)
}

func parleyKey(k *exportformat.ImportKey, host string, id int64) store.ImportKey {
	if k != nil && k.Source != "" && k.ID != "" {
		return store.ImportKey{Source: k.Source, ID: k.ID}
	}
	return store.ImportKey{Source: string(Parley), ID: host + "#" + strconv.FormatInt(id, 10)}
}

package exporter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// writeParley writes the versioned JSON document: the header's keys, then
// pages and comments one per line, so the file streams both ways and
// reads well in a pager.
func (x *Exporter) writeParley(ctx context.Context, w io.Writer, site *model.Site, opt Options) (Stats, error) {
	var st Stats
	bw := bufio.NewWriterSize(w, 64<<10)
	head, err := marshal(exportformat.Header{
		Format: exportformat.Name, Version: exportformat.Version, ExportedAt: opt.Now().UTC(),
		Site: exportformat.Site{Host: site.Host}, PersonalData: !opt.WithoutPersonalData,
	})
	if err != nil {
		return st, err
	}
	bw.Write(head[:len(head)-1]) // without the closing brace
	bw.WriteString(",\n\"pages\":[")
	sep := "\n"
	err = x.store.ExportPages(ctx, site.ID, func(p *model.Page, _ int) error {
		b, err := marshal(exportformat.Page{ID: p.ID, Path: p.Path, Title: p.Title, Locked: p.Locked, CreatedAt: p.CreatedAt})
		if err != nil {
			return err
		}
		st.Pages++
		bw.WriteString(sep)
		sep = ",\n"
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return st, err
	}
	bw.WriteString("],\n\"comments\":[")
	sep = "\n"
	err = x.store.ExportComments(ctx, site.ID, false, func(c *store.ExportedComment) error {
		b, err := marshal(exportComment(c, opt))
		if err != nil {
			return err
		}
		st.Comments++
		bw.WriteString(sep)
		sep = ",\n"
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return st, err
	}
	bw.WriteString("]}\n")
	return st, bw.Flush()
}

func exportComment(c *store.ExportedComment, opt Options) exportformat.Comment {
	out := exportformat.Comment{
		ID: c.ID, PageID: c.PageID,
		Author:    exportformat.Author{Name: c.GuestName, Email: c.GuestEmail, Website: c.GuestWebsite},
		Text:      c.Text,
		HTML:      c.HTML,
		Status:    string(c.Status),
		CreatedAt: c.CreatedAt, EditedAt: c.EditedAt, DeletedAt: c.DeletedAt,
		Score: c.Score, Upvotes: c.Upvotes, Downvotes: c.Downvotes, Sticky: c.Sticky,
		IP: c.IP, UserAgent: c.UserAgent, EditTokenHash: c.EditTokenHash,
	}
	if c.ParentID != 0 {
		pid := c.ParentID
		out.ParentID = &pid
	}
	if c.AuthorID != 0 {
		out.Author.Account = &exportformat.Account{Name: c.UserName, Email: c.UserEmail}
	}
	if c.Key.ID != "" {
		out.Import = &exportformat.ImportKey{Source: c.Key.Source, ID: c.Key.ID}
	}
	if c.ParentKey.ID != "" {
		out.ParentImport = &exportformat.ImportKey{Source: c.ParentKey.Source, ID: c.ParentKey.ID}
	}
	if opt.WithoutPersonalData {
		out.Author.Email, out.IP, out.UserAgent = "", "", ""
		if out.Author.Account != nil {
			out.Author.Account.Email = ""
		}
	}
	return out
}

// marshal encodes v without a trailing newline and without escaping <, >
// and & (the file is not HTML, and stays readable).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

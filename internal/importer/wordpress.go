package importer

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/importer/htmlmd"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// wxrNamespace matches every spelling of the wp: namespace WordPress has
// written: http or https, versions 1.0 to 1.2 (and later ones), with or
// without the trailing slash (the official theme unit test data declares
// https://wordpress.org/export/1.2/).
var wxrNamespace = regexp.MustCompile(`^https?://(?:www\.)?wordpress\.(?:org|com)/export/\d+\.\d+/?$`)

// isWXR tells whether an element's namespace is WXR's wp: namespace. An
// undeclared wp: prefix (the decoder then reports "wp") counts too.
func isWXR(space string) bool {
	return space == "wp" || wxrNamespace.MatchString(space)
}

type wpComment struct {
	ID       string   `xml:"comment_id"`
	Author   string   `xml:"comment_author"`
	Email    string   `xml:"comment_author_email"`
	URL      string   `xml:"comment_author_url"`
	IP       string   `xml:"comment_author_IP"`
	Date     string   `xml:"comment_date"`
	DateGMT  string   `xml:"comment_date_gmt"`
	Content  string   `xml:"comment_content"`
	Approved string   `xml:"comment_approved"`
	Type     string   `xml:"comment_type"`
	Parent   string   `xml:"comment_parent"`
	Meta     []wpMeta `xml:"commentmeta"`
}

// wpItem is what is known of the post whose comments are being read.
type wpItem struct {
	title, link, postID  string
	guid, postType       string
	postDate, postDateGM string
	closed               bool
	parleyPath           string // a WXR written by Parley names the page exactly
	page                 string // the page path, decided at the first comment
}

// wpBuffered bounds the comments held while an item's link and id are
// still unknown (they come first in every real export).
const wpBuffered = 1000

const wpTime = "2006-01-02 15:04:05"

// wordpressHTML converts comment_content: line breaks are as typed.
var wordpressHTML = htmlmd.Options{KeepNewlines: true}

// parseWordPress reads a WXR file: <rss><channel> with one <item> per post
// or page, each with its <wp:comment> elements. Items are read token by
// token: a post's content may be large, and is never kept.
func parseWordPress(p *parseEnv, r io.Reader) error {
	x, err := newXMLReader(r, p.limits.MaxToken)
	if err != nil {
		return err
	}
	depth, rss := 0, false
	pages := &wpPages{taken: map[string]string{}}
	for {
		tok, err := x.token()
		if errors.Is(err, io.EOF) {
			if !rss {
				return errors.New("import: not a WordPress export (no <rss> element)")
			}
			return nil
		}
		if err != nil {
			return xmlError(x, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "rss" {
					return fmt.Errorf("import: not a WordPress export (it starts with <%s>)", t.Name.Local)
				}
				rss = true
			case depth == 3 && t.Name.Local == "item":
				depth--
				p.threads.Add(1)
				if err := parseWPItem(p, x, pages); err != nil {
					return err
				}
			case depth >= 3:
				depth--
				if err := x.skip(); err != nil {
					return xmlError(x, err)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

func parseWPItem(p *parseEnv, x *xmlReader, pages *wpPages) error {
	var it wpItem
	var held []*wpComment
	emit := func(c *wpComment) error {
		if it.page == "" {
			it.page = pages.path(&it)
		}
		return emitWPComment(p, &it, c)
	}
	flush := func() error {
		for _, c := range held {
			if err := emit(c); err != nil {
				return err
			}
		}
		held = held[:0]
		return nil
	}
	for {
		tok, err := x.token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return xmlError(x, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return flush()
		case xml.StartElement:
			wp := isWXR(t.Name.Space)
			var field *string
			switch {
			case t.Name.Local == "comment" && wp:
				c := new(wpComment)
				if err := x.decode(c, &t); err != nil {
					return xmlError(x, err)
				}
				if it.link == "" && it.postID == "" && len(held) < wpBuffered {
					held = append(held, c)
					continue
				}
				if err := flush(); err != nil {
					return err
				}
				if err := emit(c); err != nil {
					return err
				}
				continue
			case t.Name.Local == "postmeta" && wp:
				var m wpMeta
				if err := x.decode(&m, &t); err != nil {
					return xmlError(x, err)
				}
				if strings.TrimSpace(m.Key) == exportformat.WXRMetaPath && strings.HasPrefix(m.Value, "/") {
					it.parleyPath = m.Value
				}
				continue
			case t.Name.Local == "title" && t.Name.Space == "":
				field = &it.title
			case t.Name.Local == "link" && t.Name.Space == "":
				field = &it.link
			case t.Name.Local == "guid" && t.Name.Space == "":
				field = &it.guid
			case t.Name.Local == "post_type" && wp:
				field = &it.postType
			case t.Name.Local == "post_id" && wp:
				field = &it.postID
			case t.Name.Local == "post_date" && wp:
				field = &it.postDate
			case t.Name.Local == "post_date_gmt" && wp:
				field = &it.postDateGM
			case t.Name.Local == "comment_status" && wp:
				var s string
				if s, err = x.text(); err != nil {
					return xmlError(x, err)
				}
				it.closed = strings.TrimSpace(s) == "closed"
				continue
			default:
				if err := x.skip(); err != nil {
					return xmlError(x, err)
				}
				continue
			}
			s, err := x.text()
			if err != nil {
				return xmlError(x, err)
			}
			*field = strings.TrimSpace(s)
		}
	}
}

func emitWPComment(p *parseEnv, it *wpItem, c *wpComment) error {
	id := strings.TrimSpace(c.ID)
	scope := it.postID
	if scope == "" {
		scope = it.link
	}
	ref := "comment " + id
	if it.postID != "" {
		ref += " (post " + it.postID + ")"
	}
	var key store.ImportKey
	if id != "" {
		key = store.ImportKey{Source: string(WordPress), ID: scope + "#" + id}
	}
	switch strings.TrimSpace(c.Type) {
	case "pingback", "trackback":
		return p.skipKey(key, ref, ReasonPingback, "")
	}
	created, ok := wpCommentTime(it, c)
	if !ok {
		return p.skipKey(key, ref, ReasonBadDate, strings.TrimSpace(c.DateGMT+" "+c.Date))
	}
	e := &entry{
		Ref:    ref,
		Thread: thread{URL: it.page, Exact: true, ID: it.threadID(), Title: it.title, Locked: it.closed},
		// WordPress keeps entities in names ("O&#039;Brien").
		Name: html.UnescapeString(c.Author), Email: c.Email, Website: c.URL, IP: c.IP,
		Text:      c.Content,
		fromHTML:  &wordpressHTML,
		Status:    wpStatus(c.Approved),
		CreatedAt: created,
	}
	e.Key = key
	if parent := strings.TrimSpace(c.Parent); parent != "" && parent != "0" {
		e.Parent = store.ImportKey{Source: string(WordPress), ID: scope + "#" + parent}
	}
	parleyKeys(p, e, c)
	return p.emit(e)
}

// wpCommentTime is the comment's time: comment_date_gmt, or else the local
// comment_date corrected by the offset between the post's local and GMT
// dates (WordPress leaves the GMT date empty or zero for some comments).
func wpCommentTime(it *wpItem, c *wpComment) (time.Time, bool) {
	if t, err := time.Parse(wpTime, strings.TrimSpace(c.DateGMT)); err == nil && t.Year() > 1970 {
		return t, true
	}
	local, err := time.Parse(wpTime, strings.TrimSpace(c.Date))
	if err != nil || local.Year() <= 1970 {
		return time.Time{}, false
	}
	pl, err1 := time.Parse(wpTime, it.postDate)
	pg, err2 := time.Parse(wpTime, it.postDateGM)
	if err1 == nil && err2 == nil && pg.Year() > 1970 {
		if off := pl.Sub(pg); off > -15*time.Hour && off < 15*time.Hour {
			return local.Add(-off), true
		}
	}
	return local, true
}

func wpStatus(approved string) model.Status {
	switch strings.TrimSpace(approved) {
	case "1", "approve", "approved":
		return model.StatusApproved
	case "spam":
		return model.StatusSpam
	case "trash":
		return model.StatusDeleted
	}
	// "0" (held), "post-trashed" (the post is in the trash) and anything
	// unknown wait for a moderator rather than appear.
	return model.StatusPending
}

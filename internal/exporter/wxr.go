package exporter

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

const wxrTime = "2006-01-02 15:04:05"

// writeWXR writes a WordPress eXtended RSS 1.2 file: one <item> (a post)
// per page with comments, and its comments as <wp:comment>. Times are
// UTC in both the local and the GMT fields; content is the sanitized HTML
// WordPress displays as it is.
func (x *Exporter) writeWXR(ctx context.Context, w io.Writer, site *model.Site, opt Options) (Stats, error) {
	var st Stats
	pages := map[int64]*model.Page{}
	if err := x.store.ExportPages(ctx, site.ID, func(p *model.Page, _ int) error {
		pages[p.ID] = p
		return nil
	}); err != nil {
		return st, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	now := opt.Now().UTC()
	bw.WriteString(xml.Header)
	bw.WriteString("<!-- WordPress eXtended RSS (WXR 1.2) written by Parley: the comments of " + esc(site.Host) + ". -->\n")
	bw.WriteString(`<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">` + "\n<channel>\n")
	tag(bw, "\t", "title", site.Host)
	tag(bw, "\t", "link", opt.BaseURL+"/")
	tag(bw, "\t", "description", "Comments exported from Parley")
	tag(bw, "\t", "pubDate", now.Format(time.RFC1123Z))
	tag(bw, "\t", "wp:wxr_version", "1.2")
	tag(bw, "\t", "wp:base_site_url", opt.BaseURL+"/")
	tag(bw, "\t", "wp:base_blog_url", opt.BaseURL+"/")
	tag(bw, "\t", "generator", "Parley")
	open := int64(0)
	err := x.store.ExportComments(ctx, site.ID, true, func(c *store.ExportedComment) error {
		if c.PageID != open {
			if open != 0 {
				bw.WriteString("\t</item>\n")
			}
			open = c.PageID
			st.Pages++
			writeWXRItem(bw, pages[c.PageID], c.PageID, opt)
		}
		st.Comments++
		writeWXRComment(bw, c, site.Host, opt)
		return nil
	})
	if err != nil {
		return st, err
	}
	if open != 0 {
		bw.WriteString("\t</item>\n")
	}
	bw.WriteString("</channel>\n</rss>\n")
	return st, bw.Flush()
}

func writeWXRItem(bw *bufio.Writer, p *model.Page, id int64, opt Options) {
	if p == nil { // a page created while the export ran
		p = &model.Page{ID: id, Path: "/", CreatedAt: time.Now()}
	}
	link := opt.BaseURL + p.Path
	title := p.Title
	if title == "" {
		title = p.Path
	}
	created := p.CreatedAt.UTC().Format(wxrTime)
	status := "open"
	if p.Locked {
		status = "closed"
	}
	bw.WriteString("\t<item>\n")
	tag(bw, "\t\t", "title", title)
	tag(bw, "\t\t", "link", link)
	tag(bw, "\t\t", "pubDate", p.CreatedAt.UTC().Format(time.RFC1123Z))
	cdata(bw, "\t\t", "dc:creator", "")
	bw.WriteString("\t\t<guid isPermaLink=\"false\">" + esc(link) + "</guid>\n")
	tag(bw, "\t\t", "description", "")
	cdata(bw, "\t\t", "content:encoded", "")
	cdata(bw, "\t\t", "excerpt:encoded", "")
	tag(bw, "\t\t", "wp:post_id", strconv.FormatInt(p.ID, 10))
	tag(bw, "\t\t", "wp:post_date", created)
	tag(bw, "\t\t", "wp:post_date_gmt", created)
	tag(bw, "\t\t", "wp:comment_status", status)
	tag(bw, "\t\t", "wp:ping_status", "closed")
	tag(bw, "\t\t", "wp:post_name", slug(p.Path))
	tag(bw, "\t\t", "wp:status", "publish")
	tag(bw, "\t\t", "wp:post_parent", "0")
	tag(bw, "\t\t", "wp:menu_order", "0")
	tag(bw, "\t\t", "wp:post_type", "post")
	tag(bw, "\t\t", "wp:post_password", "")
	tag(bw, "\t\t", "wp:is_sticky", "0")
	meta(bw, "\t\t", "wp:postmeta", exportformat.WXRMetaPath, p.Path)
}

// wxrKey is a comment's import key as "source:id", the value of
// exportformat.WXRMetaKey and WXRMetaParentKey. wp:comment_id and
// wp:post_id are Parley's ids, unique in the file, as WordPress needs, but
// they name nothing outside it.
func wxrKey(k store.ImportKey, host string, id int64) string {
	if k.ID != "" {
		return k.Source + ":" + k.ID
	}
	return "parley:" + host + "#" + strconv.FormatInt(id, 10)
}

// meta writes a <wp:postmeta> or <wp:commentmeta>.
func meta(bw *bufio.Writer, indent, element, key, value string) {
	bw.WriteString(indent + "<" + element + ">\n")
	tag(bw, indent+"\t", "wp:meta_key", key)
	cdata(bw, indent+"\t", "wp:meta_value", value)
	bw.WriteString(indent + "</" + element + ">\n")
}

func writeWXRComment(bw *bufio.Writer, c *store.ExportedComment, host string, opt Options) {
	email, ip := c.GuestEmail, c.IP
	name := c.GuestName
	if name == "" && c.AuthorID != 0 {
		name = c.UserName
	}
	if email == "" && c.AuthorID != 0 {
		email = c.UserEmail
	}
	if opt.WithoutPersonalData {
		email, ip = "", ""
	}
	at := c.CreatedAt.UTC().Format(wxrTime)
	bw.WriteString("\t\t<wp:comment>\n")
	const in = "\t\t\t"
	tag(bw, in, "wp:comment_id", strconv.FormatInt(c.ID, 10))
	cdata(bw, in, "wp:comment_author", name)
	tag(bw, in, "wp:comment_author_email", email)
	tag(bw, in, "wp:comment_author_url", c.GuestWebsite)
	tag(bw, in, "wp:comment_author_IP", ip)
	tag(bw, in, "wp:comment_date", at)
	tag(bw, in, "wp:comment_date_gmt", at)
	cdata(bw, in, "wp:comment_content", c.HTML)
	tag(bw, in, "wp:comment_approved", wxrApproved(c.Status))
	tag(bw, in, "wp:comment_type", "comment")
	tag(bw, in, "wp:comment_parent", strconv.FormatInt(c.ParentID, 10))
	tag(bw, in, "wp:comment_user_id", "0")
	meta(bw, in, "wp:commentmeta", exportformat.WXRMetaKey, wxrKey(c.Key, host, c.ID))
	if c.ParentID != 0 {
		meta(bw, in, "wp:commentmeta", exportformat.WXRMetaParentKey, wxrKey(c.ParentKey, host, c.ParentID))
	}
	bw.WriteString("\t\t</wp:comment>\n")
}

func wxrApproved(s model.Status) string {
	switch s {
	case model.StatusApproved:
		return "1"
	case model.StatusSpam:
		return "spam"
	case model.StatusDeleted:
		return "trash"
	}
	return "0"
}

// slug is a post name for WordPress from a page path.
func slug(path string) string {
	path = strings.Trim(path, "/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	path, _, _ = strings.Cut(path, "?")
	return path
}

func tag(bw *bufio.Writer, indent, name, value string) {
	bw.WriteString(indent + "<" + name + ">" + esc(value) + "</" + name + ">\n")
}

// cdata writes a CDATA section, splitting any "]]>" inside the value.
func cdata(bw *bufio.Writer, indent, name, value string) {
	value = strings.ReplaceAll(xmlSafe(value), "]]>", "]]]]><![CDATA[>")
	bw.WriteString(indent + "<" + name + "><![CDATA[" + value + "]]></" + name + ">\n")
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(xmlSafe(s)))
	return b.String()
}

// xmlSafe drops characters XML cannot carry (even escaped).
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

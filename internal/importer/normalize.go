package importer

import (
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Field caps, the same as for comments written in the widget where there
// is one (internal/comment), and generous ones elsewhere.
const (
	maxName      = 100  // characters
	maxEmail     = 254  // bytes
	maxWebsite   = 2048 // bytes
	maxPath      = 512  // bytes, as comment.MaxPathLength: the widget cannot read longer paths
	maxTitle     = 300  // characters
	maxUserAgent = 512  // bytes
	maxKey       = 256  // bytes of a source id
)

// normalize checks and cleans an entry in place, or says why it is skipped.
func (g *engine) normalize(e *entry) *Skip {
	ref := e.Ref
	if ref == "" {
		ref = e.Key.ID
	}
	skip := func(reason, detail string) *Skip {
		return &Skip{Ref: clip(ref, maxKey), Reason: reason, Detail: detail}
	}
	e.Key.ID = strings.TrimSpace(e.Key.ID)
	e.Parent.ID = strings.TrimSpace(e.Parent.ID)
	switch {
	case e.Key.ID == "":
		return skip(ReasonMissingID, "")
	case len(e.Key.ID) > maxKey || len(e.Parent.ID) > maxKey:
		return skip(ReasonMalformed, "id longer than 256 bytes")
	}
	if e.Parent.ID == "" {
		e.Parent = store.ImportKey{}
	}
	if !e.Status.Valid() {
		e.Status = model.StatusPending
	}
	if g.opt.SkipSpam && e.Status == model.StatusSpam {
		return skip(ReasonSpam, "")
	}
	if e.CreatedAt.IsZero() || e.CreatedAt.Year() < 1970 || e.CreatedAt.Year() > 9999 {
		return skip(ReasonBadDate, "")
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Millisecond)
	e.EditedAt = cleanTime(e.EditedAt)
	e.DeletedAt = cleanTime(e.DeletedAt)
	if s := g.normalizePage(e); s != "" {
		return skip(s, "")
	}
	if e.Status == model.StatusDeleted {
		g.erase(e)
		return nil
	}
	if e.Text == "" {
		return skip(ReasonEmptyText, "")
	}
	if e.Truncated {
		g.note("text_truncated")
	}
	g.normalizeAuthor(e)
	g.normalizeNetwork(e)
	for _, v := range []*int{&e.Upvotes, &e.Downvotes} {
		*v = max(*v, 0)
		if *v > store.MaxImportVotes {
			*v = store.MaxImportVotes
			g.note("votes_capped")
		}
	}
	return nil
}

func cleanTime(t *time.Time) *time.Time {
	if t == nil || t.IsZero() || t.Year() < 1970 || t.Year() > 9999 {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

// normalizePage sets the page path and title from the thread.
func (g *engine) normalizePage(e *entry) string {
	path := ""
	if g.opt.ThreadKey == ThreadByID && g.report.Format != Parley {
		if path = idPath(e.Thread.ID); path == "" && e.Thread.URL != "" {
			g.note("thread_id_missing")
		}
	}
	switch {
	case path != "":
	case e.Thread.Exact:
		path = e.Thread.URL
	default:
		path = urlPath(e.Thread.URL)
	}
	switch {
	case path == "":
		return ReasonMissingThread
	case len(path) > maxPath || !utf8.ValidString(path) || strings.IndexFunc(path, unicode.IsControl) >= 0:
		return ReasonBadPath
	}
	e.Path = path
	e.Title = clipRunes(oneLine(e.Thread.Title), maxTitle)
	e.Locked = e.Thread.Locked
	return ""
}

// wpQueryVars are the query variables of WordPress permalinks that name a
// post: with "plain" permalinks (and in guids) a post is /?p=123, a page
// /?page_id=2, an attachment /?attachment_id=5, wherever the blog is
// installed. A custom post type's variable is its own name (?book=dune),
// which the WXR reader passes on.
var wpQueryVars = []string{"p", "page_id", "attachment_id", "post_type", "name", "pagename", "attachment"}

// urlPath is the page path of an address: its escaped path as a browser's
// location.pathname gives it. The query is kept where it names the page:
// whole for / and *.php (WordPress's /?p=123 and index.php?p=123, and
// other software's index.php?id=7), and otherwise its WordPress
// post-naming variables (wpQueryVars and queryVars), so that /blog/?p=129
// and /blog/?page_id=748 stay two pages. A fragment never is.
func urlPath(raw string, queryVars ...string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.HasPrefix(raw, "/") {
			p, _, _ := strings.Cut(raw, "#")
			return p
		}
		return ""
	}
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(u.Path, "/") {
		if u.Path == "" {
			return ""
		}
		u.Path = "/" + u.Path
		u.RawPath = ""
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery == "" {
		return p
	}
	if p == "/" || strings.HasSuffix(p, ".php") {
		return p + "?" + u.RawQuery
	}
	var kept []string
	for _, part := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		if name, err := url.QueryUnescape(name); err == nil && name != "" &&
			(slices.Contains(wpQueryVars, name) || slices.Contains(queryVars, name)) {
			kept = append(kept, part)
		}
	}
	if len(kept) > 0 {
		p += "?" + strings.Join(kept, "&")
	}
	return p
}

// idPath turns a source's thread identifier into a page path: an address
// gives its path, a path stays, anything else is put after a slash.
func idPath(id string) string {
	id = strings.TrimSpace(id)
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://"):
		return urlPath(id)
	case strings.HasPrefix(id, "/"):
		return id
	}
	return "/" + id
}

// erase keeps of a deleted comment only its place in the thread, as
// Store.DeleteComment does.
func (g *engine) erase(e *entry) {
	e.Text, e.HTML, e.Name, e.Email, e.Website = "", "", "", "", ""
	e.AccountName, e.AccountEmail = "", ""
	e.IP, e.UserAgent, e.EditTokenHash = "", "", nil
	if e.DeletedAt == nil {
		at := e.CreatedAt
		e.DeletedAt = &at
	}
}

// cleanText makes markdown valid UTF-8 with Unix line ends and no control
// characters but tabs and newlines, trimmed and cut at max bytes.
func cleanText(s string, max int) (string, bool) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > max {
		return strings.TrimSpace(clip(s, max)), true
	}
	return s, false
}

func (g *engine) normalizeAuthor(e *entry) {
	name := oneLine(e.Name)
	if utf8.RuneCountInString(name) > maxName {
		name = clipRunes(name, maxName)
		g.note("name_truncated")
	}
	e.Name = name
	e.Email = strings.TrimSpace(e.Email)
	switch {
	case e.Email == "":
		g.note("no_email")
	case !validEmail(e.Email):
		e.Email = ""
		g.note("email_dropped")
	}
	e.Website = strings.TrimSpace(e.Website)
	if e.Website != "" {
		if w, ok := validWebsite(e.Website); ok {
			e.Website = w
		} else {
			e.Website = ""
			g.note("website_dropped")
		}
	}
	e.AccountName = clipRunes(oneLine(e.AccountName), maxName)
	e.AccountEmail = strings.TrimSpace(e.AccountEmail)
	if !validEmail(e.AccountEmail) {
		e.AccountEmail = ""
	}
}

// normalizeNetwork keeps a valid IP address and the user agent only for
// comments younger than the IP retention (promise P5).
func (g *engine) normalizeNetwork(e *entry) {
	e.UserAgent = clip(oneLine(e.UserAgent), maxUserAgent)
	ip := strings.TrimSpace(e.IP)
	e.IP = ""
	if e.CreatedAt.Before(g.cutoff) {
		e.UserAgent = ""
		if ip != "" {
			g.note("ip_dropped")
		}
		return
	}
	if addr, err := netip.ParseAddr(ip); err == nil {
		e.IP = addr.Unmap().String()
	}
}

func validEmail(email string) bool {
	if email == "" || len(email) > maxEmail || strings.ContainsAny(email, " <>\"") {
		return false
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return false
	}
	_, domain, ok := strings.Cut(email, "@")
	return ok && strings.Contains(domain, ".")
}

func validWebsite(raw string) (string, bool) {
	if len(raw) > maxWebsite {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return "", false
	}
	return u.String(), true
}

// oneLine replaces control characters and runs of white space with one space.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

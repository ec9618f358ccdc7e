package admin

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/store"
)

// MaxSearchLength bounds each search field of the moderation page, in
// characters (and store.MaxSearchLength in bytes).
const MaxSearchLength = 100

// searchForm is the search of the moderation page as typed, with the
// problem of each field by name.
type searchForm struct {
	Text, Author, Path string
	Fields             map[string]string
}

// searchParams reads the search fields q, author and path. An author with
// an @ is an email, matched exactly (through its blind index) for those who
// may see emails; for anyone else it is part of a name like any text.
func searchParams(v url.Values, showsEmail bool) (searchForm, store.Search) {
	f := searchForm{Text: strings.TrimSpace(v.Get("q")), Author: strings.TrimSpace(v.Get("author")),
		Path: strings.TrimSpace(v.Get("path")), Fields: map[string]string{}}
	for name, value := range map[string]string{"q": f.Text, "author": f.Author, "path": f.Path} {
		if utf8.RuneCountInString(value) > MaxSearchLength || len(value) > store.MaxSearchLength || !utf8.ValidString(value) {
			f.Fields[name] = fmt.Sprintf("Use at most %d characters.", MaxSearchLength)
		}
	}
	if len(f.Fields) > 0 {
		return f, store.Search{}
	}
	s := store.Search{Text: f.Text, Path: f.Path, AuthorName: f.Author}
	if showsEmail && strings.Contains(f.Author, "@") {
		s.AuthorName, s.AuthorEmail = "", f.Author
	}
	return f, s
}

// query is the search as a URL query to append ("" for none).
func (f searchForm) query() string {
	v := url.Values{}
	for name, value := range map[string]string{"q": f.Text, "author": f.Author, "path": f.Path} {
		if value != "" {
			v.Set(name, value)
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "&" + v.Encode()
}

// Active reports whether the search narrows the tab.
func (f searchForm) Active() bool { return f.Text != "" || f.Author != "" || f.Path != "" }

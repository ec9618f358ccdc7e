package importer

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/store"
)

// maxWPPages bounds the page paths a WordPress import remembers to keep
// two posts off one page; beyond it, later collisions go unnoticed.
const maxWPPages = 1_000_000

// wpMeta is a <wp:postmeta> or <wp:commentmeta>.
type wpMeta struct {
	Key   string `xml:"meta_key"`
	Value string `xml:"meta_value"`
}

// wpPages decides the page of each item of a WXR file, so that two posts
// never share a page unless their permalinks are the same.
type wpPages struct {
	taken map[string]string // page path → the post id that has it
}

// path returns the page of an item: the path of its link, keeping the
// query variables that name a post (?p=, ?page_id=, ?attachment_id= and
// its own post type's) wherever the blog is installed. When another post
// of the file has that page already (their links coincide, or an item has
// no link), the item's guid tells it apart, or else its post id
// (?p=ID). An item written by Parley names its page exactly.
func (w *wpPages) path(it *wpItem) string {
	if it.parleyPath != "" {
		return it.parleyPath
	}
	link := urlPath(it.link, it.postType)
	candidates := []string{link, urlPath(it.guid, it.postType)}
	if it.postID != "" {
		base := link
		if base == "" {
			base = "/"
		}
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		candidates = append(candidates, base+sep+"p="+url.QueryEscape(it.postID))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		owner, ok := w.taken[c]
		if !ok || owner == it.postID {
			w.claim(c, it.postID)
			return c
		}
	}
	return link // no post id to tell it apart: the same post, as far as the file says
}

func (w *wpPages) claim(path, postID string) {
	if len(w.taken) < maxWPPages {
		w.taken[path] = postID
	}
}

// threadID is the item's identifier for ThreadByID: the post id, or the
// page path of an item Parley wrote (its post id is Parley's page id).
func (it *wpItem) threadID() string {
	if it.parleyPath != "" {
		return it.parleyPath
	}
	return it.postID
}

// parleyKeys gives a comment of a WXR written by Parley the import key it
// has there (the key of its original source, or "parley", "HOST#ID"), and
// its parent's, so that importing the file into the site it came from
// adds nothing and importing it elsewhere keeps every comment's origin. A
// comment written in Parley on this very site is recognised by its id and
// time, as in a Parley export.
func parleyKeys(p *parseEnv, e *entry, c *wpComment) {
	for _, m := range c.Meta {
		k, ok := parseWXRKey(m.Value)
		if !ok {
			continue
		}
		switch strings.TrimSpace(m.Key) {
		case exportformat.WXRMetaKey:
			e.Key = k
			host, id, _ := strings.Cut(k.ID, "#")
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && k.Source == string(Parley) && host == p.siteHost {
				e.NativeID = n
			}
		case exportformat.WXRMetaParentKey:
			if e.Parent.ID != "" {
				e.Parent = k
			}
		}
	}
}

// parseWXRKey reads "source:id" with a source Parley imports from.
func parseWXRKey(s string) (store.ImportKey, bool) {
	source, id, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || id == "" || len(id) > maxKey || !slices.Contains(Formats(), Format(source)) {
		return store.ImportKey{}, false
	}
	return store.ImportKey{Source: source, ID: id}, true
}

package api

import (
	"encoding/xml"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// The Atom 1.0 document (RFC 4287). encoding/xml escapes every text and
// attribute, and writes U+FFFD for characters XML cannot hold.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Published string      `xml:"published"`
	Updated   string      `xml:"updated"`
	Author    atomAuthor  `xml:"author"`
	Link      atomLink    `xml:"link"`
	Content   atomContent `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func atomOf(f feedInfo, list []store.FeedComment) atomFeed {
	out := atomFeed{Title: f.title, ID: f.link, Updated: atomTime(f.updated), Links: []atomLink{
		{Rel: "self", Type: "application/atom+xml", Href: f.self}, {Rel: "alternate", Type: "text/html", Href: f.link},
	}}
	for _, c := range list {
		link := commentURL(f.host, c)
		name := c.AuthorName
		if name == "" {
			name = "Anonymous" // Atom requires an author's name
		}
		out.Entries = append(out.Entries, atomEntry{
			Title: entryTitle(c), ID: link, Published: atomTime(c.CreatedAt), Updated: atomTime(changedAt(c)),
			Author: atomAuthor{Name: name}, Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Content: atomContent{Type: "html", Body: c.HTML},
		})
	}
	return out
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// The RSS 2.0 document. An item has no author element: RSS wants an email
// there, and a feed never shows one.
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

func rssOf(f feedInfo, list []store.FeedComment) rssDoc {
	out := rssDoc{Version: "2.0", Channel: rssChannel{Title: f.title, Link: f.link, Description: f.title, LastBuildDate: rssTime(f.updated)}}
	for _, c := range list {
		link := commentURL(f.host, c)
		out.Channel.Items = append(out.Channel.Items, rssItem{
			Title: entryTitle(c), Link: link, GUID: rssGUID{IsPermaLink: true, Value: link},
			PubDate: rssTime(c.CreatedAt), Description: c.HTML,
		})
	}
	return out
}

func rssTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

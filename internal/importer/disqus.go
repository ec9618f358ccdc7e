package importer

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/importer/htmlmd"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// disqusThread is a <thread> of a Disqus export. Fields are read as text
// and parsed here, so that one bad value skips one entry and never stops
// the decoder.
type disqusThread struct {
	UID     string `xml:"id,attr"`
	ID      string `xml:"id"`
	Link    string `xml:"link"`
	Title   string `xml:"title"`
	Closed  string `xml:"isClosed"`
	Deleted string `xml:"isDeleted"`
}

type disqusPost struct {
	UID       string `xml:"id,attr"`
	Message   string `xml:"message"`
	CreatedAt string `xml:"createdAt"`
	Deleted   string `xml:"isDeleted"`
	Spam      string `xml:"isSpam"`
	Approved  string `xml:"isApproved"`
	Author    struct {
		Email    string `xml:"email"`
		Name     string `xml:"name"`
		Username string `xml:"username"`
		Link     string `xml:"link"`
	} `xml:"author"`
	IP     string `xml:"ipAddress"`
	Thread struct {
		UID string `xml:"id,attr"`
	} `xml:"thread"`
	Parent struct {
		UID string `xml:"id,attr"`
	} `xml:"parent"`
}

// disqusThreadInfo is what is kept of a thread until the end: its page.
type disqusThreadInfo struct {
	thread
	deleted bool
}

// parseDisqus reads a Disqus export: <disqus> with <category>, <thread>
// and <post> children. Threads come before the posts that refer to them.
func parseDisqus(p *parseEnv, r io.Reader) error {
	x, err := newXMLReader(r, p.limits.MaxToken)
	if err != nil {
		return err
	}
	threads := map[string]disqusThreadInfo{}
	depth, posts, root := 0, 0, false
	for {
		tok, err := x.token()
		if errors.Is(err, io.EOF) {
			if !root {
				return errors.New("import: not a Disqus export (no <disqus> element)")
			}
			return nil
		}
		if err != nil {
			return xmlError(x, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if t.Name.Local != "disqus" {
					return fmt.Errorf("import: not a Disqus export (it starts with <%s>)", t.Name.Local)
				}
				root = true
				continue
			}
			if depth != 2 {
				continue
			}
			depth--
			switch t.Name.Local {
			case "thread":
				var th disqusThread
				if err := x.decode(&th, &t); err != nil {
					return xmlError(x, err)
				}
				p.threads.Add(1)
				threads[th.UID] = disqusThreadInfo{
					thread:  thread{URL: th.Link, ID: th.ID, Title: th.Title, Locked: isTrue(th.Closed)},
					deleted: isTrue(th.Deleted),
				}
			case "post":
				posts++
				var po disqusPost
				fast, err := x.fastDisqusPost(&po, &t)
				if err == nil && !fast {
					err = x.decodeDisqusPost(&po, &t)
				}
				if err != nil {
					return xmlError(x, err)
				}
				if err := emitDisqusPost(p, &po, threads, posts); err != nil {
					return err
				}
			default:
				if err := x.skip(); err != nil {
					return xmlError(x, err)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

func emitDisqusPost(p *parseEnv, po *disqusPost, threads map[string]disqusThreadInfo, n int) error {
	ref := po.UID
	if ref == "" {
		ref = "post #" + strconv.Itoa(n)
	}
	key := store.ImportKey{Source: string(Disqus), ID: strings.TrimSpace(po.UID)}
	th, ok := threads[po.Thread.UID]
	switch {
	case !ok:
		return p.skipKey(key, ref, ReasonMissingThread, "thread "+po.Thread.UID+" is not in the file")
	case th.deleted:
		return p.skipKey(key, ref, ReasonThreadDeleted, "")
	}
	created, err := time.Parse(time.RFC3339, strings.TrimSpace(po.CreatedAt))
	if err != nil {
		return p.skipKey(key, ref, ReasonBadDate, strings.TrimSpace(po.CreatedAt))
	}
	status := model.StatusApproved
	switch {
	case isTrue(po.Deleted):
		status = model.StatusDeleted
	case isTrue(po.Spam):
		status = model.StatusSpam
	case strings.TrimSpace(po.Approved) == "false":
		status = model.StatusPending
	}
	name := strings.TrimSpace(po.Author.Name)
	if name == "" {
		name = po.Author.Username
	}
	e := &entry{
		Key:    key,
		Ref:    ref,
		Thread: th.thread,
		Name:   name, Email: po.Author.Email, Website: po.Author.Link,
		Text:      po.Message,
		fromHTML:  &disqusHTML,
		Status:    status,
		CreatedAt: created,
		IP:        po.IP,
	}
	if pid := strings.TrimSpace(po.Parent.UID); pid != "" {
		e.Parent = store.ImportKey{Source: string(Disqus), ID: pid}
	}
	return p.emit(e)
}

// disqusHTML converts Disqus messages.
var disqusHTML = htmlmd.Options{Link: disqusLink}

// disqusHash is the suffix Disqus appends to the address it wraps.
var disqusHash = regexp.MustCompile(`:[A-Za-z0-9_-]{10,}$`)

// disqusLink unwraps the disq.us redirect Disqus puts around links:
// http://disq.us/url?url=https%3A%2F%2Fexample.com%2F%3AHASH&cuid=….
func disqusLink(href string) string {
	u, err := url.Parse(href)
	if err != nil || (u.Hostname() != "disq.us" && u.Hostname() != "disqus.com") {
		return href
	}
	if u.Hostname() == "disqus.com" && u.Path != "/url" {
		return href
	}
	target := u.Query().Get("url")
	if target == "" {
		return href
	}
	return disqusHash.ReplaceAllString(target, "")
}

func isTrue(s string) bool {
	b, _ := strconv.ParseBool(strings.TrimSpace(s))
	return b
}

// xmlError adds the position to a decoding error or a limit exceeded.
func xmlError(x *xmlReader, err error) error {
	if errors.Is(err, ErrDTD) {
		return err
	}
	return fmt.Errorf("import: XML %s: %w", x.where(), err)
}

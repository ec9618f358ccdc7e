package importer

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Commento v1 (also Comentario's own v1) and Comentario v3 exports are one
// JSON object: {"version": N, "pages": […] (v3), "comments": […],
// "commenters": […]}. Commenters come after the comments that need them,
// so the file is read twice: people and pages first, comments second.

type commentoCommenter struct {
	Hex     string `json:"commenterHex"`
	ID      string `json:"id"` // v3
	Email   string `json:"email"`
	Name    string `json:"name"`
	Link    string `json:"link"`
	Website string `json:"websiteUrl"`
}

type comentarioPage struct {
	ID       string `json:"id"`
	Path     string `json:"path"`
	Title    string `json:"title"`
	Readonly bool   `json:"isReadonly"`
}

type commentoComment struct {
	// v1
	Hex          string `json:"commentHex"`
	CommenterHex string `json:"commenterHex"`
	ParentHex    string `json:"parentHex"`
	URL          string `json:"url"`
	Path         string `json:"path"`
	State        string `json:"state"`
	Deleted      bool   `json:"deleted"`
	CreationDate string `json:"creationDate"`
	// v3
	ID          string  `json:"id"`
	ParentID    *string `json:"parentId"`
	PageID      string  `json:"pageId"`
	UserCreated string  `json:"userCreated"`
	AuthorName  string  `json:"authorName"`
	Sticky      bool    `json:"isSticky"`
	Approved    bool    `json:"isApproved"`
	Pending     bool    `json:"isPending"`
	IsDeleted   bool    `json:"isDeleted"`
	CreatedTime string  `json:"createdTime"`
	EditedTime  string  `json:"editedTime"`
	DeletedTime string  `json:"deletedTime"`
	// both
	Markdown string      `json:"markdown"`
	Score    json.Number `json:"score"`
}

// commentoAnonymous are the commenter ids of comments without an account.
var commentoAnonymous = map[string]bool{
	"anonymous": true,
	"0000000000000000000000000000000000000000000000000000000000000000": true,
	"00000000-0000-0000-0000-000000000000":                             true,
}

type commentoPeople struct {
	version    int
	commenters map[string]commentoCommenter
	pages      map[string]comentarioPage
}

func parseCommento(p *parseEnv, path string) error {
	people := commentoPeople{commenters: map[string]commentoCommenter{}, pages: map[string]comentarioPage{}}
	if err := commentoPass(p, path, func(w *jsonWalker, key string) error {
		switch key {
		case "version":
			return w.decode(&people.version)
		case "commenters":
			return w.array(func(i int) error {
				var c commentoCommenter
				bad, err := w.element(&c)
				if err != nil || bad != nil {
					return err // a malformed commenter only loses a name
				}
				id := c.Hex
				if id == "" {
					id = c.ID
				}
				people.commenters[id] = c
				return nil
			})
		case "pages":
			return w.array(func(i int) error {
				var pg comentarioPage
				bad, err := w.element(&pg)
				if err != nil || bad != nil {
					return err
				}
				people.pages[pg.ID] = pg
				return nil
			})
		}
		return w.skip()
	}); err != nil {
		return err
	}
	p.threads.Add(int64(len(people.pages)))
	switch people.version {
	case 1, 3:
	default:
		return fmt.Errorf("import: Commento/Comentario export version %d is not supported (1 and 3 are)", people.version)
	}
	return commentoPass(p, path, func(w *jsonWalker, key string) error {
		if key != "comments" {
			return w.skip()
		}
		return w.array(func(i int) error {
			var c commentoComment
			bad, err := w.element(&c)
			ref := "comment #" + strconv.Itoa(i+1)
			if err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
			if bad != nil {
				return p.skip(ref, ReasonMalformed, bad.Error())
			}
			if people.version == 3 {
				return p.emit(comentarioEntry(&c, &people, ref))
			}
			return p.emit(commentoEntry(&c, &people, ref))
		})
	})
}

func commentoPass(p *parseEnv, path string, fn func(w *jsonWalker, key string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := newJSONWalker(f, p.limits.MaxToken)
	if err := w.object(func(key string) error { return fn(w, key) }); err != nil {
		return fmt.Errorf("import: Commento/Comentario JSON: %w", err)
	}
	return nil
}

func commentoEntry(c *commentoComment, people *commentoPeople, ref string) *entry {
	path := c.Path
	if path == "" {
		path = c.URL // Commento files the path under "url"
	}
	e := &entry{
		Key:       store.ImportKey{Source: string(Commento), ID: c.Hex},
		Ref:       ref,
		Thread:    thread{URL: path, ID: path},
		Text:      c.Markdown,
		CreatedAt: parseTime(c.CreationDate),
	}
	if c.Hex != "" {
		e.Ref = c.Hex
	}
	if c.ParentHex != "" && c.ParentHex != "root" {
		e.Parent = store.ImportKey{Source: string(Commento), ID: c.ParentHex}
	}
	if who, ok := people.commenters[c.CommenterHex]; ok && !commentoAnonymous[c.CommenterHex] {
		e.Name, e.Email, e.Website = who.Name, who.Email, who.Link
	}
	switch {
	case c.Deleted || strings.TrimSpace(c.Markdown) == "[deleted]":
		e.Status = model.StatusDeleted
	case c.State == "approved":
		e.Status = model.StatusApproved
	case c.State == "flagged":
		e.Status = model.StatusSpam
	default: // "unapproved"
		e.Status = model.StatusPending
	}
	setScore(e, c.Score)
	return e
}

func comentarioEntry(c *commentoComment, people *commentoPeople, ref string) *entry {
	e := &entry{
		Key:       store.ImportKey{Source: string(Comentario), ID: c.ID},
		Ref:       ref,
		Text:      c.Markdown,
		CreatedAt: parseTime(c.CreatedTime),
		EditedAt:  optTime(c.EditedTime),
		DeletedAt: optTime(c.DeletedTime),
		Sticky:    c.Sticky,
	}
	if c.ID != "" {
		e.Ref = c.ID
	}
	if pg, ok := people.pages[c.PageID]; ok {
		e.Thread = thread{URL: pg.Path, ID: pg.Path, Title: pg.Title, Locked: pg.Readonly}
	}
	if c.ParentID != nil && *c.ParentID != "" {
		e.Parent = store.ImportKey{Source: string(Comentario), ID: *c.ParentID}
	}
	e.Name = c.AuthorName
	if who, ok := people.commenters[c.UserCreated]; ok && !commentoAnonymous[c.UserCreated] {
		e.Name, e.Email, e.Website = who.Name, who.Email, who.Website
	}
	switch {
	case c.IsDeleted:
		e.Status = model.StatusDeleted
	case c.Approved:
		e.Status = model.StatusApproved
	case c.Pending:
		e.Status = model.StatusPending
	default: // rejected by a moderator
		e.Status = model.StatusSpam
	}
	setScore(e, c.Score)
	return e
}

// setScore turns a net score into votes: Parley keeps up and down votes.
func setScore(e *entry, score json.Number) {
	n, err := score.Int64()
	if err != nil {
		return
	}
	if n > 0 {
		e.Upvotes = int(min(n, store.MaxImportVotes))
	} else {
		e.Downvotes = int(min(-n, store.MaxImportVotes))
	}
}

// parseTime reads an RFC 3339 time; the zero time means none or unreadable.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

func optTime(s string) *time.Time {
	if t := parseTime(s); !t.IsZero() {
		return &t
	}
	return nil
}

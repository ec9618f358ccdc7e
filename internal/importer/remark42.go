package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/parleyhq/parley/internal/importer/htmlmd"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// A Remark42 backup (gzipped by Remark42) is JSON lines: first a meta line
// {"version":1,"users":[…],"posts":[…]}, then one comment per line.

type remarkMeta struct {
	Version int `json:"version"`
	Users   []struct {
		ID      string `json:"id"`
		Blocked struct {
			Status bool `json:"status"`
		} `json:"blocked"`
	} `json:"users"`
	Posts []struct {
		URL      string `json:"url"`
		ReadOnly bool   `json:"read_only"`
	} `json:"posts"`
}

type remarkComment struct {
	ID   string `json:"id"`
	PID  string `json:"pid"`
	Text string `json:"text"` // HTML
	Orig string `json:"orig"` // markdown as typed
	User struct {
		Name    string `json:"name"`
		ID      string `json:"id"`
		Blocked bool   `json:"block"`
	} `json:"user"`
	Locator struct {
		URL string `json:"url"`
	} `json:"locator"`
	Score int             `json:"score"`
	Votes map[string]bool `json:"votes"`
	Time  string          `json:"time"`
	Edit  *struct {
		Time string `json:"time"`
	} `json:"edit"`
	Pin     bool   `json:"pin"`
	Deleted bool   `json:"delete"`
	Title   string `json:"title"`
}

func parseRemark42(p *parseEnv, r io.Reader) error {
	lines := &lineReader{r: bufio.NewReaderSize(r, 64<<10), limit: p.limits.MaxToken}
	blocked := map[string]bool{}
	readOnly := map[string]bool{}
	first := true
	for {
		line, n, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		ref := "line " + strconv.Itoa(n)
		if errors.Is(err, ErrTooLarge) {
			if err := p.skip(ref, ReasonMalformed, err.Error()); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("import: Remark42 backup: %w", err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if first {
			first = false
			if isRemarkMeta(line) {
				var m remarkMeta
				if err := json.Unmarshal(line, &m); err != nil {
					return fmt.Errorf("import: Remark42 backup: the first line is not its meta data: %w", err)
				}
				if m.Version > 1 {
					return fmt.Errorf("import: Remark42 backup version %d is not supported (1 is)", m.Version)
				}
				for _, u := range m.Users {
					blocked[u.ID] = u.Blocked.Status
				}
				p.threads.Add(int64(len(m.Posts)))
				for _, post := range m.Posts {
					readOnly[post.URL] = post.ReadOnly
				}
				continue
			}
		}
		var c remarkComment
		if err := json.Unmarshal(line, &c); err != nil {
			if err := p.skip(ref, ReasonMalformed, err.Error()); err != nil {
				return err
			}
			continue
		}
		if c.ID != "" {
			ref = c.ID
		}
		if err := p.emit(remarkEntry(&c, ref, blocked, readOnly)); err != nil {
			return err
		}
	}
}

// isRemarkMeta tells the meta line from a comment: it has users or posts
// and no locator.
func isRemarkMeta(line []byte) bool {
	var probe struct {
		Users   json.RawMessage `json:"users"`
		Posts   json.RawMessage `json:"posts"`
		Locator json.RawMessage `json:"locator"`
	}
	if json.Unmarshal(line, &probe) != nil {
		return false
	}
	return probe.Locator == nil && (probe.Users != nil || probe.Posts != nil)
}

// remarkHTML converts Remark42's rendered text when the original is missing.
var remarkHTML = htmlmd.Options{}

func remarkEntry(c *remarkComment, ref string, blocked, readOnly map[string]bool) *entry {
	e := &entry{
		Key:       store.ImportKey{Source: string(Remark42), ID: c.ID},
		Ref:       ref,
		Thread:    thread{URL: c.Locator.URL, ID: c.Locator.URL, Title: c.Title, Locked: readOnly[c.Locator.URL]},
		Name:      c.User.Name,
		Text:      c.Orig,
		CreatedAt: parseTime(c.Time),
		Sticky:    c.Pin,
		Status:    model.StatusApproved,
	}
	if c.Orig == "" {
		e.Text, e.fromHTML = c.Text, &remarkHTML
	}
	if c.PID != "" {
		e.Parent = store.ImportKey{Source: string(Remark42), ID: c.PID}
	}
	if c.Edit != nil {
		e.EditedAt = optTime(c.Edit.Time)
	}
	switch {
	case c.Deleted:
		e.Status = model.StatusDeleted
	case c.User.Blocked || blocked[c.User.ID]:
		// Remark42 hides a blocked user's comments; keep them out of sight.
		e.Status = model.StatusSpam
	}
	for _, up := range c.Votes {
		if up {
			e.Upvotes++
		} else {
			e.Downvotes++
		}
	}
	if len(c.Votes) == 0 {
		setScore(e, json.Number(strconv.Itoa(c.Score)))
	}
	return e
}

// lineReader returns lines of at most limit bytes; a longer line is
// consumed and reported as ErrTooLarge, and reading goes on after it.
type lineReader struct {
	r     *bufio.Reader
	limit int64
	n     int
	buf   []byte
}

func (l *lineReader) next() ([]byte, int, error) {
	l.n++
	l.buf = l.buf[:0]
	tooLong := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if int64(len(l.buf)+len(chunk)) > l.limit {
				tooLong, l.buf = true, l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(l.buf) > 0 || tooLong):
			err = nil
		}
		if err != nil {
			return nil, l.n, err
		}
		if tooLong {
			return nil, l.n, fmt.Errorf("%w: line %d is longer than %d bytes", ErrTooLarge, l.n, l.limit)
		}
		return l.buf, l.n, nil
	}
}

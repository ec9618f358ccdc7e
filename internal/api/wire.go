package api

import (
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Wire types: what the widget sees. They have no email or IP field at all.

type wireAuthor struct {
	Name    string `json:"name"`
	Website string `json:"website,omitempty"`
}

type wireComment struct {
	ID        int64       `json:"id"`
	ParentID  *int64      `json:"parentId"`
	Author    *wireAuthor `json:"author"`
	HTML      string      `json:"html"`
	Text      string      `json:"text,omitempty"` // only in answers to the comment's author
	Status    string      `json:"status"`
	CreatedAt time.Time   `json:"createdAt"`
	EditedAt  *time.Time  `json:"editedAt"`
	Deleted   bool        `json:"deleted"`
	Score     int         `json:"score"`
	Upvotes   int         `json:"upvotes"`
	Downvotes int         `json:"downvotes"`
	Sticky    bool        `json:"sticky"`
}

type wirePage struct {
	Path         string `json:"path"`
	Title        string `json:"title"`
	Locked       bool   `json:"locked"`
	CommentCount int    `json:"commentCount"`
}

// publicComment converts a comment for readers: a deleted one keeps only
// its place in the tree.
func publicComment(c *model.Comment) wireComment {
	w := wireComment{
		ID: c.ID, HTML: c.HTML, Status: string(c.Status), CreatedAt: c.CreatedAt, EditedAt: c.EditedAt,
		Deleted: c.Status == model.StatusDeleted, Score: c.Score, Upvotes: c.Upvotes, Downvotes: c.Downvotes, Sticky: c.Sticky,
	}
	if c.ParentID != 0 {
		parent := c.ParentID
		w.ParentID = &parent
	}
	if w.Deleted {
		w.HTML, w.EditedAt = "", nil
		return w
	}
	// An anonymous author has an empty name: the widget shows "Anonymous"
	// in the reader's language.
	w.Author = &wireAuthor{Name: c.GuestName, Website: c.GuestWebsite}
	return w
}

// ownComment converts a comment for its author, who also gets the source text.
func ownComment(c *model.Comment) wireComment {
	w := publicComment(c)
	w.Text = c.Text
	return w
}

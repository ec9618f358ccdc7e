package api

import (
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Wire types: what the widget sees. They have no email or IP field at all.

type wireAuthor struct {
	Name       string   `json:"name"`
	Website    string   `json:"website,omitempty"`
	AvatarURL  string   `json:"avatarUrl,omitempty"`  // accounts only
	ProfileURL string   `json:"profileUrl,omitempty"` // accounts only
	Badges     []string `json:"badges,omitempty"`     // see badges; a guest's only "verified"
}

// The badges an account's comments carry.
const (
	BadgeOwner     = "owner"     // the site's owner
	BadgeModerator = "moderator" // a moderator of the site
	BadgeVerified  = "verified"  // the account's email is confirmed, or the guest's (a verified guest)
)

// accountAuthor is how an account (a, from store.Authors) signs its
// comments: its public profile, never its email.
func accountAuthor(a *store.Author) *wireAuthor {
	w := &wireAuthor{Name: a.Name, Website: a.Website, AvatarURL: a.AvatarURL, ProfileURL: a.ProfileURL}
	switch a.SiteRole {
	case model.RoleOwner:
		w.Badges = append(w.Badges, BadgeOwner)
	case model.RoleModerator:
		w.Badges = append(w.Badges, BadgeModerator)
	}
	if a.Verified {
		w.Badges = append(w.Badges, BadgeVerified)
	}
	return w
}

type wireComment struct {
	ID       int64       `json:"id"`
	ParentID *int64      `json:"parentId"`
	Author   *wireAuthor `json:"author"`
	HTML     string      `json:"html"`
	Text     string      `json:"text,omitempty"` // only in answers to the comment's author
	Status   string      `json:"status"`
	// HoldReason, for the author only, says why a pending comment waits
	// although the site publishes at once: "email_unverified".
	HoldReason string     `json:"holdReason,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	EditedAt   *time.Time `json:"editedAt"`
	Deleted    bool       `json:"deleted"`
	Score      int        `json:"score"`
	Upvotes    int        `json:"upvotes"`
	Downvotes  int        `json:"downvotes"`
	Sticky     bool       `json:"sticky"`
}

type wirePage struct {
	Path         string `json:"path"`
	Title        string `json:"title"`
	Locked       bool   `json:"locked"`
	CommentCount int    `json:"commentCount"`
}

// publicComment converts a comment for readers: a deleted one keeps only
// its place in the tree. author is the account that wrote it (nil for a
// guest, and for an account deleted since: that comment is anonymous).
func publicComment(c *model.Comment, author *store.Author) wireComment {
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
	if author != nil {
		w.Author = accountAuthor(author)
		return w
	}
	// An anonymous author has an empty name: the widget shows "Anonymous"
	// in the reader's language.
	w.Author = &wireAuthor{Name: c.GuestName, Website: c.GuestWebsite}
	if c.GuestVerified {
		w.Author.Badges = []string{BadgeVerified} // a verified guest (docs/privacy.md)
	}
	return w
}

// ownComment converts a comment for its author, who also gets the source
// text. The author hears only the hold reason they can act on (confirming
// their email), and sees spam as pending: the reasons of the site's spam
// policy would tell a spammer which words and links to avoid (docs/moderation.md).
func ownComment(c *model.Comment, author *store.Author) wireComment {
	w := publicComment(c, author)
	w.Text = c.Text
	if c.HoldReason == store.HoldEmailUnverified {
		w.HoldReason = c.HoldReason
	}
	if c.Status == model.StatusSpam {
		w.Status = string(model.StatusPending)
	}
	return w
}

// authorIDs returns the distinct accounts that wrote comments, for
// store.Authors.
func authorIDs(comments []model.Comment) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, c := range comments {
		if c.AuthorID != 0 && !seen[c.AuthorID] {
			seen[c.AuthorID] = true
			ids = append(ids, c.AuthorID)
		}
	}
	return ids
}

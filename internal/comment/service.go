package comment

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// Renderer turns comment markdown into sanitized HTML (markup.Renderer).
// RenderComment refuses, with markup.ErrEmpty or markup.ErrTooLarge,
// markdown that renders to nothing visible or to too much HTML.
type Renderer interface {
	RenderComment(markdown string) (string, error)
}

// Service writes comments. It is safe for concurrent use.
type Service struct {
	store  *store.Store
	render Renderer
	now    func() time.Time
	// Checking is the spam checker asked about new comments; set it once,
	// before the first Create.
	Checking Checking
	// UploadID returns the id of the upload an image address names
	// (media.UploadIDOf on PARLEY_PUBLIC_URL); nil: comments show no
	// uploaded images. Set it once, before the first Create, with an
	// ImageRenderer.
	UploadID func(dest string) (string, bool)
	reports  chan report // moderators' overrides waiting for RunReports
}

// NewService returns a Service writing through st and rendering with r.
func NewService(st *store.Store, r Renderer, now func() time.Time) *Service {
	return &Service{store: st, render: r, now: now, reports: make(chan report, MaxPendingReports)}
}

// CreateInput is a new comment or reply, from a guest (Author) or from a
// signed-in account (User).
type CreateInput struct {
	Site     *model.Site
	Path     string
	Title    string
	ParentID int64
	Text     string
	Author   Author
	// User is the signed-in author, nil for a guest. The comment is then
	// the account's: it shows the account's profile, and Author is ignored.
	User      *model.User
	IP        string
	UserAgent string
	Referrer  string // the request's Referer, for a spam checker
	// NotifyReplies opts in to reply and approval mail (promise P9).
	NotifyReplies bool
}

// Writer is who asks to read, edit or delete a comment as its author: a
// guest holding the edit token the comment was created with, or a signed-in
// account (UserID; 0 for a guest).
type Writer struct {
	EditToken string
	UserID    int64
}

// Created is a stored comment with the guest's edit token, returned once
// (empty for an account's comment).
type Created struct {
	Comment       *model.Comment
	EditToken     string
	EditableUntil time.Time
}

// Create validates and stores a comment, deciding its moderation status
// from the site's policy.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Created, error) {
	set := in.Site.Settings
	if err := ValidatePath(in.Path); err != nil {
		return nil, err
	}
	text, err := ValidateText(in.Text, set.MaxLength)
	if err != nil {
		return nil, err
	}
	var author Author
	if in.User == nil {
		if !set.AllowsLogin(model.LoginGuest) {
			return nil, ErrLoginRequired
		}
		if author, err = validateAuthor(in.Author, set.RequireEmail, set.AllowAnonymous); err != nil {
			return nil, err
		}
	} else if strings.TrimSpace(in.User.Name) == "" && !set.AllowAnonymous {
		// An account without a display name would show as "Anonymous" on
		// a site that allows no anonymous comments.
		return nil, fieldErr("author.name", "your account has no display name: set one in your account first")
	}
	if in.ParentID < 0 {
		return nil, fieldErr("parentId", "parentId must be a comment id")
	}
	html, uploads, err := s.renderFor(ctx, in.Site, store.UploadWriter{SiteID: in.Site.ID, UserID: userID(in.User)}, text)
	if err != nil {
		return nil, err
	}
	verified, err := s.store.GuestVerified(ctx, author.Email)
	if err != nil {
		return nil, err
	}
	decision, err := s.moderate(ctx, in.Site, author, verified, in.User, text, html)
	if err != nil {
		return nil, err
	}
	c := &model.Comment{
		SiteID: in.Site.ID, ParentID: in.ParentID, AuthorID: userID(in.User),
		GuestName: author.Name, GuestEmail: author.Email, GuestWebsite: author.Website, GuestVerified: verified,
		Text: text, HTML: html, CreatedAt: s.now(), IP: in.IP, UserAgent: in.UserAgent,
		NotifyReplies: in.NotifyReplies,
	}
	if decision, err = s.check(ctx, in.Site, in, author, c, decision); err != nil {
		return nil, err
	}
	c.Status, c.HoldReason = decision.Status, holdReason(decision.Status, decision)
	// An account that signed itself up and has not confirmed its email yet
	// is held even where the site would publish it; confirming publishes it.
	if c.Status == model.StatusApproved && in.User != nil && in.User.SignedUp && !in.User.Verified() {
		c.Status, c.HoldReason = model.StatusPending, store.HoldEmailUnverified
	}
	// A guest proves authorship with an edit token, returned once; an
	// account proves it by signing in, so its comments have none.
	var token string
	if in.User == nil {
		token = privacy.NewToken()
		c.EditTokenHash = privacy.HashToken(token)
	}
	err = s.store.CreateComment(ctx, c, store.NewComment{Path: in.Path, Title: cleanTitle(in.Title), ClosedBefore: set.ClosedBefore(c.CreatedAt), Uploads: uploads})
	var limit *store.PlanLimitError
	switch {
	case errors.As(err, &limit):
		return nil, &LimitError{Metric: limit.Metric}
	case errors.Is(err, store.ErrSuspended):
		return nil, ErrSiteSuspended
	case errors.Is(err, store.ErrPageLocked):
		return nil, ErrPageLocked
	case errors.Is(err, store.ErrParentPage):
		return nil, fieldErr("parentId", "the comment you reply to is not on this page")
	case err != nil:
		return nil, err
	}
	return &Created{Comment: c, EditToken: token, EditableUntil: s.editableUntil(in.Site, c)}, nil
}

func (s *Service) editableUntil(site *model.Site, c *model.Comment) time.Time {
	return c.CreatedAt.Add(time.Duration(site.Settings.EditWindowSeconds) * time.Second)
}

// Lookup returns the comment a write names by id, for the caller to find
// its site and check the request's origin; ErrNotFound when there is none.
// It is the one read of the comment that Edit, Delete and Vote need, so
// that a missing id and a comment that is not the caller's cost the same.
func (s *Service) Lookup(ctx context.Context, id int64) (*model.Comment, error) {
	c, err := s.store.Comment(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return c, err
}

// authorize checks that w wrote c, a comment from Lookup: the account
// that wrote it, or the holder of its edit token; then the edit window. A
// comment of another site, a deleted one, another account's and a wrong or
// missing token all give ErrNotFound, as a missing id does: a writer must
// not learn from the answer whether an id exists, pending comments
// included. Only the comment's author hears ErrEditWindow.
func (s *Service) authorize(site *model.Site, c *model.Comment, w Writer) error {
	token := w.EditToken
	mine := token != "" && len(c.EditTokenHash) > 0 && subtle.ConstantTimeCompare(privacy.HashToken(token), c.EditTokenHash) == 1
	mine = mine || (w.UserID != 0 && c.AuthorID == w.UserID)
	if !mine || c.SiteID != site.ID || c.Status == model.StatusDeleted {
		return ErrNotFound
	}
	if !s.now().Before(s.editableUntil(site, c)) {
		return ErrEditWindow
	}
	return nil
}

// Own returns c, a comment from Lookup, source text included, to its
// author (w) within the edit window: what an editor needs to show the text
// as it was written. Errors as authorize.
func (s *Service) Own(site *model.Site, c *model.Comment, w Writer) (*model.Comment, error) {
	if err := s.authorize(site, c, w); err != nil {
		return nil, err
	}
	return c, nil
}

// Edit replaces the text of c, a comment from Lookup, for its author (w)
// within the edit window; errors as authorize, then as ValidateText and
// rendering. An approved comment's new text goes through the site's policy
// again, which may hold it or mark it spam (recheck).
func (s *Service) Edit(ctx context.Context, site *model.Site, c *model.Comment, w Writer, text string) (*model.Comment, error) {
	if err := s.authorize(site, c, w); err != nil {
		return nil, err
	}
	text, err := ValidateText(text, site.Settings.MaxLength)
	if err != nil {
		return nil, err
	}
	uw := store.UploadWriter{SiteID: site.ID, UserID: c.AuthorID, CommentID: c.ID}
	html, uploads, err := s.renderFor(ctx, site, uw, text)
	if err != nil {
		return nil, err
	}
	d, err := s.recheck(ctx, site, c, text, html)
	if err != nil {
		return nil, err
	}
	at, hold := s.editedAt(), holdReason(d.Status, d)
	if d.Status == c.Status {
		err = s.store.UpdateCommentText(ctx, c.ID, text, html, at)
	} else {
		err = s.store.RecheckComment(ctx, c.ID, store.Recheck{Text: text, HTML: html, EditedAt: at, Status: d.Status, HoldReason: hold})
	}
	if err == nil {
		err = s.store.AttachUploads(ctx, uw, uploads)
	}
	if err != nil {
		return nil, fmt.Errorf("edit comment: %w", err)
	}
	c.Text, c.HTML, c.EditedAt = text, html, &at
	c.Status, c.HoldReason = d.Status, hold
	return c, nil
}

// Delete deletes c, a comment from Lookup, for its author (w) within the
// edit window; errors as authorize.
func (s *Service) Delete(ctx context.Context, site *model.Site, c *model.Comment, w Writer) error {
	if err := s.authorize(site, c, w); err != nil {
		return err
	}
	return s.store.DeleteComment(ctx, c.ID, s.now())
}

// Vote records a vote of 1, -1 or 0 (withdraw) by voter on c, a comment of
// site from Lookup; ErrVoteLimit when the voter's network has voted too
// often on it, ErrVotingOff when the site takes no votes. Only approved
// comments take votes: any other gives ErrNotFound, as a missing id does,
// before the value is even looked at.
func (s *Service) Vote(ctx context.Context, site *model.Site, c *model.Comment, voter store.Voter, value int) (store.VoteTally, error) {
	if c.SiteID != site.ID || c.Status != model.StatusApproved {
		return store.VoteTally{}, ErrNotFound
	}
	if !site.Settings.Voting {
		return store.VoteTally{}, ErrVotingOff
	}
	if value < -1 || value > 1 {
		return store.VoteTally{}, fieldErr("value", "value must be 1, -1 or 0")
	}
	// The store checks the status again: the comment may have changed
	// since Lookup read it.
	t, err := s.store.Vote(ctx, site.ID, c.ID, voter, value)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return t, ErrNotFound
	case errors.Is(err, store.ErrVoteLimit):
		return t, ErrVoteLimit
	}
	return t, err
}

// Preview renders markdown exactly as a stored comment would be, and
// refuses exactly what Create would refuse of the text, with the same
// field errors.
func (s *Service) Preview(site *model.Site, text string) (string, error) {
	text, err := ValidateText(text, site.Settings.MaxLength)
	if err != nil {
		return "", err
	}
	return s.renderText(text)
}

// renderText renders validated comment text, turning the renderer's
// refusals into field errors on "text".
func (s *Service) renderText(text string) (string, error) {
	return renderErr(s.render.RenderComment(text))
}

// renderErr turns a renderer's refusals into field errors on "text".
func renderErr(html string, err error) (string, error) {
	switch {
	case errors.Is(err, markup.ErrEmpty):
		return "", fieldErr("text", "the comment has nothing visible in it")
	case errors.Is(err, markup.ErrTooLarge):
		return "", fieldErr("text", "the comment has too much formatting for its length: use fewer quotes, list levels or bare links")
	case err != nil:
		return "", fmt.Errorf("render comment: %w", err)
	}
	return html, nil
}

func userID(u *model.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

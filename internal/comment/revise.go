package comment

import (
	"context"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Revise replaces the text of a comment of site on behalf of one of its
// moderators (actorID), whatever its status and edit window: validated and
// rendered exactly as an author's edit, marked edited, and recorded in the
// audit log. It returns the comment's page, whose cached threads the caller
// drops. A comment of another site gives ErrNotFound; the text's faults are
// FieldErrors on "text".
func (s *Service) Revise(ctx context.Context, site *model.Site, actorID, commentID int64, text string) (pageID int64, err error) {
	text, err = ValidateText(text, site.Settings.MaxLength)
	if err != nil {
		return 0, err
	}
	// A moderator's revision shows the images the comment showed, no others
	// (UserID -1 is no uploader).
	html, _, err := s.renderFor(ctx, site, store.UploadWriter{SiteID: site.ID, UserID: -1, CommentID: commentID}, text)
	if err != nil {
		return 0, err
	}
	at := s.now().UTC().Truncate(time.Millisecond)
	pageID, err = s.store.EditComment(ctx, store.Action{SiteID: site.ID, ActorID: actorID}, commentID, text, html, at)
	if errors.Is(err, store.ErrNotFound) {
		return 0, ErrNotFound
	}
	return pageID, err
}

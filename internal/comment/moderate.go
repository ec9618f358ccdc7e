package comment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/store"
)

// moderate decides a new comment's status and hold reason through the
// site's policy (internal/policy). Only a commenter whose identity was
// proven can count as previously approved (promise P12): an account, or a
// guest whose email is verified (verifiedGuest). An email a guest merely
// types proves nothing, so it is never even looked up: neither the status
// nor the reason answered can tell whether that email has written before.
func (s *Service) moderate(ctx context.Context, site *model.Site, a Author, verifiedGuest bool, u *model.User, text, html string) (policy.Decision, error) {
	f := policy.Facts{Author: policy.Guest, Text: text, HTML: html}
	var err error
	switch {
	case u != nil:
		f.Author = policy.Account
		if f.Role, err = s.role(ctx, site, u.ID, u.Role); err != nil {
			return policy.Decision{}, err
		}
	case a.Name == "":
		f.Author = policy.Anonymous
	}
	if mode := site.Settings.Moderation; mode == model.ModerationFirst || mode == model.ModerationGuests {
		switch {
		case u != nil:
			f.PreviouslyApproved, err = s.store.UserHasApprovedComment(ctx, site.ID, u.ID)
		case verifiedGuest:
			f.PreviouslyApproved, err = s.store.HasApprovedComment(ctx, site.ID, a.Email)
		}
		if err != nil {
			return policy.Decision{}, err
		}
	}
	return policy.Decide(site.Settings, f), nil
}

// role is an account's role for the policy: operator (its instance role),
// the site's owner of record, or its role as a member of the site.
func (s *Service) role(ctx context.Context, site *model.Site, userID int64, instance model.Role) (model.Role, error) {
	switch {
	case instance == model.RoleOperator:
		return model.RoleOperator, nil
	case site.OwnerID == userID:
		return model.RoleOwner, nil
	}
	r, err := s.store.SiteRole(ctx, site.ID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return r, err
}

// recheck decides again, through the site's policy, the status of c, an
// approved comment whose author just gave it a new text: an edit must not
// turn an approved comment into spam that no one reviews. The author,
// proven by the edit token or the session, counts as previously approved.
// Other comments keep their status: an edit never publishes a held one.
func (s *Service) recheck(ctx context.Context, site *model.Site, c *model.Comment, text, html string) (policy.Decision, error) {
	keep := policy.Decision{Status: c.Status, Reason: policy.Reason(c.HoldReason)}
	if c.Status != model.StatusApproved {
		return keep, nil
	}
	f := policy.Facts{Author: policy.Guest, EditOfApproved: true, Text: text, HTML: html}
	switch {
	case c.AuthorID != 0:
		f.Author = policy.Account
		u, err := s.store.UserByID(ctx, c.AuthorID)
		if err != nil {
			return keep, fmt.Errorf("recheck comment: %w", err)
		}
		if f.Role, err = s.role(ctx, site, u.ID, u.Role); err != nil {
			return keep, err
		}
	case c.GuestName == "":
		f.Author = policy.Anonymous
	}
	return policy.Decide(site.Settings, f), nil
}

// holdReason is the reason stored with a comment of status st: the
// decision's reason when it is not published, else none.
func holdReason(st model.Status, d policy.Decision) string {
	if st == model.StatusApproved {
		return ""
	}
	return string(d.Reason)
}

// editedAt is the time an edit is stored with, at the store's precision.
func (s *Service) editedAt() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

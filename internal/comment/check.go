package comment

import (
	"context"
	"log/slog"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/spam"
)

// Checking is the spam checker a Service asks about new comments after the
// site's policy (docs/spam.md). The zero value asks no one.
type Checking struct {
	Checker spam.Checker // nil: no checker
	// HoldOnError holds a comment the checker could not decide; otherwise
	// the policy's decision stands.
	HoldOnError bool
	Log         *slog.Logger // where failures are logged; nil: slog.Default()
}

// check asks the checker about a new comment that the policy did not
// already mark spam nor publish for an owner or moderator: a spam verdict
// marks it spam; a failure holds it when HoldOnError. c has the comment's
// facts, with its status and reason from the policy.
func (s *Service) check(ctx context.Context, site *model.Site, in CreateInput, a Author, c *model.Comment, d policy.Decision) policy.Decision {
	ch := s.Checking
	if ch.Checker == nil || d.Status == model.StatusSpam || d.Reason == policy.ReasonTrustedRole {
		return d
	}
	v, err := ch.Checker.Check(ctx, spamComment(site, in, a, c))
	switch {
	case v == spam.Discard:
		return policy.Decision{Status: model.StatusSpam, Reason: policy.ReasonCheckerDiscard}
	case v == spam.Spam:
		return policy.Decision{Status: model.StatusSpam, Reason: policy.ReasonCheckerSpam}
	case v == spam.Ham:
		return d
	}
	log := ch.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("spam check failed", "err", err, "site_id", site.ID, "hold", ch.HoldOnError)
	if ch.HoldOnError && d.Status == model.StatusApproved {
		return policy.Decision{Status: model.StatusPending, Reason: policy.ReasonCheckerFailed}
	}
	return d
}

// spamComment is what a checker is told of a new comment: the author as
// the comment shows them (the account's profile for an account), the page
// and the request.
func spamComment(site *model.Site, in CreateInput, a Author, c *model.Comment) spam.Comment {
	out := spam.Comment{
		Blog: "https://" + site.Host + "/", Permalink: "https://" + site.Host + in.Path, Type: "comment",
		UserIP: in.IP, UserAgent: in.UserAgent, Referrer: in.Referrer,
		Author: a.Name, AuthorEmail: a.Email, AuthorURL: a.Website, Content: c.Text, Created: c.CreatedAt,
	}
	if in.ParentID != 0 {
		out.Type = "reply"
	}
	if u := in.User; u != nil {
		out.Author, out.AuthorEmail, out.AuthorURL = u.Name, u.Email, u.Website
	}
	return out
}

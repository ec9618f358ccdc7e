package comment

import (
	"context"
	"errors"
	"log/slog"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/store"
)

// Checking is the spam checker a Service asks about new comments after the
// site's policy (docs/moderation.md). The zero value asks no one.
type Checking struct {
	// Checker is asked about the comments of sites without an Akismet key
	// of their own (the operator's PARLEY_AKISMET_KEY); nil: none.
	Checker spam.Checker
	// Akismet, when set, asks Akismet with a site's own key, stored in the
	// dashboard, instead of Checker, and verifies keys being saved. Its own
	// key is not used (it may have none).
	Akismet *spam.Akismet
	// HoldOnError holds a comment the checker could not decide; otherwise
	// the policy's decision stands. A site's AkismetOnError overrides it.
	HoldOnError bool
	Log         *slog.Logger // where failures are logged; nil: slog.Default()
}

// ErrNoAkismet is returned by VerifyAkismetKey when the service has no
// Akismet client to verify with.
var ErrNoAkismet = errors.New("comment: no akismet client")

func (ch Checking) log() *slog.Logger {
	if ch.Log == nil {
		return slog.Default()
	}
	return ch.Log
}

// holdOnError is the failure policy of site: its own, else the operator's.
func (ch Checking) holdOnError(site *model.Site) bool {
	switch site.Settings.AkismetOnError {
	case model.AkismetHold:
		return true
	case model.AkismetPublish:
		return false
	}
	return ch.HoldOnError
}

// checkerFor returns the checker of a site: Akismet with the site's own
// key when it stored one, else Checker (nil: none). A site without a key
// of its own costs no query.
func (s *Service) checkerFor(ctx context.Context, site *model.Site) (spam.Checker, error) {
	ch := s.Checking
	if ch.Akismet != nil && site.HasAkismetKey {
		key, err := s.store.AkismetKey(ctx, site.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if key != "" {
			return ch.Akismet.WithKey(key), nil
		}
	}
	return ch.Checker, nil
}

// VerifyAkismetKey asks Akismet (verify-key) whether key is valid for
// site: nil when it is, spam.ErrInvalidKey with Akismet's debug help when
// it is not, another error when Akismet could not be asked.
func (s *Service) VerifyAkismetKey(ctx context.Context, site *model.Site, key string) error {
	if s.Checking.Akismet == nil {
		return ErrNoAkismet
	}
	return s.Checking.Akismet.WithKey(key).VerifyKey(ctx, "https://"+site.Host+"/")
}

// check asks the site's checker about a new comment that the policy did
// not already mark spam nor publish for an owner or moderator: a spam
// verdict marks it spam; a failure holds it when the site's failure policy
// says so. c has the comment's facts, with its status and reason from the
// policy; its SpamVerdict is set to the checker's answer.
func (s *Service) check(ctx context.Context, site *model.Site, in CreateInput, a Author, c *model.Comment, d policy.Decision) (policy.Decision, error) {
	if d.Status == model.StatusSpam || d.Reason == policy.ReasonTrustedRole {
		return d, nil
	}
	checker, err := s.checkerFor(ctx, site)
	if err != nil || checker == nil {
		return d, err
	}
	v, err := checker.Check(ctx, spamComment(site, in, a, c))
	switch {
	case v.IsSpam():
		c.SpamVerdict = store.VerdictSpam
		if v == spam.Discard {
			return policy.Decision{Status: model.StatusSpam, Reason: policy.ReasonCheckerDiscard}, nil
		}
		return policy.Decision{Status: model.StatusSpam, Reason: policy.ReasonCheckerSpam}, nil
	case v == spam.Ham:
		c.SpamVerdict = store.VerdictHam
		return d, nil
	}
	hold := s.Checking.holdOnError(site)
	s.Checking.log().Warn("spam check failed", "err", err, "site_id", site.ID, "hold", hold)
	if hold && d.Status == model.StatusApproved {
		return policy.Decision{Status: model.StatusPending, Reason: policy.ReasonCheckerFailed}, nil
	}
	return d, nil
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

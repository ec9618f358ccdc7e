package comment

import (
	"context"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/store"
)

// MaxPendingReports bounds the moderation actions waiting to be reported
// to the spam checker; past it, ReportOverrides drops the action (logged):
// a report only teaches the checker, and a moderator's request never
// waits for one.
const MaxPendingReports = 256

// report is one moderation action to tell the checker about: comments of
// site a moderator approved (status approved) or marked spam.
type report struct {
	site   *model.Site
	status model.Status
	ids    []int64
}

// ReportOverrides queues, without waiting, the comments of site that a
// moderator just moved to status (approved or spam; other statuses are
// ignored), for RunReports to tell the site's checker where it was wrong:
// submit-ham for a comment it called spam and that is approved, submit-spam
// for one it passed and that is marked spam. It reports whether the action
// was queued (false when MaxPendingReports are already waiting).
func (s *Service) ReportOverrides(site *model.Site, status model.Status, ids []int64) bool {
	if status != model.StatusApproved && status != model.StatusSpam || len(ids) == 0 {
		return true
	}
	select {
	case s.reports <- report{site: site, status: status, ids: ids}:
		return true
	default:
		s.Checking.log().Warn("spam reports dropped", "site_id", site.ID, "comments", len(ids))
		return false
	}
}

// RunReports sends the queued reports, one at a time, until ctx ends;
// start it once. Each call to the checker has the checker's own timeout.
func (s *Service) RunReports(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-s.reports:
			for _, id := range r.ids {
				if err := s.reportOne(ctx, r.site, r.status, id); err != nil {
					s.Checking.log().Warn("spam report failed", "err", err, "site_id", r.site.ID, "comment_id", id)
				}
			}
		}
	}
}

// errPurged: the comment's IP address was erased after the retention
// period, and Akismet requires user_ip in a report.
var errPurged = errors.New("comment: the comment's ip address was purged")

// reportOne tells the checker of site about comment id, when it said the
// opposite of status and the comment still has that status; the verdict
// then becomes the moderator's, so the same override is reported once.
func (s *Service) reportOne(ctx context.Context, site *model.Site, status model.Status, id int64) error {
	verdict, path, err := s.store.SpamVerdict(ctx, site.ID, id)
	want := store.VerdictHam
	if status == model.StatusSpam {
		want = store.VerdictSpam
	}
	if err != nil || verdict == "" || verdict == want {
		return err
	}
	c, err := s.store.Comment(ctx, id)
	if err != nil || c.Status != status {
		return err
	}
	checker, err := s.checkerFor(ctx, site)
	reporter, ok := checker.(spam.Reporter)
	switch {
	case err != nil || !ok:
		return err
	case c.IP == "":
		return errPurged
	}
	in := CreateInput{Site: site, Path: path, ParentID: c.ParentID, IP: c.IP, UserAgent: c.UserAgent}
	if c.AuthorID != 0 {
		if in.User, err = s.store.UserByID(ctx, c.AuthorID); err != nil {
			return fmt.Errorf("report comment: %w", err)
		}
	}
	sc := spamComment(site, in, Author{Name: c.GuestName, Email: c.GuestEmail, Website: c.GuestWebsite}, c)
	if want == store.VerdictSpam {
		err = reporter.ReportSpam(ctx, sc)
	} else {
		err = reporter.ReportHam(ctx, sc)
	}
	if err != nil {
		return err
	}
	return s.store.SetSpamVerdict(ctx, id, want)
}

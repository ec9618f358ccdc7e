package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// Limits of comment notifications.
const (
	// NotifyBatch is how many recipients one step of the Notifier queues in
	// one transaction: a comment with 500 subscribers is 5 steps, none of
	// them inside the comment's request.
	NotifyBatch = 100
	// EventBatch is how many events one step of the Notifier takes: those
	// with no one to tell (most) are finished in one transaction.
	EventBatch = 64
	// NotifySettle is how long the Notifier lets events gather after a
	// wake: at 2,000 comments a second, steps of dozens of events.
	NotifySettle = 20 * time.Millisecond
	// ModerateLinkLifetime is how long a moderator's approve, reject and
	// spam links work (once).
	ModerateLinkLifetime = 7 * 24 * time.Hour
	// UnsubscribeLinkLifetime is how long an unsubscribe link works.
	UnsubscribeLinkLifetime = 90 * 24 * time.Hour
	// excerptRunes is how much of a comment a mail quotes.
	excerptRunes = 1000
)

// CommentMailData is what the comment mails say.
type CommentMailData struct {
	Page        string // the page's address
	Author      string // the comment's author as shown on it
	Excerpt     string // the comment's text, cut to excerptRunes
	Held        bool
	Approve     string // moderator mails: the links to the confirmation page
	Reject      string
	Spam        string
	Valid       string // how long they work
	Unsubscribe string
}

// Notifier fans notify events out to their recipients, a batch at a time,
// queueing each mail in the outbox (where the Worker delivers it).
type Notifier struct {
	store     *store.Store
	publicURL string
	now       func() time.Time
	log       *slog.Logger
	wake      chan struct{}
	// Queued, optional, is called after a step queued mail (to wake the Worker).
	Queued func()
}

// NewNotifier returns a Notifier whose links point at publicURL (Parley's
// origin, PARLEY_PUBLIC_URL).
func NewNotifier(st *store.Store, publicURL string, now func() time.Time, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{store: st, publicURL: strings.TrimSuffix(publicURL, "/"), now: now, log: log, wake: make(chan struct{}, 1)}
}

// Wake makes a running Notifier look for events now; it never blocks.
func (n *Notifier) Wake() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// Run takes steps until none is left, then waits for a Wake or poll, until
// ctx ends; it purges expired links hourly.
func (n *Notifier) Run(ctx context.Context, poll time.Duration) {
	Loop{Poll: poll, Wake: n.wake, Settle: NotifySettle, Now: n.now, Step: n.Step, StepFailed: "notify step", Log: n.log,
		Hourly: func(ctx context.Context, now time.Time) {
			if _, err := n.store.PurgeMailLinks(ctx, now); err != nil && ctx.Err() == nil {
				n.log.Error("purge mail links", "err", err)
			}
		}}.Run(ctx)
}

// Step takes the oldest events, at most EventBatch of them. Each one with
// mail to send has one batch of it queued (at most NotifyBatch) in a
// transaction of its own; those with no one left to tell are deleted
// together in one. It reports whether there is more to do now: a full
// batch, or an event with more mail; events that arrive meanwhile wake
// the Notifier, which lets them gather first (NotifySettle).
func (n *Notifier) Step(ctx context.Context) (bool, error) {
	evs, err := n.store.NextNotifyEvents(ctx, EventBatch)
	if err != nil || len(evs) == 0 {
		return false, err
	}
	more := len(evs) == EventBatch
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.CommentID
	}
	comments, err := n.store.CommentsByID(ctx, ids)
	if err != nil {
		return false, err
	}
	var silent []store.NotifyEvent
	quiet := map[quietKey]bool{}
	for _, ev := range evs {
		c := comments[ev.CommentID]
		if c == nil { // removed since: no one hears of it
			silent = append(silent, ev)
			continue
		}
		done, err := n.stepEvent(ctx, ev, c, quiet)
		if err != nil {
			return false, err
		}
		if done {
			silent = append(silent, ev)
		} else {
			more = true
		}
	}
	return more, n.store.FinishNotifyEvents(ctx, silent)
}

// stepEvent queues the next batch of the mail of ev, about comment c, or
// reports done when no stage of it has anyone left to tell (the caller
// deletes it). An empty batch ends a stage and the next stage is asked at
// once: most comments have no one to tell. quiet remembers, for the step,
// the sites whose moderators want no mail of a guest's comment of some
// status.
func (n *Notifier) stepEvent(ctx context.Context, ev store.NotifyEvent, c *model.Comment, quiet map[quietKey]bool) (done bool, err error) {
	at := ev
	var rcpts []store.Recipient
	q := quietKey{at.SiteID, c.Status}
	for ; at.Stage < store.StageDone; at.Stage, at.After = at.Stage+1, 0 {
		// No moderator to tell of a guest's comment: none for any
		// other guest's of that status either.
		guestToModerators := at.Stage == store.StageModerators && at.After == 0 && c.AuthorID == 0
		if guestToModerators && quiet[q] {
			continue
		}
		if rcpts, err = n.store.NotifyRecipients(ctx, at, c, NotifyBatch); err != nil {
			return false, err
		}
		if len(rcpts) > 0 {
			break
		}
		if guestToModerators {
			quiet[q] = true
		}
	}
	if len(rcpts) == 0 {
		return true, nil
	}
	// The next batch starts after this one's last key.
	notices, err := n.compose(ctx, &at, c, rcpts)
	if err != nil {
		return false, err
	}
	if err := n.store.QueueNotices(ctx, ev, notices, at.Stage, rcpts[len(rcpts)-1].Key); err != nil && !errors.Is(err, store.ErrLostClaim) {
		return false, err
	}
	if len(notices) > 0 && n.Queued != nil {
		n.Queued()
	}
	return false, nil
}

// quietKey is a site and the status of a comment of it.
type quietKey struct {
	site   int64
	status model.Status
}

// compose writes the mails of one batch, each with its own links.
func (n *Notifier) compose(ctx context.Context, ev *store.NotifyEvent, c *model.Comment, rcpts []store.Recipient) ([]store.Notice, error) {
	site, err := n.store.SiteByID(ctx, ev.SiteID)
	if err != nil {
		return nil, err
	}
	path, err := n.store.PagePath(ctx, c.PageID)
	if err != nil {
		return nil, err
	}
	d := CommentMailData{Page: "https://" + site.Host + path, Author: n.authorName(ctx, c), Excerpt: excerpt(c.Text),
		Held: c.Status == model.StatusPending, Valid: "7 days"} // ModerateLinkLifetime
	from := Sender{Name: site.Host, URL: "https://" + site.Host}
	out := make([]store.Notice, 0, len(rcpts))
	for _, r := range rcpts {
		if r.Email == "" {
			continue
		}
		notice, err := n.notice(ev, c, r, d, from)
		if err != nil {
			return nil, err
		}
		out = append(out, notice)
	}
	return out, nil
}

// notice composes one recipient's mail and makes its links.
func (n *Notifier) notice(ev *store.NotifyEvent, c *model.Comment, r store.Recipient, d CommentMailData, from Sender) (store.Notice, error) {
	now := n.now()
	unsub := store.MailLink{Purpose: store.LinkUnsubscribe, SiteID: ev.SiteID, ExpiresAt: now.Add(UnsubscribeLinkLifetime)}
	kind := "comment-reply"
	if ev.Stage == store.StageModerators {
		kind, unsub.UserID = "comment-moderator", r.UserID
	} else {
		unsub.EmailIndex = r.EmailIndex
		if ev.Stage == store.StageAuthor {
			kind = "comment-approved"
		}
	}
	token := privacy.NewToken()
	unsub.TokenHash = privacy.HashToken(token)
	d.Unsubscribe = n.publicURL + "/dashboard/mail/unsubscribe?token=" + token
	links := []store.MailLink{unsub}
	if kind == "comment-moderator" {
		token := privacy.NewToken()
		links = append(links, store.MailLink{Purpose: store.LinkModerate, SiteID: ev.SiteID, CommentID: c.ID, UserID: r.UserID,
			TokenHash: privacy.HashToken(token), ExpiresAt: now.Add(ModerateLinkLifetime)})
		base := n.publicURL + "/dashboard/mail/moderate?token=" + token + "&action="
		d.Approve, d.Reject, d.Spam = base+store.ActionApprove, base+store.ActionReject, base+store.ActionSpam
	}
	m, err := compose(kind, r.Email, ev.SiteID, from, d)
	if err != nil {
		return store.Notice{}, fmt.Errorf("notify: %s: %w", kind, err)
	}
	m.Unsubscribe = d.Unsubscribe
	return store.Notice{EmailIndex: r.EmailIndex, Links: links, Mail: m}, nil
}

// authorName is the comment's author as readers see it.
func (n *Notifier) authorName(ctx context.Context, c *model.Comment) string {
	if c.AuthorID != 0 {
		if authors, err := n.store.Authors(ctx, c.SiteID, []int64{c.AuthorID}); err == nil && authors[c.AuthorID] != nil && authors[c.AuthorID].Name != "" {
			return authors[c.AuthorID].Name
		}
	} else if c.GuestName != "" {
		return c.GuestName
	}
	return "Anonymous"
}

// excerpt cuts text to excerptRunes.
func excerpt(text string) string {
	if r := []rune(text); len(r) > excerptRunes {
		return string(r[:excerptRunes]) + "…"
	}
	return text
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// MaxQueuePageSize bounds one page of the moderation queue.
const MaxQueuePageSize = 100

// SiteOfUser is a site together with a user's role on it.
type SiteOfUser struct {
	Site *model.Site
	Role model.Role // RoleOwner or RoleModerator
}

// SitesOfUser lists the sites a user owns (sites.owner_id) or is a member
// of, ordered by host. The owner of record is RoleOwner whatever
// site_members says.
func (s *Store) SitesOfUser(ctx context.Context, userID int64) ([]SiteOfUser, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+siteColumns+`,
		COALESCE((SELECT role FROM site_members m WHERE m.site_id = sites.id AND m.user_id = ?), '')
		FROM sites WHERE owner_id = ? OR id IN (SELECT site_id FROM site_members WHERE user_id = ?) ORDER BY host`),
		userID, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: sites of user: %w", err)
	}
	defer rows.Close()
	var out []SiteOfUser
	for rows.Next() {
		var role string
		site, err := scanSite(scanExtra{rows, []any{&role}})
		if err != nil {
			return nil, fmt.Errorf("store: sites of user: %w", err)
		}
		if site.OwnerID == userID {
			role = string(model.RoleOwner)
		}
		out = append(out, SiteOfUser{Site: site, Role: model.Role(role)})
	}
	return out, rows.Err()
}

// SiteByID returns a site, or ErrNotFound.
func (s *Store) SiteByID(ctx context.Context, id int64) (*model.Site, error) {
	site, err := scanSite(s.read.QueryRowContext(ctx, s.q("SELECT "+siteColumns+" FROM sites WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("store: site by id: %w", err)
	}
	return site, nil
}

// scanExtra scans a row's leading columns into what the wrapped scanner's
// caller asks for and the remaining ones into extra.
type scanExtra struct {
	row   rowScanner
	extra []any
}

func (x scanExtra) Scan(dest ...any) error { return x.row.Scan(append(dest, x.extra...)...) }

// QueuedComment is one comment as the moderation screens show it: with its
// page and its author's name and email (for the site's moderators only).
type QueuedComment struct {
	ID         int64
	PageID     int64
	PagePath   string
	PageLocked bool
	ParentID   int64
	AuthorName string
	// AuthorEmail is the guest's email or the account's; "" when none.
	AuthorEmail string
	HTML        string // sanitized when written
	Status      model.Status
	HoldReason  string
	Sticky      bool
	CreatedAt   time.Time
}

// QueueQuery selects one page of a site's comments in one status, newest
// first.
type QueueQuery struct {
	SiteID int64
	Status model.Status
	Offset int
	Limit  int // 1 to MaxQueuePageSize
	Search Search
}

// ModerationQueue returns one page of a site's comments in one status,
// newest first; with a Search, among the tab's newest MaxSearchScan
// (ErrSearchTooLong for a term over MaxSearchLength).
func (s *Store) ModerationQueue(ctx context.Context, q QueueQuery) ([]QueuedComment, error) {
	if q.Limit < 1 || q.Limit > MaxQueuePageSize || q.Offset < 0 || !q.Status.Valid() {
		return nil, fmt.Errorf("store: moderation queue: bad query %+v", q)
	}
	var rows *sql.Rows
	var err error
	if q.Search.Empty() {
		rows, err = s.read.QueryContext(ctx, s.q(`SELECT `+queueColumns+queueFrom+`
			WHERE c.site_id = ? AND c.status = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`),
			q.SiteID, string(q.Status), q.Limit, q.Offset)
	} else {
		rows, err = s.searchQueue(ctx, q)
	}
	if errors.Is(err, ErrSearchTooLong) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("store: moderation queue: %w", err)
	}
	out, err := s.scanQueued(rows)
	if err != nil {
		return nil, fmt.Errorf("store: moderation queue: %w", err)
	}
	return out, nil
}

// StatusCounts returns how many of a site's comments are in each status.
func (s *Store) StatusCounts(ctx context.Context, siteID int64) (map[model.Status]int, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT status, COUNT(*) FROM comments WHERE site_id = ? GROUP BY status"), siteID)
	if err != nil {
		return nil, fmt.Errorf("store: status counts: %w", err)
	}
	defer rows.Close()
	out := map[model.Status]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: status counts: %w", err)
		}
		out[model.Status(status)] = n
	}
	return out, rows.Err()
}

// The moderation actions on comments, as the audit log names them.
const (
	ActionApprove = "approve" // status approved
	ActionReject  = "reject"  // status deleted: held and turned down
	ActionSpam    = "spam"    // status spam
	ActionDelete  = "delete"  // status deleted: taken down after all
	ActionPin     = "pin"     // sticky: shown first in its thread
	ActionUnpin   = "unpin"
	ActionLock    = "lock" // the page takes no new comments
	ActionUnlock  = "unlock"
)

// CommentActions are the actions ModerateComments takes.
var CommentActions = []string{ActionApprove, ActionReject, ActionSpam, ActionDelete, ActionPin, ActionUnpin}

// commentUpdates is the change each comment action makes. Approving
// clears the hold reason: a published comment waits for nothing.
var commentUpdates = map[string]string{
	ActionApprove: "status = 'approved', hold_reason = NULL",
	ActionReject:  "status = 'deleted'",
	ActionSpam:    "status = 'spam'",
	ActionDelete:  "status = 'deleted'",
	ActionPin:     "sticky = TRUE",
	ActionUnpin:   "sticky = FALSE",
}

// actionStatus is the status each comment action moves a comment to; the
// others leave its status alone.
var actionStatus = map[string]model.Status{
	ActionApprove: model.StatusApproved,
	ActionReject:  model.StatusDeleted,
	ActionSpam:    model.StatusSpam,
	ActionDelete:  model.StatusDeleted,
}

// ErrUnknownAction is returned for an action ModerateComments does not know.
var ErrUnknownAction = errors.New("store: unknown moderation action")

// Moderation is one action by one account on some comments of a site.
type Moderation struct {
	SiteID     int64
	ActorID    int64
	Action     string // one of CommentActions
	CommentIDs []int64
}

// ModerateComments applies an action to comments of one site, records each
// in the audit log and returns the pages whose threads changed, in one
// transaction. A comment of another site, or none at all, gives ErrNotFound
// and changes nothing.
func (s *Store) ModerateComments(ctx context.Context, m Moderation) (pageIDs []int64, err error) {
	set, ok := commentUpdates[m.Action]
	if !ok {
		return nil, ErrUnknownAction
	}
	if len(m.CommentIDs) == 0 {
		return nil, ErrNotFound
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		pageIDs, err = s.moderateTx(ctx, tx, m, set)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: moderate comments: %w", err)
	}
	return pageIDs, err
}

// moderateTx is ModerateComments inside tx; set is the action's change.
func (s *Store) moderateTx(ctx context.Context, tx *sql.Tx, m Moderation, set string) ([]int64, error) {
	pages := map[int64]bool{}
	var pageIDs []int64
	counts := pageCounts{}
	for _, id := range m.CommentIDs {
		pageID, old, err := s.commentStatusForUpdate(ctx, tx, id, m.SiteID)
		if err != nil {
			return nil, err
		}
		if err := s.noteApproval(ctx, tx, m, id); err != nil {
			return nil, err
		}
		event := moderationEvent(m.Action, old)
		if _, err := tx.ExecContext(ctx, s.q("UPDATE comments SET "+set+" WHERE id = ?"), id); err != nil {
			return nil, err
		}
		if err := s.audit(ctx, tx, Action{SiteID: m.SiteID, ActorID: m.ActorID}, m.Action, id, pageID); err != nil {
			return nil, err
		}
		if event != "" {
			if err := s.queueWebhooks(ctx, tx, event, id); err != nil {
				return nil, err
			}
		}
		counts.add(pageID, old, cmp.Or(actionStatus[m.Action], old))
		if !pages[pageID] {
			pages[pageID] = true
			pageIDs = append(pageIDs, pageID)
		}
	}
	return pageIDs, s.applyCounts(ctx, tx, counts)
}

// LockPage locks or unlocks a page of a site and records it in the audit
// log. A page of another site gives ErrNotFound.
func (s *Store) LockPage(ctx context.Context, siteID, actorID, pageID int64, locked bool) error {
	action := ActionUnlock
	if locked {
		action = ActionLock
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE pages SET locked = ? WHERE id = ? AND site_id = ?"), locked, pageID, siteID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return s.audit(ctx, tx, Action{SiteID: siteID, ActorID: actorID}, action, 0, pageID)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: lock page: %w", err)
	}
	return err
}

// AuditEntry is one recorded moderation action.
type AuditEntry struct {
	ID        int64
	SiteID    int64
	SiteHost  string
	ActorID   int64  // 0 when the account was deleted since
	ActorName string // "" when the account was deleted since
	Action    string
	CommentID int64 // 0 for a page action, or a ban or block not made from a comment
	PageID    int64
	PagePath  string // "" when the page is gone
	Detail    string // a ban's or block's scope and duration
	CreatedAt time.Time
}

// MaxAuditPageSize bounds one page of the audit log.
const MaxAuditPageSize = 100

// AuditQuery selects one page of the audit log, newest first: of one site,
// or of every site when SiteID is 0 (the operator's).
type AuditQuery struct {
	SiteID int64
	Offset int
	Limit  int // 1 to MaxAuditPageSize
}

// AuditLog returns a site's most recent audit entries, newest first, at
// most limit (up to MaxAuditPageSize).
func (s *Store) AuditLog(ctx context.Context, siteID int64, limit int) ([]AuditEntry, error) {
	return s.AuditEntries(ctx, AuditQuery{SiteID: siteID, Limit: limit})
}

// AuditEntries returns one page of the audit log of a site, or of every
// site, newest first, with the actor's name, the site's host and the page's
// path.
func (s *Store) AuditEntries(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit < 1 || q.Limit > MaxAuditPageSize || q.Offset < 0 {
		return nil, fmt.Errorf("store: audit log: bad query %+v", q)
	}
	where, args := "", []any{q.Limit, q.Offset}
	if q.SiteID != 0 {
		where, args = "WHERE a.site_id = ?", append([]any{q.SiteID}, args...)
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT a.id, a.site_id, s.host, COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.action,
		COALESCE(a.comment_id, 0), COALESCE(a.page_id, 0), COALESCE(p.path, ''), a.detail, a.created_at
		FROM audit_log a JOIN sites s ON s.id = a.site_id LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN pages p ON p.id = a.page_id
		`+where+` ORDER BY a.id DESC LIMIT ? OFFSET ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var created int64
		if err := rows.Scan(&e.ID, &e.SiteID, &e.SiteHost, &e.ActorID, &e.ActorName, &e.Action, &e.CommentID, &e.PageID,
			&e.PagePath, &e.Detail, &created); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

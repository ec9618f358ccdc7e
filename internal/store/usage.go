package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// The limits of a plan, as usage, crossings and PlanLimitError name them.
const (
	MetricSites    = "sites"
	MetricViews    = "views"
	MetricComments = "comments"
	MetricUploads  = "upload_bytes"
)

// The levels of use, in percent of a limit, at which an owner is mailed.
const (
	NoticeNear = 80
	NoticeFull = 100
)

// ErrPlanLimit is what a write past a limit of the owner's plan returns,
// wrapped in a *PlanLimitError naming the limit: a comment on a site whose
// owner used up the month's comments or views, or a site added past the
// owner's max sites.
var ErrPlanLimit = errors.New("store: plan limit reached")

// ErrSuspended refuses what a suspended account may not do: sign in (a
// session for it) and take comments on its sites.
var ErrSuspended = errors.New("store: account suspended")

// PlanLimitError names the limit a write would pass. It unwraps to
// ErrPlanLimit.
type PlanLimitError struct {
	Metric string // MetricComments, MetricViews or MetricSites
	Limit  int64
}

func (e *PlanLimitError) Error() string {
	return fmt.Sprintf("store: plan limit reached: %s (%d)", e.Metric, e.Limit)
}

func (e *PlanLimitError) Unwrap() error { return ErrPlanLimit }

// Month is the calendar month of t in UTC as YYYYMM, the key of the usage
// counters.
func Month(t time.Time) int {
	t = t.UTC()
	return t.Year()*100 + int(t.Month())
}

// monthStart is the first instant of month (YYYYMM), UTC.
func monthStart(month int) time.Time {
	return time.Date(month/100, time.Month(month%100), 1, 0, 0, 0, 0, time.UTC)
}

// Queries of countCommentOf (writePathQueries).
const (
	ownerPlanSQL = `SELECT u.id, u.suspended_at, p.max_comments, p.max_views
		FROM sites s JOIN users u ON u.id = s.owner_id ` + effectivePlanJoin + ` WHERE s.id = ?`
	countCommentSQL = `INSERT INTO usage_monthly (user_id, month, shard, comments) VALUES (?, ?, 0, 1)
		` + addUsageComment + ` RETURNING comments, views`
	// addUsageComment is the conflict clause of a comment's insert into an
	// owner's month: it adds one to the shard's comments.
	addUsageComment = `ON CONFLICT (user_id, month, shard) DO UPDATE SET comments = usage_monthly.comments + 1`
)

// UsageShards is how many rows an owner's month of usage may take on
// PostgreSQL (migration 0038): a new comment adds to the shard of its
// database connection (connectionShard), so that concurrent comments of
// one owner's sites do not queue on one row's lock. SQLite writes shard 0
// only.
const UsageShards = connectionShards

// countCommentShardSQL is countCommentSQL on PostgreSQL: it adds to the
// connection's shard and returns the month's comments (that shard's new
// value and the others' as the statement found them) and views. Comments
// that commit at the same time on other connections are not seen, so a
// limit can be passed by as many comments as write at once, at most
// UsageShards; docs/operator.md says so.
var countCommentShardSQL = `WITH up AS (INSERT INTO usage_monthly (user_id, month, shard, comments) VALUES (?, ?, ` + connectionShard + `, 1)
		` + addUsageComment + ` RETURNING shard, comments)
	SELECT (SELECT comments FROM up) + COALESCE((SELECT SUM(m.comments) FROM usage_monthly m
			WHERE m.user_id = ? AND m.month = ? AND m.shard <> (SELECT shard FROM up)), 0),
		COALESCE((SELECT SUM(m.views) FROM usage_monthly m WHERE m.user_id = ? AND m.month = ?), 0)`

// ownerPlan is what a new comment's write reads of its site's owner
// (ownerPlanSQL); owner is NULL for a site without one.
type ownerPlan struct {
	owner, suspended, maxComments, maxViews sql.NullInt64
}

// countCommentOf counts a new comment against its site owner's month,
// inside the comment's transaction, once the owner's plan is read: one
// upsert of the owner's counter row (a shard of it on PostgreSQL), never
// a count of comments. It refuses with ErrSuspended when the owner is
// suspended, and with a *PlanLimitError when the comment would pass the
// month's comments or the month's views already passed their limit. A
// site without an owner is counted against no one.
func (s *Store) countCommentOf(ctx context.Context, tx *sql.Tx, o ownerPlan, at time.Time) error {
	if !o.owner.Valid {
		return nil
	}
	if o.suspended.Valid {
		return ErrSuspended
	}
	var comments, views int64
	owner, month := o.owner.Int64, Month(at)
	var err error
	if s.dialect.oneTripWrites {
		err = s.txStmt(ctx, tx, countCommentShardSQL).QueryRowContext(ctx, owner, month, owner, month, owner, month).Scan(&comments, &views)
	} else {
		err = s.txStmt(ctx, tx, countCommentSQL).QueryRowContext(ctx, owner, month).Scan(&comments, &views)
	}
	switch {
	case err != nil:
		return err
	case o.maxComments.Valid && comments > o.maxComments.Int64:
		return &PlanLimitError{Metric: MetricComments, Limit: o.maxComments.Int64}
	case o.maxViews.Valid && views > o.maxViews.Int64:
		return &PlanLimitError{Metric: MetricViews, Limit: o.maxViews.Int64}
	}
	return nil
}

// siteMonth keys the views AddViews counted per site and month.
type siteMonth struct {
	site  int64
	month int
}

// addUsageViews adds the views counted per site and month to their owners'
// counters, inside the flush's transaction. Owners are locked in the order
// of their ids, so that concurrent flushes never deadlock.
func (s *Store) addUsageViews(ctx context.Context, tx *sql.Tx, counted map[siteMonth]int) error {
	type ownerMonth struct {
		owner int64
		month int
	}
	byOwner := map[ownerMonth]int{}
	for sm, n := range counted {
		var owner sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q("SELECT owner_id FROM sites WHERE id = ?"), sm.site).Scan(&owner)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if owner.Valid {
			byOwner[ownerMonth{owner.Int64, sm.month}] += n
		}
	}
	keys := make([]ownerMonth, 0, len(byOwner))
	for k := range byOwner {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ownerMonth) int { return cmp.Or(cmp.Compare(a.owner, b.owner), cmp.Compare(a.month, b.month)) })
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO usage_monthly (user_id, month, shard, views) VALUES (?, ?, 0, ?)
			ON CONFLICT (user_id, month, shard) DO UPDATE SET views = usage_monthly.views + excluded.views`), k.owner, k.month, byOwner[k]); err != nil {
			return err
		}
	}
	return nil
}

// dayMonth is the month (YYYYMM) of a day as the view counters write it
// (YYYY-MM-DD), 0 when it is not one.
func dayMonth(day string) int {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0
	}
	return Month(t)
}

// Usage is what an owner's sites used: sites now, the rest in one month.
type Usage struct {
	Month       int   // YYYYMM, UTC
	Sites       int64 // sites the account owns
	Views       int64 // page views of its sites in the month
	Comments    int64 // comments stored on its sites in the month (imports not counted)
	UploadBytes int64 // bytes of the images stored on its sites now (not per month)
}

// Used is the usage of one metric.
func (u Usage) Used(metric string) int64 {
	switch metric {
	case MetricSites:
		return u.Sites
	case MetricViews:
		return u.Views
	case MetricComments:
		return u.Comments
	}
	return u.UploadBytes
}

// Limit is the plan's limit of one metric.
func (p Plan) Limit(metric string) int64 {
	switch metric {
	case MetricSites:
		return p.MaxSites
	case MetricViews:
		return p.MaxViews
	case MetricComments:
		return p.MaxComments
	}
	return p.MaxUploadBytes
}

// Metrics returns the limits of a plan, in the order pages show them.
func Metrics() []string { return []string{MetricSites, MetricViews, MetricComments, MetricUploads} }

// UsageOf returns what userID's sites used in month (YYYYMM).
func (s *Store) UsageOf(ctx context.Context, userID int64, month int) (Usage, error) {
	u := Usage{Month: month}
	err := s.read.QueryRowContext(ctx, s.q(`SELECT (SELECT COUNT(*) FROM sites WHERE owner_id = ?),
		COALESCE((SELECT SUM(views) FROM usage_monthly WHERE user_id = ? AND month = ?), 0),
		COALESCE((SELECT SUM(comments) FROM usage_monthly WHERE user_id = ? AND month = ?), 0), (`+uploadBytesOfOwner+`)`),
		userID, userID, month, userID, month, userID).Scan(&u.Sites, &u.Views, &u.Comments, &u.UploadBytes)
	if err != nil {
		return u, fmt.Errorf("store: usage: %w", err)
	}
	return u, nil
}

// noticeLevel is the highest notice level use reached of limit, 0 for
// none. A limit of 0 (or unlimited) warns of nothing.
func noticeLevel(used, limit int64) int {
	switch {
	case limit <= 0:
		return 0
	case used >= limit:
		return NoticeFull
	case used*100 >= limit*NoticeNear:
		return NoticeNear
	}
	return 0
}

// UsageCrossing is a limit an owner reached a notice level of, in a month,
// without having been told yet.
type UsageCrossing struct {
	Owner  *model.User
	Month  int
	Metric string
	Level  int // NoticeNear or NoticeFull
	Used   int64
	Limit  int64
}

// UsageCrossings returns the limits that owners (accounts owning a site,
// not suspended) have reached 80% or 100% of in month, and were not told
// of: per owner and limit the highest level only. Upload storage is not
// mailed about: a full one refuses new images only, never comments.
func (s *Store) UsageCrossings(ctx context.Context, month int) ([]UsageCrossing, error) {
	type ownerMetric struct {
		owner  int64
		metric string
	}
	told := map[ownerMetric]int{}
	rows, err := s.read.QueryContext(ctx, s.q("SELECT user_id, metric, MAX(level) FROM usage_notices WHERE month = ? GROUP BY user_id, metric"), month)
	if err != nil {
		return nil, fmt.Errorf("store: usage crossings: %w", err)
	}
	for rows.Next() {
		var id int64
		var metric string
		var level int
		if err := rows.Scan(&id, &metric, &level); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: usage crossings: %w", err)
		}
		told[ownerMetric{id, metric}] = level
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, s.q(`SELECT `+userColumns+`, p.max_sites, p.max_views, p.max_comments,
		(SELECT COUNT(*) FROM sites s WHERE s.owner_id = u.id), COALESCE(m.views, 0), COALESCE(m.comments, 0)
		FROM users u JOIN plans p ON p.id = COALESCE(u.plan_id, (SELECT d.id FROM plans d WHERE d.is_default))
		LEFT JOIN (SELECT user_id, SUM(views) AS views, SUM(comments) AS comments FROM usage_monthly WHERE month = ?
			GROUP BY user_id) m ON m.user_id = u.id
		WHERE u.suspended_at IS NULL AND EXISTS (SELECT 1 FROM sites s WHERE s.owner_id = u.id) ORDER BY u.id`), month)
	if err != nil {
		return nil, fmt.Errorf("store: usage crossings: %w", err)
	}
	defer rows.Close()
	var out []UsageCrossing
	for rows.Next() {
		var maxSites, maxViews, maxComments sql.NullInt64
		var use Usage
		u, err := s.scanUser(rows, &maxSites, &maxViews, &maxComments, &use.Sites, &use.Views, &use.Comments)
		if err != nil {
			return nil, fmt.Errorf("store: usage crossings: %w", err)
		}
		plan := Plan{MaxSites: limitOf(maxSites), MaxViews: limitOf(maxViews), MaxComments: limitOf(maxComments)}
		for _, metric := range []string{MetricSites, MetricViews, MetricComments} {
			used, limit := use.Used(metric), plan.Limit(metric)
			if level := noticeLevel(used, limit); level > told[ownerMetric{u.ID, metric}] {
				out = append(out, UsageCrossing{Owner: u, Month: month, Metric: metric, Level: level, Used: used, Limit: limit})
			}
		}
	}
	return out, rows.Err()
}

// RecordUsageNotice records that the owner was told of c, and of every
// lower level of the same limit, and queues m in the same transaction. It
// reports false, queueing nothing, when c was recorded already (another
// server told first): each notice is mailed once per limit and month.
func (s *Store) RecordUsageNotice(ctx context.Context, c UsageCrossing, m model.Mail) (bool, error) {
	var queued bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, level := range []int{NoticeNear, NoticeFull} {
			if level > c.Level {
				break
			}
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO usage_notices (user_id, month, metric, level, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id, month, metric, level) DO NOTHING`), c.Owner.ID, c.Month, c.Metric, level, millis(s.now()))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			queued = level == c.Level && n > 0
		}
		if !queued {
			return nil
		}
		_, err := s.enqueueMail(ctx, tx, m)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: record usage notice: %w", err)
	}
	return queued, nil
}

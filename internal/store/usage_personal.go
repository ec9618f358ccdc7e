package store

import (
	"context"
	"database/sql"
	"time"
)

// AccountPlan is what the operator's tools keep about an account, for its
// data export: its plan, suspension, monthly usage, the usage notices
// mailed to it and the broadcasts it received.
type AccountPlan struct {
	PlanID      int64  // its own plan; 0: the default
	PlanName    string // the plan it is held to (UserPlan)
	SuspendedAt *time.Time
	Usage       []Usage // per month, oldest first (Sites is not kept per month: 0)
	Notices     []UsageNotice
	Broadcasts  []Broadcast // received, oldest first (Recipients: 0)
}

// UsageNotice is a usage mail an account was sent.
type UsageNotice struct {
	Month     int
	Metric    string
	Level     int
	CreatedAt time.Time
}

// accountPlan reads an account's AccountPlan.
func (s *Store) accountPlan(ctx context.Context, userID int64) (*AccountPlan, error) {
	p := &AccountPlan{Usage: []Usage{}, Notices: []UsageNotice{}, Broadcasts: []Broadcast{}}
	var own, suspended sql.NullInt64
	if err := s.read.QueryRowContext(ctx, s.q("SELECT plan_id, suspended_at FROM users WHERE id = ?"), userID).Scan(&own, &suspended); err != nil {
		return nil, err
	}
	p.PlanID, p.SuspendedAt = own.Int64, nullMillis(suspended)
	plan, err := s.UserPlan(ctx, userID)
	if err != nil {
		return nil, err
	}
	p.PlanName = plan.Name
	err = s.eachRow(ctx, "SELECT month, SUM(views), SUM(comments) FROM usage_monthly WHERE user_id = ? GROUP BY month ORDER BY month", []any{userID}, func(r rowScanner) error {
		var u Usage
		err := r.Scan(&u.Month, &u.Views, &u.Comments)
		p.Usage = append(p.Usage, u)
		return err
	})
	if err == nil {
		err = s.eachRow(ctx, "SELECT month, metric, level, created_at FROM usage_notices WHERE user_id = ? ORDER BY month, metric, level", []any{userID},
			func(r rowScanner) error {
				var n UsageNotice
				var at int64
				err := r.Scan(&n.Month, &n.Metric, &n.Level, &at)
				n.CreatedAt = fromMillis(at)
				p.Notices = append(p.Notices, n)
				return err
			})
	}
	if err == nil {
		err = s.eachRow(ctx, `SELECT b.id, b.subject, b.body, b.created_at, 0 FROM broadcasts b JOIN broadcast_recipients r ON r.broadcast_id = b.id
			WHERE r.user_id = ? ORDER BY b.id`, []any{userID}, func(r rowScanner) error {
			b, err := scanBroadcast(r)
			p.Broadcasts = append(p.Broadcasts, b)
			return err
		})
	}
	return p, err
}

// eachRow runs query and calls fn with each row.
func (s *Store) eachRow(ctx context.Context, query string, args []any, fn func(rowScanner) error) error {
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

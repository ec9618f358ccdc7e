package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Unlimited is a plan limit without a bound (NULL in the database).
const Unlimited int64 = -1

// MaxPlanNameLen bounds a plan's name, in bytes.
const MaxPlanNameLen = 64

// UnlimitedPlanName names the plan of accounts that have none, when the
// operator chose no default plan: every limit Unlimited (the self-hosting
// default).
const UnlimitedPlanName = "unlimited"

// Plan is a set of usage limits the operator assigns to owner accounts.
// Each limit is Unlimited or a bound of 0 or more; views and comments are
// per calendar month (UTC), sites and upload bytes at any time.
type Plan struct {
	ID             int64 // 0 for the built-in unlimited plan
	Name           string
	MaxSites       int64
	MaxViews       int64
	MaxComments    int64
	MaxUploadBytes int64
	Default        bool // the plan of accounts without one of their own
	CreatedAt      time.Time
}

// UnlimitedPlan is the plan of an account when it has none and no plan is
// the default.
func UnlimitedPlan() Plan {
	return Plan{Name: UnlimitedPlanName, MaxSites: Unlimited, MaxViews: Unlimited, MaxComments: Unlimited, MaxUploadBytes: Unlimited}
}

const planColumns = "p.id, p.name, p.max_sites, p.max_views, p.max_comments, p.max_upload_bytes, p.is_default, p.created_at"

// limitArg is a limit as stored: NULL for Unlimited.
func limitArg(v int64) any {
	if v < 0 {
		return nil
	}
	return v
}

// limitOf reads a stored limit.
func limitOf(v sql.NullInt64) int64 {
	if !v.Valid {
		return Unlimited
	}
	return v.Int64
}

func scanPlan(row rowScanner, extra ...any) (Plan, error) {
	var p Plan
	var sites, views, comments, bytes sql.NullInt64
	var created int64
	err := row.Scan(append([]any{&p.ID, &p.Name, &sites, &views, &comments, &bytes, &p.Default, &created}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.MaxSites, p.MaxViews, p.MaxComments, p.MaxUploadBytes = limitOf(sites), limitOf(views), limitOf(comments), limitOf(bytes)
	p.CreatedAt = fromMillis(created)
	return p, err
}

// CreatePlan adds a plan; p.ID and p.CreatedAt are filled in. A plan of the
// same name gives ErrExists.
func (s *Store) CreatePlan(ctx context.Context, p *Plan) error {
	p.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.write.QueryRowContext(ctx, s.q(`INSERT INTO plans (name, max_sites, max_views, max_comments, max_upload_bytes, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`),
		p.Name, limitArg(p.MaxSites), limitArg(p.MaxViews), limitArg(p.MaxComments), limitArg(p.MaxUploadBytes), millis(p.CreatedAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrExists
	}
	if err != nil {
		return fmt.Errorf("store: create plan: %w", err)
	}
	return nil
}

// UpdatePlan saves a plan's name and limits: ErrNotFound when there is no
// such plan, ErrExists when another plan has the name. The accounts on the
// plan are held to the new limits at once.
func (s *Store) UpdatePlan(ctx context.Context, p *Plan) error {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE plans SET name = ?, max_sites = ?, max_views = ?, max_comments = ?, max_upload_bytes = ?
		WHERE id = ?`), p.Name, limitArg(p.MaxSites), limitArg(p.MaxViews), limitArg(p.MaxComments), limitArg(p.MaxUploadBytes), p.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return ErrExists
		}
		return fmt.Errorf("store: update plan: %w", err)
	}
	return mustAffect(res)
}

// isUniqueViolation reports whether err is a unique constraint's refusal,
// in either dialect's words.
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// DeletePlan removes a plan. Its accounts fall back to the default plan
// (or unlimited). ErrNotFound when there is no such plan.
func (s *Store) DeletePlan(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM plans WHERE id = ?"), id)
	if err != nil {
		return fmt.Errorf("store: delete plan: %w", err)
	}
	return mustAffect(res)
}

// PlanByID returns one plan, or ErrNotFound.
func (s *Store) PlanByID(ctx context.Context, id int64) (Plan, error) {
	p, err := scanPlan(s.read.QueryRowContext(ctx, s.q("SELECT "+planColumns+" FROM plans p WHERE p.id = ?"), id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return p, fmt.Errorf("store: plan: %w", err)
	}
	return p, err
}

// Plans lists every plan by name, each with the number of accounts that
// have it as their own.
func (s *Store) Plans(ctx context.Context) ([]PlanUse, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+planColumns+
		", (SELECT COUNT(*) FROM users u WHERE u.plan_id = p.id) FROM plans p ORDER BY p.name")
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	defer rows.Close()
	var out []PlanUse
	for rows.Next() {
		var pu PlanUse
		if pu.Plan, err = scanPlan(rows, &pu.Accounts); err != nil {
			return nil, fmt.Errorf("store: plans: %w", err)
		}
		out = append(out, pu)
	}
	return out, rows.Err()
}

// PlanUse is a plan and how many accounts have it as their own.
type PlanUse struct {
	Plan
	Accounts int
}

// SetDefaultPlan makes plan id the default of accounts without a plan of
// their own; 0 makes no plan the default (they are unlimited). ErrNotFound
// when there is no such plan.
func (s *Store) SetDefaultPlan(ctx context.Context, id int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if id != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM plans WHERE id = ?"), id).Scan(&n); err != nil || n == 0 {
				return cmp.Or(err, ErrNotFound)
			}
		}
		_, err := tx.ExecContext(ctx, s.q("UPDATE plans SET is_default = (id = ?)"), id)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set default plan: %w", err)
	}
	return err
}

// SetUserPlan gives an account plan id as its own; 0 returns it to the
// default. ErrNotFound when the account or the plan does not exist.
func (s *Store) SetUserPlan(ctx context.Context, userID, planID int64) error {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE users SET plan_id = ? WHERE id = ?
		AND (? = 0 OR EXISTS (SELECT 1 FROM plans WHERE id = ?))`), nullID(planID), userID, planID, planID)
	if err != nil {
		return fmt.Errorf("store: set user plan: %w", err)
	}
	return mustAffect(res)
}

// UserPlan returns the plan an account is held to: its own, else the
// default plan, else UnlimitedPlan. ErrNotFound when there is no account.
func (s *Store) UserPlan(ctx context.Context, userID int64) (Plan, error) {
	var own sql.NullInt64
	err := s.read.QueryRowContext(ctx, s.q("SELECT plan_id FROM users WHERE id = ?"), userID).Scan(&own)
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, ErrNotFound
	}
	if err != nil {
		return Plan{}, fmt.Errorf("store: user plan: %w", err)
	}
	p, err := scanPlan(s.read.QueryRowContext(ctx, s.q("SELECT "+planColumns+
		" FROM plans p WHERE p.id = ? OR (? AND p.is_default)"), own.Int64, !own.Valid))
	if errors.Is(err, ErrNotFound) {
		return UnlimitedPlan(), nil
	}
	if err != nil {
		return Plan{}, fmt.Errorf("store: user plan: %w", err)
	}
	return p, nil
}

// effectivePlanJoin joins the plan an account u is held to as p: its own,
// else the default (no row: unlimited).
const effectivePlanJoin = `LEFT JOIN plans p ON p.id = COALESCE(u.plan_id, (SELECT d.id FROM plans d WHERE d.is_default))`

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// OperatorPageSize is how many rows one page of the operator's lists of
// accounts, sites and audit entries holds.
const OperatorPageSize = 100

// Account is an account as the operator's list shows it.
type Account struct {
	User        *model.User
	PlanID      int64 // 0: the default plan
	PlanName    string
	SuspendedAt *time.Time
	Sites       int // sites it owns
}

// Accounts lists accounts, oldest first, OperatorPageSize from offset: all
// of them when query is empty, else those whose email is query exactly
// (through the blind index: emails are sealed) or whose name contains it,
// in any case.
func (s *Store) Accounts(ctx context.Context, query string, offset int) ([]Account, error) {
	where, args := "", []any{}
	if query = strings.TrimSpace(query); query != "" {
		where = "WHERE u.email_index = ? OR LOWER(u.name) LIKE ? ESCAPE '\\'"
		args = append(args, s.sealer.EmailIndex(query), "%"+likeEscape(strings.ToLower(query))+"%")
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+userColumns+`, COALESCE(u.plan_id, 0), COALESCE(p.name, ''), u.suspended_at,
		(SELECT COUNT(*) FROM sites s WHERE s.owner_id = u.id)
		FROM users u LEFT JOIN plans p ON p.id = u.plan_id `+where+` ORDER BY u.id LIMIT ? OFFSET ?`),
		append(args, OperatorPageSize, offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var suspended sql.NullInt64
		if a.User, err = s.scanUser(rows, &a.PlanID, &a.PlanName, &suspended, &a.Sites); err != nil {
			return nil, fmt.Errorf("store: accounts: %w", err)
		}
		a.SuspendedAt = nullMillis(suspended)
		out = append(out, a)
	}
	return out, rows.Err()
}

// likeEscape escapes LIKE's wildcards in s (the escape character is '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AccountByID is Accounts for one account, or ErrNotFound.
func (s *Store) AccountByID(ctx context.Context, id int64) (Account, error) {
	var a Account
	var suspended sql.NullInt64
	u, err := s.scanUser(s.read.QueryRowContext(ctx, s.q(`SELECT `+userColumns+`, COALESCE(u.plan_id, 0), COALESCE(p.name, ''), u.suspended_at,
		(SELECT COUNT(*) FROM sites s WHERE s.owner_id = u.id)
		FROM users u LEFT JOIN plans p ON p.id = u.plan_id WHERE u.id = ?`), id), &a.PlanID, &a.PlanName, &suspended, &a.Sites)
	if err != nil {
		return a, fmt.Errorf("store: account: %w", err)
	}
	a.User, a.SuspendedAt = u, nullMillis(suspended)
	return a, nil
}

// SiteSummary is a site as the operator's list shows it: its owner and
// what the site had in the month.
type SiteSummary struct {
	Site          *model.Site
	Owner         *model.User // nil without an owner
	MonthViews    int64
	MonthComments int64
}

// SiteSummaries lists sites by host, OperatorPageSize from offset, each
// with its owner and its views and comments in month (YYYYMM), read from
// the daily counters and the comments' creation times.
func (s *Store) SiteSummaries(ctx context.Context, month, offset int) ([]SiteSummary, error) {
	from, to := monthStart(month), monthStart(month).AddDate(0, 1, 0)
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+siteColumns+`,
		COALESCE((SELECT SUM(v.views) FROM page_views_daily v WHERE v.site_id = sites.id AND v.day >= ? AND v.day < ?), 0),
		(SELECT COUNT(*) FROM comments c WHERE c.site_id = sites.id AND c.created_at >= ? AND c.created_at < ?)
		FROM sites ORDER BY host LIMIT ? OFFSET ?`),
		from.Format(time.DateOnly), to.Format(time.DateOnly), millis(from), millis(to), OperatorPageSize, offset)
	if err != nil {
		return nil, fmt.Errorf("store: site summaries: %w", err)
	}
	var out []SiteSummary
	for rows.Next() {
		var sum SiteSummary
		site, err := scanSite(scanExtra{rows, []any{&sum.MonthViews, &sum.MonthComments}})
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: site summaries: %w", err)
		}
		sum.Site = site
		out = append(out, sum)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: site summaries: %w", err)
	}
	for i := range out {
		if id := out[i].Site.OwnerID; id != 0 {
			if out[i].Owner, err = s.UserByID(ctx, id); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Owners lists the accounts that own at least one site, oldest first.
func (s *Store) Owners(ctx context.Context) ([]*model.User, error) {
	return s.usersWhere(ctx, "owners", "EXISTS (SELECT 1 FROM sites s WHERE s.owner_id = u.id)")
}

// Operators lists the operator accounts, oldest first.
func (s *Store) Operators(ctx context.Context) ([]*model.User, error) {
	return s.usersWhere(ctx, "operators", "u.role = '"+string(model.RoleOperator)+"'")
}

func (s *Store) usersWhere(ctx context.Context, what, where string) ([]*model.User, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+where+" ORDER BY u.id")
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*model.User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AuditLogAll is AuditLog of every site: the most recent entries, newest
// first, OperatorPageSize from offset.
func (s *Store) AuditLogAll(ctx context.Context, offset int) ([]AuditEntry, error) {
	return s.AuditEntries(ctx, AuditQuery{Limit: OperatorPageSize, Offset: offset})
}

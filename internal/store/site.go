package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

const siteColumns = "id, host, origins, COALESCE(owner_id, 0), live, akismet_key_sealed IS NOT NULL, settings, created_at"

// CreateSite registers a site, live unless site.Waiting. site.ID and
// site.CreatedAt are filled in. A site with the same host gives ErrExists.
// A site with an owner is refused with a *PlanLimitError (ErrPlanLimit)
// when the owner already has as many sites as their plan allows.
func (s *Store) CreateSite(ctx context.Context, site *model.Site) error {
	settings, err := json.Marshal(site.Settings)
	if err != nil {
		return fmt.Errorf("store: create site: %w", err)
	}
	site.CreatedAt = s.now().UTC().Truncate(1e6)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if site.OwnerID != 0 {
			if err := s.checkSiteLimit(ctx, tx, site.OwnerID); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO sites (host, origins, owner_id, live, settings, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (host) DO NOTHING RETURNING id`),
			site.Host, strings.Join(site.Origins, "\n"), nullID(site.OwnerID), !site.Waiting, string(settings), millis(site.CreatedAt)).Scan(&site.ID)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrExists
	case errors.Is(err, ErrPlanLimit):
		return err
	case err != nil:
		return fmt.Errorf("store: create site: %w", err)
	}
	return nil
}

// checkSiteLimit refuses another site of owner past their plan's max
// sites. It first takes the owner's row lock, so that two servers adding
// sites at once cannot pass the limit together.
func (s *Store) checkSiteLimit(ctx context.Context, tx *sql.Tx, owner int64) error {
	if _, err := tx.ExecContext(ctx, s.q("UPDATE users SET plan_id = plan_id WHERE id = ?"), owner); err != nil {
		return err
	}
	var max sql.NullInt64
	var sites int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT p.max_sites, (SELECT COUNT(*) FROM sites s WHERE s.owner_id = u.id)
		FROM users u `+effectivePlanJoin+` WHERE u.id = ?`), owner).Scan(&max, &sites)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no such account: the insert's foreign key refuses it
	}
	if err == nil && max.Valid && sites >= max.Int64 {
		return &PlanLimitError{Metric: MetricSites, Limit: max.Int64}
	}
	return err
}

// UpdateSite saves a site's origins, owner and settings (not whether it
// is live: only confirming the owner's email makes a site live).
func (s *Store) UpdateSite(ctx context.Context, site *model.Site) error {
	settings, err := json.Marshal(site.Settings)
	if err != nil {
		return fmt.Errorf("store: update site: %w", err)
	}
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE sites SET origins = ?, owner_id = ?, settings = ? WHERE id = ?`),
		strings.Join(site.Origins, "\n"), nullID(site.OwnerID), string(settings), site.ID)
	if err != nil {
		return fmt.Errorf("store: update site: %w", err)
	}
	return mustAffect(res)
}

// SiteByHost returns the site registered with host, or ErrNotFound.
func (s *Store) SiteByHost(ctx context.Context, host string) (*model.Site, error) {
	row := s.read.QueryRowContext(ctx, s.q("SELECT "+siteColumns+" FROM sites WHERE host = ?"), host)
	site, err := scanSite(row)
	if err != nil {
		return nil, fmt.Errorf("store: site by host: %w", err)
	}
	return site, nil
}

// Sites lists every site, ordered by host.
func (s *Store) Sites(ctx context.Context) ([]*model.Site, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+siteColumns+" FROM sites ORDER BY host")
	if err != nil {
		return nil, fmt.Errorf("store: list sites: %w", err)
	}
	defer rows.Close()
	var out []*model.Site
	for rows.Next() {
		site, err := scanSite(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list sites: %w", err)
		}
		out = append(out, site)
	}
	return out, rows.Err()
}

// DeleteSite removes a site with everything that refers to it, in one
// transaction (promise P7): its pages, comments, votes and views, members
// and invitations, SSO secret and the links of its SSO accounts (the
// accounts stay), logins in progress, privacy requests, mail queued about
// it, and its audit log.
func (s *Store) DeleteSite(ctx context.Context, id int64) error {
	return s.eraseTx(ctx, func(tx *sql.Tx) error {
		return s.deleteSite(ctx, tx, id)
	})
}

// deleteSite is DeleteSite inside tx: ErrNotFound when there is no such site.
func (s *Store) deleteSite(ctx context.Context, tx *sql.Tx, id int64) error {
	// Children first: SQLite checks foreign keys per statement, and
	// deleting comments root-last keeps self-references valid.
	for _, q := range []string{
		"DELETE FROM votes WHERE page_id IN (SELECT id FROM pages WHERE site_id = ?)",
		"DELETE FROM page_views_daily WHERE site_id = ?",
		"DELETE FROM comments WHERE site_id = ?",
		"DELETE FROM pages WHERE site_id = ?",
		"DELETE FROM site_members WHERE site_id = ?",
		"DELETE FROM site_invitations WHERE site_id = ?",
		"DELETE FROM site_sso WHERE site_id = ?",
		"DELETE FROM sso_users WHERE site_id = ?",
		"DELETE FROM login_states WHERE site_id = ?",
		"DELETE FROM privacy_requests WHERE site_id = ?",
		"DELETE FROM outbox WHERE site_id = ?",
		"DELETE FROM audit_log WHERE site_id = ?",
	} {
		if _, err := tx.ExecContext(ctx, s.q(q), id); err != nil {
			return fmt.Errorf("store: delete site: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, s.q("DELETE FROM sites WHERE id = ?"), id)
	if err != nil {
		return fmt.Errorf("store: delete site: %w", err)
	}
	return mustAffect(res)
}

type rowScanner interface{ Scan(dest ...any) error }

func scanSite(row rowScanner) (*model.Site, error) {
	var site model.Site
	var origins, settings string
	var created int64
	var live bool
	if err := row.Scan(&site.ID, &site.Host, &origins, &site.OwnerID, &live, &site.HasAkismetKey, &settings, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if origins != "" {
		site.Origins = strings.Split(origins, "\n")
	}
	site.Settings = model.DefaultSiteSettings()
	if err := json.Unmarshal([]byte(settings), &site.Settings); err != nil {
		return nil, fmt.Errorf("site %d settings: %w", site.ID, err)
	}
	site.CreatedAt, site.Waiting = fromMillis(created), !live
	return &site, nil
}

func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetAkismetKey stores a site's Akismet API key, sealed; "" removes it.
// ErrNotFound when the site does not exist.
func (s *Store) SetAkismetKey(ctx context.Context, siteID int64, key string) error {
	var sealed any
	if key != "" {
		sealed = s.sealer.Seal(key)
	}
	res, err := s.write.ExecContext(ctx, s.q("UPDATE sites SET akismet_key_sealed = ? WHERE id = ?"), sealed, siteID)
	if err != nil {
		return fmt.Errorf("store: set akismet key: %w", err)
	}
	return mustAffect(res)
}

// AkismetKey returns a site's Akismet API key, "" when it has none.
func (s *Store) AkismetKey(ctx context.Context, siteID int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT akismet_key_sealed FROM sites WHERE id = ?"), siteID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil || len(sealed) == 0 {
		return "", wrapErr("akismet key", err)
	}
	key, err := s.sealer.Open(sealed)
	return key, wrapErr("akismet key", err)
}

// wrapErr wraps a non-nil error once with the store's context.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Webhooks: a site's owner names endpoints that hear of its comments
// (docs/webhooks.md). Each event is a webhook_deliveries row written in the
// transaction of the change it reports; internal/webhook delivers them.

// Bounds of a site's webhooks.
const (
	MaxWebhooksPerSite  = 5    // endpoints of one site
	MaxWebhookURLLength = 2000 // bytes of an endpoint's URL
	// WebhookLogRows is how many finished deliveries (delivered or dead)
	// each endpoint keeps for its delivery log; older ones are deleted as
	// new ones finish. Pending ones are all kept.
	WebhookLogRows = 50
	// MaxWebhookClaim is how many deliveries one claim may take.
	MaxWebhookClaim = 100
)

// The events a webhook may choose, as the payload's "event" names them.
const (
	WebhookCommentCreated  = "comment.created"  // a new comment, published or held (its status says which)
	WebhookCommentApproved = "comment.approved" // a held or spam comment approved by a moderator
	WebhookCommentDeleted  = "comment.deleted"  // deleted by its author, or rejected or deleted by a moderator
	WebhookCommentEdited   = "comment.edited"   // new text, by its author or a moderator
	// WebhookPing is the test event the owner sends from the dashboard;
	// every webhook receives it whatever it chose.
	WebhookPing = "ping"
)

// WebhookEvents are the events a webhook may choose, in the order the
// dashboard lists them.
var WebhookEvents = []string{WebhookCommentCreated, WebhookCommentApproved, WebhookCommentDeleted, WebhookCommentEdited}

// ErrWebhookLimit is returned by CreateWebhook when the site has
// MaxWebhooksPerSite webhooks already.
var ErrWebhookLimit = errors.New("store: the site has as many webhooks as it may")

// ErrInvalidWebhook is returned by CreateWebhook for a URL past
// MaxWebhookURLLength, no event, or an event not in WebhookEvents. The
// dashboard checks the URL's form before (internal/webhook.CheckURL).
var ErrInvalidWebhook = errors.New("store: invalid webhook")

// Webhook is one endpoint of a site.
type Webhook struct {
	ID, SiteID int64
	URL        string
	Events     []string // a subset of WebhookEvents, in its order
	CreatedAt  time.Time
}

// Wants reports whether w chose event (everyone hears WebhookPing).
func (w *Webhook) Wants(event string) bool {
	return event == WebhookPing || slices.Contains(w.Events, event)
}

// CreateWebhook adds w to its site with secret (stored sealed), filling
// w.ID and w.CreatedAt. ErrWebhookLimit: the site has MaxWebhooksPerSite
// already; ErrInvalidWebhook as it says.
func (s *Store) CreateWebhook(ctx context.Context, w *Webhook, secret string) error {
	if w.URL == "" || len(w.URL) > MaxWebhookURLLength || len(w.Events) == 0 || secret == "" {
		return ErrInvalidWebhook
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			return fmt.Errorf("%w: event %q", ErrInvalidWebhook, e)
		}
	}
	w.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Touching the site's row serialises two creations on PostgreSQL,
		// so that both cannot pass the count.
		if _, err := tx.ExecContext(ctx, s.q("UPDATE sites SET id = id WHERE id = ?"), w.SiteID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM webhooks WHERE site_id = ?"), w.SiteID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxWebhooksPerSite {
			return ErrWebhookLimit
		}
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO webhooks (site_id, url, events, secret_sealed, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), w.SiteID, w.URL, strings.Join(w.Events, ","), s.sealer.Seal(secret),
			millis(w.CreatedAt)).Scan(&w.ID)
	})
	if err != nil && !errors.Is(err, ErrWebhookLimit) {
		return fmt.Errorf("store: create webhook: %w", err)
	}
	return err
}

const webhookColumns = "id, site_id, url, events, created_at"

func scanWebhook(row rowScanner) (*Webhook, error) {
	var w Webhook
	var events string
	var created int64
	if err := row.Scan(&w.ID, &w.SiteID, &w.URL, &events, &created); err != nil {
		return nil, err
	}
	w.Events, w.CreatedAt = strings.Split(events, ","), fromMillis(created)
	return &w, nil
}

// SiteWebhooks lists the webhooks of a site, oldest first.
func (s *Store) SiteWebhooks(ctx context.Context, siteID int64) ([]Webhook, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE site_id = ? ORDER BY id"), siteID)
	if err != nil {
		return nil, fmt.Errorf("store: site webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("store: site webhooks: %w", err)
		}
		out = append(out, *w)
	}
	return out, rows.Err()
}

// SiteWebhook returns webhook id of a site, or ErrNotFound (also for
// another site's).
func (s *Store) SiteWebhook(ctx context.Context, siteID, id int64) (*Webhook, error) {
	w, err := scanWebhook(s.read.QueryRowContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE id = ? AND site_id = ?"), id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: webhook: %w", err)
	}
	return w, nil
}

// WebhookSecret opens the secret of webhook id of a site; ErrNotFound as
// SiteWebhook.
func (s *Store) WebhookSecret(ctx context.Context, siteID, id int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT secret_sealed FROM webhooks WHERE id = ? AND site_id = ?"), id, siteID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: webhook secret: %w", err)
	}
	secret, err := s.sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("store: webhook secret: %w", err)
	}
	return secret, nil
}

// DeleteWebhook deletes webhook id of a site with its deliveries, pending
// or logged; ErrNotFound as SiteWebhook.
func (s *Store) DeleteWebhook(ctx context.Context, siteID, id int64) error {
	var n int64
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND site_id = ?"), id, siteID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM webhooks WHERE id = ? AND site_id = ?"), id, siteID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete webhook: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// The states of a webhook delivery (WebhookDelivery.Status).
const (
	DeliveryPending   = "pending"   // waiting for its next attempt, or being sent
	DeliveryDelivered = "delivered" // the endpoint answered 2xx; payload cleared
	DeliveryDead      = "dead"      // given up; the owner may send it again
)

// WebhookPayload is the JSON body of a delivery (docs/webhooks.md). It
// holds what the site's moderators see of a comment, never an email, IP
// address or user agent.
type WebhookPayload struct {
	Event      string          `json:"event"`
	OccurredAt time.Time       `json:"occurredAt"`
	Site       WebhookSite     `json:"site"`
	Page       *WebhookPage    `json:"page,omitempty"`    // comment events
	Comment    *WebhookComment `json:"comment,omitempty"` // comment events
}

// WebhookSite names the site of an event.
type WebhookSite struct {
	ID   int64  `json:"id"`
	Host string `json:"host"`
}

// WebhookPage is the page of a comment event.
type WebhookPage struct {
	ID   int64  `json:"id"`
	Path string `json:"path"`
	URL  string `json:"url"` // https://HOST/PATH
}

// WebhookComment is the comment of an event. A deleted comment has only
// its ids, status and times.
type WebhookComment struct {
	ID         int64          `json:"id"`
	ParentID   *int64         `json:"parentId"`
	Status     string         `json:"status"`
	HoldReason string         `json:"holdReason,omitempty"`
	Author     *WebhookAuthor `json:"author,omitempty"`
	Text       string         `json:"text,omitempty"` // markdown as written
	HTML       string         `json:"html,omitempty"` // sanitized, as the widget shows it
	CreatedAt  time.Time      `json:"createdAt"`
	EditedAt   *time.Time     `json:"editedAt"`
}

// WebhookAuthor is who wrote a comment, as the thread shows it.
type WebhookAuthor struct {
	Name    string `json:"name"`    // "" for an anonymous guest
	Account bool   `json:"account"` // written by a signed-in account, not a guest
}

// siteWebhooksSQL lists the webhooks of a comment's site: part of every
// comment's write (writePathQueries).
const siteWebhooksSQL = `SELECT w.id, w.site_id, w.url, w.events, w.created_at FROM webhooks w
	JOIN comments c ON c.site_id = w.site_id WHERE c.id = ? ORDER BY w.id`

// dueDeliverySQL finds whether any delivery is due, on a reader.
const dueDeliverySQL = "SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? LIMIT 1"

// queueWebhooks writes, inside the transaction tx making the change, one
// delivery of event about comment id to each of its site's webhooks that
// chose it. A site without webhooks costs one indexed read. For
// WebhookCommentDeleted call it before the comment is erased: the payload
// keeps no content of it, but the comment row may be gone after.
func (s *Store) queueWebhooks(ctx context.Context, tx *sql.Tx, event string, commentID int64) error {
	rows, err := s.txStmt(ctx, tx, siteWebhooksSQL).QueryContext(ctx, commentID)
	if err != nil {
		return fmt.Errorf("store: queue webhooks: %w", err)
	}
	var hooks []*Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("store: queue webhooks: %w", err)
		}
		if w.Wants(event) {
			hooks = append(hooks, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(hooks) == 0 {
		return err
	}
	p, err := s.commentPayload(ctx, tx, event, commentID)
	if err != nil {
		return fmt.Errorf("store: queue webhooks: %w", err)
	}
	for _, w := range hooks {
		if _, err := s.insertDelivery(ctx, tx, w, p); err != nil {
			return fmt.Errorf("store: queue webhooks: %w", err)
		}
	}
	return nil
}

// moderationEvent is the webhook event that action makes of a comment
// whose status was old: approving one not approved, rejecting or deleting
// one not deleted; "" for none (pins, spam, and repeats).
func moderationEvent(action string, old model.Status) string {
	switch {
	case action == ActionApprove && old != model.StatusApproved:
		return WebhookCommentApproved
	case (action == ActionReject || action == ActionDelete) && old != model.StatusDeleted:
		return WebhookCommentDeleted
	}
	return ""
}

// commentPayload is the payload of event about comment id, read in tx.
func (s *Store) commentPayload(ctx context.Context, tx *sql.Tx, event string, id int64) (*WebhookPayload, error) {
	p := WebhookPayload{Event: event, OccurredAt: s.now().UTC().Truncate(time.Millisecond), Page: &WebhookPage{}}
	c := WebhookComment{Author: &WebhookAuthor{}}
	var parent, created int64
	var edited sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT c.id, COALESCE(c.parent_id, 0), c.status, COALESCE(c.hold_reason, ''),
		COALESCE(u.name, c.guest_name), c.author_id IS NOT NULL, c.text, c.html, c.created_at, c.edited_at,
		p.id, p.path, t.id, t.host
		FROM comments c JOIN pages p ON p.id = c.page_id JOIN sites t ON t.id = c.site_id
		LEFT JOIN users u ON u.id = c.author_id WHERE c.id = ?`), id).Scan(&c.ID, &parent, &c.Status, &c.HoldReason,
		&c.Author.Name, &c.Author.Account, &c.Text, &c.HTML, &created, &edited,
		&p.Page.ID, &p.Page.Path, &p.Site.ID, &p.Site.Host)
	if err != nil {
		return nil, err
	}
	if parent != 0 {
		c.ParentID = &parent
	}
	c.CreatedAt, c.EditedAt = fromMillis(created), nullMillis(edited)
	p.Page.URL = "https://" + p.Site.Host + p.Page.Path
	if event == WebhookCommentDeleted {
		c = WebhookComment{ID: c.ID, ParentID: c.ParentID, Status: "deleted", CreatedAt: c.CreatedAt, EditedAt: c.EditedAt}
	}
	p.Comment = &c
	return &p, nil
}

// insertDelivery queues p for w, due at once, and returns its id.
func (s *Store) insertDelivery(ctx context.Context, tx *sql.Tx, w *Webhook, p *WebhookPayload) (int64, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	now := millis(s.now())
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO webhook_deliveries (webhook_id, site_id, event, payload, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), w.ID, w.SiteID, p.Event, string(body), now, now).Scan(&id)
	return id, err
}

// QueueWebhookPing queues the test event (WebhookPing) for webhook id of a
// site and returns the delivery's id; ErrNotFound as SiteWebhook.
func (s *Store) QueueWebhookPing(ctx context.Context, siteID, id int64) (int64, error) {
	var delivery int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var host string
		w, err := scanWebhook(tx.QueryRowContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE id = ? AND site_id = ?"), id, siteID))
		if err == nil {
			err = tx.QueryRowContext(ctx, s.q("SELECT host FROM sites WHERE id = ?"), siteID).Scan(&host)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		p := WebhookPayload{Event: WebhookPing, OccurredAt: s.now().UTC().Truncate(time.Millisecond), Site: WebhookSite{siteID, host}}
		delivery, err = s.insertDelivery(ctx, tx, w, &p)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("store: queue webhook ping: %w", err)
	}
	return delivery, err
}

// QueuedDelivery is a claimed delivery: what to send, where, and what the
// worker needs to record its outcome.
type QueuedDelivery struct {
	ID, WebhookID, SiteID int64
	Event                 string
	Payload               []byte
	URL                   string
	Secret                string // "" when the sealed secret does not open
	Attempt               int    // this attempt's number, from 1; fences the outcome
}

// ClaimDueDeliveries takes up to limit (at most MaxWebhookClaim) pending
// deliveries due at now, oldest due first, for one attempt each, as
// ClaimDueMail does with mail: the attempt is counted and the delivery is
// due again only after lease, which must outlast every send of the claim.
func (s *Store) ClaimDueDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]QueuedDelivery, error) {
	limit = min(max(limit, 1), MaxWebhookClaim)
	// The worker is woken by every new comment, most of them on sites
	// without webhooks: a read finds that nothing is due without taking
	// the writer (SQLite's only one, which comments' commits wait for).
	var due int
	if err := s.queryRowPrepared(ctx, dueDeliverySQL, millis(now)).Scan(&due); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	rows, err := s.write.QueryContext(ctx, s.q(`WITH due AS MATERIALIZED (
			SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?`+s.dialect.skipLocked+`)
		UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?
		WHERE id IN (SELECT id FROM due) AND status = 'pending' AND next_attempt_at <= ?
		RETURNING id, webhook_id, site_id, event, payload, attempts`), millis(now), limit, millis(now.Add(lease)), millis(now))
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	var out []QueuedDelivery
	for rows.Next() {
		var d QueuedDelivery
		var payload string
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.SiteID, &d.Event, &payload, &d.Attempt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		d.Payload = []byte(payload)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	for i := range out {
		if err := s.deliveryTarget(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deliveryTarget fills d's URL and secret from its webhook.
func (s *Store) deliveryTarget(ctx context.Context, d *QueuedDelivery) error {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT url, secret_sealed FROM webhooks WHERE id = ?"), d.WebhookID).Scan(&d.URL, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted since: its deliveries went with it
	}
	if err != nil {
		return fmt.Errorf("store: claim deliveries: %w", err)
	}
	d.Secret, _ = s.sealer.Open(sealed)
	return nil
}

// DeliveryOutcome is what one attempt at a delivery came to.
type DeliveryOutcome struct {
	Status     string    // DeliveryDelivered, DeliveryPending (retried at RetryAt) or DeliveryDead
	At         time.Time // when the attempt was made
	HTTPStatus int       // the endpoint's answer; 0 when none came
	Error      string    // a summary, cut to MaxMailErrorLen
	RetryAt    time.Time // DeliveryPending only
}

// FinishDelivery records the outcome of attempt of delivery id, if that
// attempt still holds it (else ErrLostClaim). A delivered one's payload is
// cleared; a finished one may push the oldest finished delivery of its
// webhook out of the log (WebhookLogRows).
func (s *Store) FinishDelivery(ctx context.Context, id int64, attempt int, o DeliveryOutcome) error {
	set, args := "next_attempt_at = ?", []any{millis(o.RetryAt)}
	switch o.Status {
	case DeliveryDelivered:
		set, args = "status = 'delivered', payload = ''", nil
	case DeliveryDead:
		set, args = "status = 'dead'", nil
	}
	args = append(args, o.HTTPStatus, truncateError(o.Error), millis(o.At), id, attempt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var webhookID int64
		err := tx.QueryRowContext(ctx, s.q("UPDATE webhook_deliveries SET "+set+`, last_status = ?, last_error = ?, last_attempt_at = ?
			WHERE id = ? AND attempts = ? AND status = 'pending' RETURNING webhook_id`), args...).Scan(&webhookID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w (delivery %d, attempt %d)", ErrLostClaim, id, attempt)
		}
		if err != nil || o.Status == DeliveryPending {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status <> 'pending' AND id <
			(SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status <> 'pending' ORDER BY id DESC LIMIT 1 OFFSET ?)`),
			webhookID, webhookID, WebhookLogRows-1)
		return err
	})
}

// ReleaseDelivery gives back a claimed delivery whose attempt was never
// made (the worker is stopping): the attempt is not counted.
func (s *Store) ReleaseDelivery(ctx context.Context, id int64, attempt int, now time.Time) error {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = ?
		WHERE id = ? AND attempts = ? AND status = 'pending'`), millis(now), id, attempt)
	if err != nil {
		return fmt.Errorf("store: release delivery: %w", err)
	}
	return mustAffect(res)
}

// WebhookDelivery is one row of a webhook's delivery log.
type WebhookDelivery struct {
	ID            int64
	Event         string
	Status        string // DeliveryPending, DeliveryDelivered or DeliveryDead
	Attempts      int
	HTTPStatus    int // of the last attempt; 0 when none came
	LastError     string
	LastAttemptAt *time.Time
	NextAttemptAt time.Time // DeliveryPending: the next attempt, or the end of the one being made
	CreatedAt     time.Time
}

// WebhookDeliveries is the delivery log of webhook id of a site: its
// pending deliveries and its last WebhookLogRows finished ones, newest
// first.
func (s *Store) WebhookDeliveries(ctx context.Context, siteID, id int64) ([]WebhookDelivery, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, event, status, attempts, last_status, last_error, last_attempt_at,
		next_attempt_at, created_at FROM webhook_deliveries WHERE webhook_id = ? AND site_id = ? ORDER BY id DESC`), id, siteID)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var last sql.NullInt64
		var next, created int64
		if err := rows.Scan(&d.ID, &d.Event, &d.Status, &d.Attempts, &d.HTTPStatus, &d.LastError, &last, &next, &created); err != nil {
			return nil, fmt.Errorf("store: webhook deliveries: %w", err)
		}
		d.LastAttemptAt, d.NextAttemptAt, d.CreatedAt = nullMillis(last), fromMillis(next), fromMillis(created)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ResendDelivery makes dead delivery id of webhook hookID of a site
// pending again, due at now, with its attempts counted anew; ErrNotFound
// when there is no such dead delivery.
func (s *Store) ResendDelivery(ctx context.Context, siteID, hookID, id int64, now time.Time) error {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?
		WHERE id = ? AND webhook_id = ? AND site_id = ? AND status = 'dead'`), millis(now), id, hookID, siteID)
	if err != nil {
		return fmt.Errorf("store: resend delivery: %w", err)
	}
	return mustAffect(res)
}

// PurgeDeliveries deletes the finished deliveries created before cutoff
// and returns how many; pending ones stay whatever their age.
func (s *Store) PurgeDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge deliveries: %w", err)
	}
	return res.RowsAffected()
}

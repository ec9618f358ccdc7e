package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Bounds of a broadcast mail, in bytes.
const (
	MaxBroadcastSubject = 200
	MaxBroadcastBody    = 20_000
)

// Broadcast is a mail the operator sent to every owner.
type Broadcast struct {
	ID         int64
	Subject    string
	Body       string
	CreatedAt  time.Time
	Recipients int
}

// BroadcastMail is one owner's copy of a broadcast.
type BroadcastMail struct {
	UserID int64
	Mail   model.Mail
}

// CreateBroadcast records b and queues each owner's mail, with a row per
// recipient naming their outbox mail, in one transaction: either every
// owner's mail is queued or none is. b.ID and b.CreatedAt are filled in.
// Sending the same words again is a new broadcast with its own recipients.
func (s *Store) CreateBroadcast(ctx context.Context, b *Broadcast, mails []BroadcastMail) error {
	b.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO broadcasts (subject, body, created_at) VALUES (?, ?, ?) RETURNING id`),
			b.Subject, b.Body, millis(b.CreatedAt)).Scan(&b.ID)
		if err != nil {
			return err
		}
		for _, m := range mails {
			id, err := s.enqueueMail(ctx, tx, m.Mail)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO broadcast_recipients (broadcast_id, user_id, outbox_id) VALUES (?, ?, ?)`),
				b.ID, m.UserID, id); err != nil {
				return err
			}
		}
		b.Recipients = len(mails)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create broadcast: %w", err)
	}
	return nil
}

const broadcastColumns = `b.id, b.subject, b.body, b.created_at,
	(SELECT COUNT(*) FROM broadcast_recipients r WHERE r.broadcast_id = b.id)`

func scanBroadcast(row rowScanner) (Broadcast, error) {
	var b Broadcast
	var created int64
	err := row.Scan(&b.ID, &b.Subject, &b.Body, &created, &b.Recipients)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	b.CreatedAt = fromMillis(created)
	return b, err
}

// Broadcasts lists the broadcasts, newest first, at most OperatorPageSize,
// each with its number of recipients.
func (s *Store) Broadcasts(ctx context.Context) ([]Broadcast, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+broadcastColumns+` FROM broadcasts b ORDER BY b.id DESC LIMIT ?`), OperatorPageSize)
	if err != nil {
		return nil, fmt.Errorf("store: broadcasts: %w", err)
	}
	defer rows.Close()
	var out []Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, fmt.Errorf("store: broadcasts: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BroadcastByID returns one broadcast, or ErrNotFound.
func (s *Store) BroadcastByID(ctx context.Context, id int64) (Broadcast, error) {
	b, err := scanBroadcast(s.read.QueryRowContext(ctx, s.q(`SELECT `+broadcastColumns+` FROM broadcasts b WHERE b.id = ?`), id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return b, fmt.Errorf("store: broadcast: %w", err)
	}
	return b, err
}

// BroadcastRecipient is an account a broadcast was queued to, and what
// became of its mail: MailPending, MailSent or MailDead; MailSent too when
// the outbox no longer holds it (sent mail is purged in time).
type BroadcastRecipient struct {
	User   *model.User
	Status string
}

// BroadcastRecipients lists the recipients of broadcast id, oldest account
// first. Erased accounts are no longer listed.
func (s *Store) BroadcastRecipients(ctx context.Context, id int64) ([]BroadcastRecipient, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+userColumns+`, COALESCE(o.status, '`+MailSent+`')
		FROM broadcast_recipients r JOIN users u ON u.id = r.user_id LEFT JOIN outbox o ON o.id = r.outbox_id
		WHERE r.broadcast_id = ? ORDER BY u.id`), id)
	if err != nil {
		return nil, fmt.Errorf("store: broadcast recipients: %w", err)
	}
	defer rows.Close()
	var out []BroadcastRecipient
	for rows.Next() {
		var r BroadcastRecipient
		if r.User, err = s.scanUser(rows, &r.Status); err != nil {
			return nil, fmt.Errorf("store: broadcast recipients: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

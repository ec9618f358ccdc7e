package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Bounds of a contact form message.
const (
	MaxContactName    = 100   // characters
	MaxContactMessage = 5_000 // characters
)

// DefaultContactRetention is how long contact messages (and the sealed
// email in each) are kept before PurgeContactMessages deletes them
// (PARLEY_CONTACT_RETENTION).
const DefaultContactRetention = 90 * 24 * time.Hour

// ContactMessage is a message of the public contact form.
type ContactMessage struct {
	ID        int64
	Name      string
	Email     string // sealed at rest
	Message   string
	HandledAt *time.Time
	CreatedAt time.Time
}

// CreateContactMessage stores m and queues mails (one to each operator) in
// the same transaction. m.ID and m.CreatedAt are filled in.
func (s *Store) CreateContactMessage(ctx context.Context, m *ContactMessage, mails []model.Mail) error {
	m.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO contact_messages (name, email_sealed, email_index, message, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), m.Name, s.sealer.Seal(m.Email), s.sealer.EmailIndex(m.Email), m.Message, millis(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return err
		}
		for _, mail := range mails {
			if _, err := s.enqueueMail(ctx, tx, mail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create contact message: %w", err)
	}
	return nil
}

// ContactMessages lists the messages, unhandled first, then newest first,
// at most OperatorPageSize.
func (s *Store) ContactMessages(ctx context.Context) ([]ContactMessage, error) {
	return s.contactMessages(ctx, "", "ORDER BY handled_at IS NOT NULL, id DESC LIMIT ?", OperatorPageSize)
}

// contactMessages reads the messages matching where, in order.
func (s *Store) contactMessages(ctx context.Context, where, order string, args ...any) ([]ContactMessage, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, name, email_sealed, message, handled_at, created_at FROM contact_messages `+
		where+" "+order), args...)
	if err != nil {
		return nil, fmt.Errorf("store: contact messages: %w", err)
	}
	defer rows.Close()
	out := []ContactMessage{}
	for rows.Next() {
		var m ContactMessage
		var sealed []byte
		var handled sql.NullInt64
		var created int64
		if err := rows.Scan(&m.ID, &m.Name, &sealed, &m.Message, &handled, &created); err != nil {
			return nil, fmt.Errorf("store: contact messages: %w", err)
		}
		if m.Email, err = s.sealer.Open(sealed); err != nil {
			return nil, fmt.Errorf("store: contact messages: %w", err)
		}
		m.HandledAt, m.CreatedAt = nullMillis(handled), fromMillis(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkContactHandled marks a message handled at at. ErrNotFound when there
// is no such message.
func (s *Store) MarkContactHandled(ctx context.Context, id int64, at time.Time) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE contact_messages SET handled_at = ? WHERE id = ?"), millis(at), id)
	if err != nil {
		return fmt.Errorf("store: mark contact handled: %w", err)
	}
	return mustAffect(res)
}

// DeleteContactMessage deletes a message with the email in it. ErrNotFound
// when there is no such message.
func (s *Store) DeleteContactMessage(ctx context.Context, id int64) error {
	var res sql.Result
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, s.q("DELETE FROM contact_messages WHERE id = ?"), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete contact message: %w", err)
	}
	return mustAffect(res)
}

// PurgeContactMessages deletes the messages received before cutoff, with
// the sender's email, and reports how many.
func (s *Store) PurgeContactMessages(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM contact_messages WHERE created_at < ?"), millis(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge contact messages: %w", err)
	}
	return n, nil
}

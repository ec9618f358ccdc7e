package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Bounds of one mail in the outbox. A template that renders past them is a
// bug, and enqueueing refuses it rather than store or send it.
const (
	MaxMailKindLen      = 32        // ASCII a-z, 0-9, '-' and '_'
	MaxMailAddressLen   = 254       // RFC 5321's longest forward path, less the brackets
	MaxMailSubjectBytes = 255       // one line
	MaxMailBodyBytes    = 128 << 10 // each of the text and HTML parts
	MaxMailClaim        = 100       // mails one claim may take
	MaxMailErrorLen     = 200       // bytes of last_error kept
)

// The states of a mail in the outbox (OutboxEntry.Status).
const (
	MailPending = "pending" // waiting for its next attempt, or being sent
	MailSent    = "sent"    // accepted by the SMTP server; personal data cleared
	MailDead    = "dead"    // given up; content kept for inspection until purged
)

// ErrInvalidMail is returned by EnqueueMail for a mail past the bounds above
// or without a valid kind, recipient or parts.
var ErrInvalidMail = errors.New("store: invalid mail")

// ErrLostClaim is returned when a worker records the outcome of a mail it no
// longer holds: its lease ran out and another claim took the mail.
var ErrLostClaim = errors.New("store: mail claim lost")

// QueuedMail is a claimed mail: the message and what the worker needs to
// record its outcome.
type QueuedMail struct {
	model.Mail
	ID        int64
	Attempt   int  // this attempt's number, from 1; fences the outcome
	Opened    bool // every sealed part opened; when false the fields are empty
	CreatedAt time.Time
}

// OutboxEntry is what the outbox tells about one mail, without its content.
type OutboxEntry struct {
	ID            int64
	Kind          string
	SiteID        int64
	Status        string // pending, sent or dead
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// validMail checks m against the outbox's bounds.
func validMail(m model.Mail) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMail}, args...)...)
	}
	if m.Kind == "" || len(m.Kind) > MaxMailKindLen || strings.Trim(m.Kind, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return bad("kind %q: want 1 to %d of a-z, 0-9, '-' and '_'", m.Kind, MaxMailKindLen)
	}
	if a, err := mail.ParseAddress(m.To); err != nil || a.Address != m.To || len(m.To) > MaxMailAddressLen {
		return bad("recipient: want one bare address of at most %d bytes", MaxMailAddressLen)
	}
	if m.Subject == "" || len(m.Subject) > MaxMailSubjectBytes || strings.ContainsAny(m.Subject, "\r\n") {
		return bad("subject: want one line of 1 to %d bytes", MaxMailSubjectBytes)
	}
	if m.Unsubscribe != "" && (!strings.HasPrefix(m.Unsubscribe, "https://") && !strings.HasPrefix(m.Unsubscribe, "http://") ||
		len(m.Unsubscribe) > MaxMailAddressLen*4 || strings.ContainsAny(m.Unsubscribe, "\r\n <>")) {
		return bad("unsubscribe: want one http(s) link")
	}
	if m.Text == "" || m.HTML == "" || len(m.Text) > MaxMailBodyBytes || len(m.HTML) > MaxMailBodyBytes {
		return bad("body: want text and HTML parts of 1 to %d bytes each", MaxMailBodyBytes)
	}
	return nil
}

// EnqueueMail writes m to the outbox, due at once, and returns its id. To
// send a mail only if a change commits, a store method making that change
// calls enqueueMail in its own transaction instead.
func (s *Store) EnqueueMail(ctx context.Context, m model.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.enqueueMail(ctx, tx, m)
		return err
	})
	return id, err
}

// enqueueMail writes m to the outbox inside tx: the mail exists exactly
// when the transaction commits. The address and content are sealed.
func (s *Store) enqueueMail(ctx context.Context, tx *sql.Tx, m model.Mail) (int64, error) {
	if err := validMail(m); err != nil {
		return 0, err
	}
	now := millis(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO outbox (kind, site_id, recipient_sealed, recipient_index,
		subject_sealed, text_sealed, html_sealed, unsubscribe_sealed, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		m.Kind, nullID(m.SiteID), s.sealer.Seal(m.To), s.sealer.EmailIndex(m.To),
		s.sealer.Seal(m.Subject), s.sealer.Seal(m.Text), s.sealer.Seal(m.HTML), s.sealOptional(m.Unsubscribe), now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: enqueue mail: %w", err)
	}
	return id, nil
}

// ClaimDueMail takes up to limit (at most MaxMailClaim) pending mails due
// at now, oldest due first, for one delivery attempt each: it counts the
// attempt and makes the mail due again only after lease, so that a worker
// that dies mid-send leaves it to another one later. The lease must outlast
// the sending of every mail claimed. Servers sharing one PostgreSQL
// database claim disjoint mails.
func (s *Store) ClaimDueMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]QueuedMail, error) {
	limit = min(max(limit, 1), MaxMailClaim)
	// The CTE is materialized: as a plain IN (subquery), PostgreSQL may run
	// the subquery more than once and claim more than limit rows.
	rows, err := s.write.QueryContext(ctx, s.q(`WITH due AS MATERIALIZED (
			SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?`+s.dialect.skipLocked+`)
		UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
		WHERE id IN (SELECT id FROM due) AND status = 'pending' AND next_attempt_at <= ?
		RETURNING id, kind, COALESCE(site_id, 0), recipient_sealed, subject_sealed, text_sealed, html_sealed,
			unsubscribe_sealed, attempts, created_at`), millis(now), limit, millis(now.Add(lease)), millis(now))
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	defer rows.Close()
	var out []QueuedMail
	for rows.Next() {
		var q QueuedMail
		var to, subject, text, html, unsubscribe []byte
		var created int64
		if err := rows.Scan(&q.ID, &q.Kind, &q.SiteID, &to, &subject, &text, &html, &unsubscribe, &q.Attempt, &created); err != nil {
			return nil, fmt.Errorf("store: claim mail: %w", err)
		}
		q.CreatedAt = fromMillis(created)
		q.Opened = s.openMail(&q.Mail, to, subject, text, html, unsubscribe)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// openMail opens the sealed parts into m and reports whether all opened.
func (s *Store) openMail(m *model.Mail, to, subject, text, html, unsubscribe []byte) bool {
	var err error
	fields := []struct {
		dst    *string
		sealed []byte
	}{{&m.To, to}, {&m.Subject, subject}, {&m.Text, text}, {&m.HTML, html}}
	if unsubscribe != nil {
		fields = append(fields, struct {
			dst    *string
			sealed []byte
		}{&m.Unsubscribe, unsubscribe})
	}
	for _, f := range fields {
		if *f.dst, err = s.sealer.Open(f.sealed); err != nil {
			*m = model.Mail{Kind: m.Kind, SiteID: m.SiteID}
			return false
		}
	}
	return true
}

// MarkMailSent records that attempt of mail id was accepted by the SMTP
// server at sentAt. The mail's address and content are cleared: a sent mail
// keeps no personal data. ErrLostClaim: the attempt no longer holds the mail.
func (s *Store) MarkMailSent(ctx context.Context, id int64, attempt int, sentAt time.Time) error {
	return s.finishAttempt(ctx, "mark mail sent", `status = 'sent', sent_at = ?, last_error = '',
		recipient_sealed = NULL, recipient_index = NULL, subject_sealed = NULL, text_sealed = NULL, html_sealed = NULL,
		unsubscribe_sealed = NULL`,
		id, attempt, millis(sentAt))
}

// MarkMailFailed records that attempt of mail id failed with errMsg (a
// summary without personal data, cut to MaxMailErrorLen) and makes the mail
// due again at retryAt. ErrLostClaim: the attempt no longer holds the mail.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, attempt int, retryAt time.Time, errMsg string) error {
	return s.finishAttempt(ctx, "mark mail failed", "next_attempt_at = ?, last_error = ?",
		id, attempt, millis(retryAt), truncateError(errMsg))
}

// MarkMailDead records that attempt of mail id failed with errMsg and that
// no other attempt will be made. The mail keeps its content until purged, so
// an operator can see what was not delivered. ErrLostClaim as above.
func (s *Store) MarkMailDead(ctx context.Context, id int64, attempt int, errMsg string) error {
	return s.finishAttempt(ctx, "mark mail dead", "status = 'dead', last_error = ?", id, attempt, truncateError(errMsg))
}

// ReleaseMail gives back a claimed mail whose attempt was never made (the
// worker is stopping): the attempt is not counted and the mail is due at now.
func (s *Store) ReleaseMail(ctx context.Context, id int64, attempt int, now time.Time) error {
	return s.finishAttempt(ctx, "release mail", "attempts = attempts - 1, next_attempt_at = ?", id, attempt, millis(now))
}

// finishAttempt applies set to mail id if attempt still holds it.
func (s *Store) finishAttempt(ctx context.Context, what, set string, id int64, attempt int, args ...any) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE outbox SET "+set+" WHERE id = ? AND attempts = ? AND status = 'pending'"),
		append(args, id, attempt)...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%w (mail %d, attempt %d)", ErrLostClaim, id, attempt)
	}
	return nil
}

// sealOptional seals v, or gives NULL for an empty v.
func (s *Store) sealOptional(v string) any {
	if v == "" {
		return nil
	}
	return s.sealer.Seal(v)
}

func truncateError(msg string) string {
	if len(msg) <= MaxMailErrorLen {
		return msg
	}
	return strings.ToValidUTF8(msg[:MaxMailErrorLen], "")
}

// PendingMailCount is the number of mails not yet sent nor dead.
func (s *Store) PendingMailCount(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count pending mail: %w", err)
	}
	return n, nil
}

const outboxEntryColumns = `id, kind, COALESCE(site_id, 0), status, attempts, next_attempt_at,
	last_error, created_at, sent_at`

func scanOutboxEntry(row rowScanner) (OutboxEntry, error) {
	var e OutboxEntry
	var next, created int64
	var sent sql.NullInt64
	if err := row.Scan(&e.ID, &e.Kind, &e.SiteID, &e.Status, &e.Attempts, &next, &e.LastError, &created, &sent); err != nil {
		return e, err
	}
	e.NextAttemptAt, e.CreatedAt, e.SentAt = fromMillis(next), fromMillis(created), nullMillis(sent)
	return e, nil
}

// OutboxEntry returns what the outbox records about mail id, or ErrNotFound.
func (s *Store) OutboxEntry(ctx context.Context, id int64) (OutboxEntry, error) {
	e, err := scanOutboxEntry(s.read.QueryRowContext(ctx, s.q("SELECT "+outboxEntryColumns+" FROM outbox WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: read outbox entry: %w", err)
	}
	return e, nil
}

// DeadMail lists one page (OperatorPageSize) of the mails the worker gave
// up on, newest first, from offset: what the outbox tells about each,
// never its recipient or content. They stay until PurgeMail.
func (s *Store) DeadMail(ctx context.Context, offset int) ([]OutboxEntry, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+outboxEntryColumns+" FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ? OFFSET ?"),
		MailDead, OperatorPageSize, offset)
	if err != nil {
		return nil, fmt.Errorf("store: dead mail: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		e, err := scanOutboxEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("store: dead mail: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PurgeMail deletes sent and dead mails created before cutoff and returns
// how many it deleted. Pending mails stay whatever their age.
func (s *Store) PurgeMail(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.deleteMail(ctx, "purge mail", "status <> 'pending' AND created_at < ?", millis(cutoff))
}

// DeleteMailTo deletes every mail still holding the address email (pending
// or dead; sent mails hold none), for erasing a person's data, and returns
// how many it deleted.
func (s *Store) DeleteMailTo(ctx context.Context, email string) (int64, error) {
	index := s.sealer.EmailIndex(email)
	if index == nil {
		return 0, nil
	}
	return s.deleteMail(ctx, "delete mail to an address", "recipient_index = ?", index)
}

// deleteMail deletes the mails matching where, erasing their bytes.
func (s *Store) deleteMail(ctx context.Context, what, where string, args ...any) (int64, error) {
	var n int64
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM outbox WHERE "+where), args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", what, err)
	}
	return n, nil
}

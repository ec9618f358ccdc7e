package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sealedColumn is a column whose values the Sealer seals, and the primary
// key its rows are walked by.
type sealedColumn struct{ table, key, column string }

// SealedColumns lists every column holding sealed values: a key rotation
// re-seals each of them, and a test fails when the schema gains a sealed
// column this list lacks. secret_key_check.verifier is re-sealed apart, last
// (see FinishReseal).
var sealedColumns = []sealedColumn{
	{"users", "id", "email_sealed"},
	{"users", "id", "signup_ip_sealed"},
	{"comments", "id", "guest_email_sealed"},
	{"comments", "id", "ip_sealed"},
	{"comments", "id", "ua_sealed"},
	{"outbox", "id", "recipient_sealed"},
	{"outbox", "id", "subject_sealed"},
	{"outbox", "id", "text_sealed"},
	{"outbox", "id", "html_sealed"},
	{"outbox", "id", "unsubscribe_sealed"},
	{"login_states", "state_hash", "nonce_sealed"},
	{"login_states", "state_hash", "verifier_sealed"},
	{"account_tokens", "id", "new_email_sealed"},
	{"site_sso", "site_id", "secret_sealed"},
	{"invitations", "id", "email_sealed"},
	{"sites", "id", "akismet_key_sealed"},
	{"site_invitations", "id", "email_sealed"},
	{"ip_blocks", "id", "cidr_sealed"},
	{"contact_messages", "id", "email_sealed"},
	{"webhooks", "id", "secret_sealed"},
}

// ResealBatchSize is how many rows a re-sealing pass reads and rewrites at
// once: small enough that the server's writers wait at most one short
// transaction on SQLite's single writer.
const ResealBatchSize = 200

// ResealPass re-seals with the Sealer's newest key every sealed value that
// another key sealed, batch by batch (ResealBatchSize rows a statement), and
// returns how many values it rewrote. Each value is replaced only if it has
// not changed since it was read, so a concurrent writer always wins and a
// pass may be run again at any time: it is how an interrupted rotation
// resumes. progress, when not nil, is told of every batch rewritten.
func (s *Store) ResealPass(ctx context.Context, progress func(table, column string, n int)) (int64, error) {
	var total int64
	for _, c := range sealedColumns {
		n, err := s.resealColumn(ctx, c, progress)
		total += n
		if err != nil {
			return total, fmt.Errorf("store: reseal %s.%s: %w", c.table, c.column, err)
		}
	}
	if total > 0 {
		s.checkpointErased(ctx) // the values sealed with the old key leave the WAL
	}
	return total, nil
}

func (s *Store) resealColumn(ctx context.Context, c sealedColumn, progress func(table, column string, n int)) (int64, error) {
	var total int64
	var after any = int64(-1 << 62)
	if c.key == "state_hash" {
		after = []byte{}
	}
	for {
		rows, err := s.read.QueryContext(ctx, s.q(fmt.Sprintf(`SELECT %[1]s, %[2]s FROM %[3]s WHERE %[1]s > ? AND %[2]s IS NOT NULL ORDER BY %[1]s LIMIT %[4]d`,
			c.key, c.column, c.table, ResealBatchSize)), after)
		if err != nil {
			return total, err
		}
		type row struct {
			key    any
			sealed []byte
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.key, &r.sealed); err != nil {
				rows.Close()
				return total, err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		n := 0
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, r := range batch {
				if s.sealer.Current(r.sealed) {
					continue
				}
				fresh, err := s.sealer.Reseal(r.sealed)
				if err != nil {
					return fmt.Errorf("a value does not open with any key of the keyring: %w", err)
				}
				res, err := tx.ExecContext(ctx, s.q(fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?`, c.table, c.column, c.key, c.column)),
					fresh, r.key, r.sealed)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k > 0 {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += int64(n)
		if n > 0 && progress != nil {
			progress(c.table, c.column, n)
		}
		after = batch[len(batch)-1].key
	}
}

// ErrStaleValues is returned by FinishReseal when values sealed with an
// older key remain: a server still sealed with it after the last pass.
var ErrStaleValues = errors.New("store: values sealed with an older key remain")

// FinishReseal ends a rotation in the database: after a pass that found
// nothing left to re-seal, it seals the key check's verifier with the
// newest key and records that key's id, so that from then on only a
// keyring holding the newest key passes CheckKey.
func (s *Store) FinishReseal(ctx context.Context) error {
	n, err := s.ResealPass(ctx, nil)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrStaleValues
	}
	_, verifier, err := s.storedKeyCheck(ctx)
	if errors.Is(err, ErrNotFound) {
		return s.CheckKey(ctx)
	}
	if err != nil {
		return err
	}
	if !s.sealer.KeyVerifies(verifier) {
		return &KeyMismatchError{KeyID: s.sealer.KeyID()}
	}
	if _, err := s.write.ExecContext(ctx, s.q(`UPDATE secret_key_check SET key_id = ?, verifier = ? WHERE id = 1`),
		s.sealer.KeyID(), s.sealer.NewKeyVerifier()); err != nil {
		return fmt.Errorf("store: record the new key check: %w", err)
	}
	return nil
}

// SealedColumns returns every sealed column as "table.column", for the
// test that the list covers the schema.
func SealedColumns() []string {
	out := make([]string, len(sealedColumns))
	for i, c := range sealedColumns {
		out[i] = c.table + "." + c.column
	}
	return out
}

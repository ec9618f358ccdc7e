package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// importCopyColumns are importColumns with the id first, for COPY: the ids
// are reserved before the rows are sent.
var importCopyColumns = []string{"id", "site_id", "page_id", "parent_id", "root_id", "author_id",
	"guest_name", "guest_email_sealed", "guest_email_index", "guest_website", "text", "html", "status", "created_at",
	"edited_at", "deleted_at", "score", "upvotes", "downvotes", "sticky", "ip_sealed", "ua_sealed", "edit_token_hash",
	"import_source", "import_id"}

// importSavepoint names the savepoint a COPY rolls back to when a key of
// the batch is already stored.
const importSavepoint = "parley_import_copy"

// importTx runs fn in a transaction on one connection of the write pool,
// and gives fn that connection too, so that on PostgreSQL it can COPY
// through pgx within the transaction.
func (s *Store) importTx(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn, tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// importCopy inserts a batch on PostgreSQL with one COPY (binary, through
// pgx): the cheapest way in, both for the server, which parses no
// statement and plans nothing, and for the client, which sends no text.
// COPY cannot return the ids it assigns nor skip a row whose key is
// already stored, so the ids are reserved first from the comments'
// sequence (ids stay unique and are never reused: a reserved id a rolled
// back batch did not use is simply skipped), and a batch with a key
// already stored (imported since the engine looked, by an import running
// at the same time, or twice in the batch) rolls back to a savepoint and
// goes in with importLevels' INSERT … ON CONFLICT DO NOTHING instead.
func (s *Store) importCopy(ctx context.Context, conn *sql.Conn, tx *sql.Tx, batch []ImportComment) error {
	if err := s.importPlaceIDs(ctx, tx, batch); err != nil {
		return err
	}
	// The foreign key checks of the rows find each row's page with a plan
	// PostgreSQL makes once per connection (and again when statistics
	// change) and keeps: made while the site has a few hundred pages, it
	// reads them all for every comment (36,000 scans, of 6.6 million rows
	// in all, in an import of 100,000 comments on 1,000 pages). The
	// primary key is never a bad way to find one page.
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+importSavepoint); err != nil {
		return err
	}
	err := conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("import copy: driver connection is %T, not pgx", dc)
		}
		row := make([]any, 0, len(importCopyColumns)) // pgx encodes a row before asking for the next
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"comments"}, importCopyColumns,
			pgx.CopyFromSlice(len(batch), func(i int) ([]any, error) {
				row = s.importArgs(append(row[:0], batch[i].ID), &batch[i])
				return row, nil
			}))
		return err
	})
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+importSavepoint); err != nil {
			return err
		}
		for i := range batch {
			batch[i].ID = 0
		}
		return s.importLevels(ctx, tx, batch)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "RELEASE SAVEPOINT "+importSavepoint)
	return err
}

// importPlaceIDs gives the items of a batch their ids, unless the caller
// reserved them already (ImportReserveIDs: every item has one), and sets
// the parent, root and page of replies to earlier items.
func (s *Store) importPlaceIDs(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
	preset := 0
	for i := range batch {
		if batch[i].ID != 0 {
			preset++
		}
	}
	switch preset {
	case len(batch):
	case 0:
		ids, err := reserveIDs(ctx, tx, len(batch))
		if err != nil {
			return err
		}
		for i := range batch {
			batch[i].ID = ids[i]
		}
	default:
		return fmt.Errorf("import copy: %d of %d comments have ids", preset, len(batch))
	}
	for i := range batch {
		if err := inBatchParent(batch, i); err != nil {
			return err
		}
	}
	return nil
}

// Retryable reports whether err is PostgreSQL's abort of a transaction
// that took locks in a cycle with another (a deadlock) or could not be
// serialized with it: written again once the other has gone, it goes
// through.
func Retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// ImportReservesIDs reports whether ImportReserveIDs gives ids here: on
// PostgreSQL, not on SQLite, where ids are given only by the insert.
func (s *Store) ImportReservesIDs() bool { return s.dialect.copyImport }

// ImportReserveIDs takes n ids from the comments' sequence for a batch
// that ImportBatch is to write later. An importer that knows the ids of a
// batch before it is written can prepare the next batch, whose replies
// name them, while this one is written. The ids ascend, so that a parent,
// always earlier in a batch, gets a smaller id than its replies, as with
// INSERT; an id reserved and not used is skipped, never given again.
func (s *Store) ImportReserveIDs(ctx context.Context, n int) ([]int64, error) {
	if !s.dialect.copyImport {
		return nil, errors.New("store: reserve import ids: not possible on " + s.dialect.name)
	}
	ids, err := reserveIDs(ctx, s.write, n)
	if err != nil {
		return nil, fmt.Errorf("store: reserve import ids: %w", err)
	}
	return ids, nil
}

// reserveIDs takes n ids from the comments' sequence in one query, in
// ascending order.
func reserveIDs(ctx context.Context, q importQuerier, n int) ([]int64, error) {
	// The sequence is named as a constant, which PostgreSQL resolves once:
	// pg_get_serial_sequence would look it up again for every id.
	rows, err := q.QueryContext(ctx, `SELECT nextval('comments_id_seq') FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(ids) != n {
		return nil, fmt.Errorf("import copy: %d ids reserved for %d comments", len(ids), n)
	}
	slices.Sort(ids)
	return ids, nil
}

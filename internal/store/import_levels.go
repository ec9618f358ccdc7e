package store

import (
	"context"
	"database/sql"
	"strings"
)

// valueRows returns n rows of a multi-row VALUES list with columns
// placeholders each: "(?, ?), (?, ?)".
func valueRows(n, columns int) string {
	return strings.TrimSuffix(strings.Repeat("("+placeholders(columns)+"), ", n), ", ")
}

// importLevels inserts a batch with one multi-row INSERT … RETURNING per
// level of its threads (roots and replies to stored comments first, then
// replies to those, …), at most importRowsPerInsert rows each, skipping
// keys already stored: PostgreSQL's way when importCopy's COPY meets a key
// that is. A reply needs its parent's id, hence the levels; an item
// without an import key cannot be matched to the row RETURNING gives
// back, and is inserted alone.
func (s *Store) importLevels(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
	level := make([]int, len(batch))
	var levels [][]int
	for i := range batch {
		if p := batch[i].ParentIndex; p >= 0 && p < i {
			level[i] = level[p] + 1
		}
		if level[i] == len(levels) {
			levels = append(levels, nil)
		}
		levels[level[i]] = append(levels[level[i]], i)
	}
	for _, items := range levels {
		for start := 0; start < len(items); start += importRowsPerInsert {
			if err := s.importChunk(ctx, tx, batch, items[start:min(start+importRowsPerInsert, len(items))]); err != nil {
				return err
			}
		}
	}
	return nil
}

// importChunk inserts the items of one level in one statement and marks
// those already stored as Existed, with their stored ids.
func (s *Store) importChunk(ctx context.Context, tx *sql.Tx, batch []ImportComment, items []int) error {
	var keyed []int
	for _, i := range items {
		if err := inBatchParent(batch, i); err != nil {
			return err
		}
		if batch[i].Key.ID == "" {
			if err := s.importRows(ctx, tx, batch[i:i+1]); err != nil {
				return err
			}
			continue
		}
		keyed = append(keyed, i)
	}
	if len(keyed) == 0 {
		return nil
	}
	args := make([]any, 0, len(keyed)*importColumnCount)
	for _, i := range keyed {
		args = s.importArgs(args, &batch[i])
	}
	rows, err := tx.QueryContext(ctx, s.q("INSERT INTO comments ("+importColumns+") VALUES "+
		valueRows(len(keyed), importColumnCount)+importConflict+" RETURNING id, import_source, import_id"), args...)
	if err != nil {
		return err
	}
	ids := make(map[ImportKey]int64, len(keyed))
	for rows.Next() {
		var id int64
		var k ImportKey
		if err := rows.Scan(&id, &k.Source, &k.ID); err != nil {
			rows.Close()
			return err
		}
		ids[k] = id
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var existed []int
	for _, i := range keyed {
		c := &batch[i]
		if id, ok := ids[c.Key]; ok {
			c.ID = id
			delete(ids, c.Key) // the same key again in this chunk was stored once
			continue
		}
		existed = append(existed, i)
	}
	return s.importExisted(ctx, tx, batch, existed)
}

// importExisted gives the items whose key was stored already (before, or
// earlier in the same statement) the stored comment's id, root and page.
func (s *Store) importExisted(ctx context.Context, tx *sql.Tx, batch []ImportComment, items []int) error {
	if len(items) == 0 {
		return nil
	}
	keys := make([]ImportKey, 0, len(items))
	for _, i := range items {
		keys = append(keys, batch[i].Key)
	}
	stored, err := s.importLookup(ctx, tx, batch[items[0]].SiteID, keys)
	if err != nil {
		return err
	}
	for _, i := range items {
		c := &batch[i]
		ref, ok := stored[c.Key]
		if !ok {
			return sql.ErrNoRows // a conflict on a key that is not there
		}
		c.Existed, c.ID, c.PageID = true, ref.ID, ref.PageID
		c.RootID = ref.RootID
		if ref.RootID == ref.ID {
			c.RootID = 0 // a root, as importOne reports it
		}
	}
	return nil
}

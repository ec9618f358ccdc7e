package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

// ImportKey names a comment in the system it came from: the source ("disqus",
// "wordpress", …) and the comment's id there. Together with the site it is
// unique, which makes imports idempotent.
type ImportKey struct {
	Source string
	ID     string
}

// ImportedComment is what an import needs to know about a stored comment
// to attach replies to it.
type ImportedComment struct {
	ID     int64
	RootID int64 // the thread root: the comment itself for a root comment
	PageID int64
	Status model.Status
}

// ImportComment is one comment for ImportBatch.
type ImportComment struct {
	// Comment is stored as given, except SiteID (ImportBatch's), ID and
	// PageID (filled in). ParentID names an already stored parent, or is 0.
	model.Comment
	// RootID is the thread root of the stored parent named by ParentID.
	RootID int64
	// ParentIndex, when >= 0, names the parent as an earlier item of the
	// same batch instead of ParentID.
	ParentIndex int
	// Path and Title are the page's; a new page is created with them, and a
	// page without a title gets this one. Locked locks the page.
	Path   string
	Title  string
	Locked bool
	Key    ImportKey
	// Existed is set by ImportBatch when a comment with Key was already
	// stored (by an earlier import running at the same time); ID then
	// names that comment.
	Existed bool
}

// MaxImportVotes caps the votes an import keeps per comment and direction,
// so that a hostile file cannot make millions of vote rows.
const MaxImportVotes = 10000

// lookupChunk keeps IN lists well under every driver's parameter limit.
const lookupChunk = 400

// ImportLookup returns the comments of a site already imported under the
// given keys, by key. Keys not found are absent from the map.
func (s *Store) ImportLookup(ctx context.Context, siteID int64, keys []ImportKey) (map[ImportKey]ImportedComment, error) {
	out, err := s.importLookup(ctx, s.read, siteID, keys)
	if err != nil {
		return nil, fmt.Errorf("store: import lookup: %w", err)
	}
	return out, nil
}

// ImportedFrom reports whether the site holds any comment imported from
// source. An import into a site that holds none need not look up the keys
// it has not stored itself.
func (s *Store) ImportedFrom(ctx context.Context, siteID int64, source string) (bool, error) {
	var one int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT 1 FROM comments
		WHERE site_id = ? AND import_source = ? AND import_id IS NOT NULL LIMIT 1`), siteID, source).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: imported from: %w", err)
	}
	return true, nil
}

// importQuerier is a *sql.DB or a *sql.Tx.
type importQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) importLookup(ctx context.Context, db importQuerier, siteID int64, keys []ImportKey) (map[ImportKey]ImportedComment, error) {
	out := make(map[ImportKey]ImportedComment, len(keys))
	bySource := map[string][]string{}
	for _, k := range keys {
		bySource[k.Source] = append(bySource[k.Source], k.ID)
	}
	for source, ids := range bySource {
		for start := 0; start < len(ids); start += lookupChunk {
			chunk := ids[start:min(start+lookupChunk, len(ids))]
			args := make([]any, 0, len(chunk)+2)
			args = append(args, siteID, source)
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := db.QueryContext(ctx, s.q(`SELECT import_id, id, COALESCE(root_id, id), page_id, status FROM comments
				WHERE site_id = ? AND import_source = ? AND import_id IN (`+placeholders(len(chunk))+`)`), args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id string
				var c ImportedComment
				var status string
				if err := rows.Scan(&id, &c.ID, &c.RootID, &c.PageID, &status); err != nil {
					rows.Close()
					return nil, err
				}
				c.Status = model.Status(status)
				out[ImportKey{source, id}] = c
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ImportNativeLookup returns the comments of a site that have the given ids
// and were created at the given times (Unix milliseconds, compared to the
// second: WXR carries no more), by id. It lets a Parley export be imported
// into the site it came from without duplicating the comments that were
// written there rather than imported.
func (s *Store) ImportNativeLookup(ctx context.Context, siteID int64, created map[int64]int64) (map[int64]ImportedComment, error) {
	out := make(map[int64]ImportedComment, len(created))
	ids := make([]int64, 0, len(created))
	for id := range created {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += lookupChunk {
		chunk := ids[start:min(start+lookupChunk, len(ids))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, siteID)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, COALESCE(root_id, id), page_id, status, created_at FROM comments
			WHERE site_id = ? AND import_id IS NULL AND id IN (`+placeholders(len(chunk))+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("store: import native lookup: %w", err)
		}
		for rows.Next() {
			var c ImportedComment
			var status string
			var at int64
			if err := rows.Scan(&c.ID, &c.RootID, &c.PageID, &status, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: import native lookup: %w", err)
			}
			if created[c.ID]/1000 == at/1000 {
				c.Status = model.Status(status)
				out[c.ID] = c
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("store: import native lookup: %w", err)
		}
	}
	return out, nil
}

// ImportAnalyze refreshes the database's statistics of comments and
// pages, so that the lookups of a large import keep using the import index
// as the site grows, and reads of its pages just after it use theirs
// (PostgreSQL; a no-op on SQLite, whose planner needs none). An import
// calls it as its size grows fourfold.
func (s *Store) ImportAnalyze(ctx context.Context) error {
	if s.dialect.analyzeComments == "" {
		return nil
	}
	if _, err := s.write.ExecContext(ctx, s.dialect.analyzeComments); err != nil {
		return fmt.Errorf("store: import analyze: %w", err)
	}
	return nil
}

// ImportUserByEmail returns the id of the user registered with email, or
// 0 when there is none.
func (s *Store) ImportUserByEmail(ctx context.Context, email string) (int64, error) {
	index := s.sealer.EmailIndex(email)
	if index == nil {
		return 0, nil
	}
	var id int64
	err := s.read.QueryRowContext(ctx, s.q("SELECT id FROM users WHERE email_index = ?"), index).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: import user by email: %w", err)
	}
	return id, nil
}

// ImportBatch stores a batch of imported comments in one transaction: all
// of them or, on error, none. Pages are created as needed, personal data is
// sealed exactly as CreateComment seals it, root_id is set for replies,
// vote counts become vote rows (so later votes recount correctly), and the
// comment count of every page touched is recomputed.
//
// A comment whose Key is already stored is not stored again: it gets
// Existed and the stored comment's ID. A reply is stored on its parent's
// page, whatever its own Path says, so that a thread is never split.
// Replies may have parents in any state: readers only see a reply under an
// approved parent, as with any thread.
//
// On PostgreSQL the items may carry ids taken by ImportReserveIDs (all of
// them or none). They keep them, except that, where a key of the batch
// turns out to be stored already, the batch is written another way and
// every item gets a new id: the caller must read the ids back.
func (s *Store) ImportBatch(ctx context.Context, siteID int64, batch []ImportComment) error {
	err := s.importTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		for i := range batch {
			batch[i].SiteID = siteID
		}
		fixes, err := s.importPages(ctx, tx, siteID, batch)
		if err != nil {
			return err
		}
		if err := s.importStoredParents(ctx, tx, siteID, batch); err != nil {
			return err
		}
		if err := s.lockImportPages(ctx, tx, batch); err != nil {
			return err
		}
		if err := s.fixImportPages(ctx, tx, fixes); err != nil {
			return err
		}
		insert := s.importRows
		if s.dialect.copyImport {
			insert = func(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
				return s.importCopy(ctx, conn, tx, batch)
			}
		}
		if err := insert(ctx, tx, batch); err != nil {
			return err
		}
		if err := s.importVotes(ctx, tx, batch); err != nil {
			return err
		}
		touched := map[int64]bool{}
		var ids []int64
		for i := range batch {
			if id := batch[i].PageID; !batch[i].Existed && !touched[id] {
				touched[id] = true
				ids = append(ids, id)
			}
		}
		return s.recountPages(ctx, tx, ids)
	})
	if err != nil {
		return fmt.Errorf("store: import batch: %w", err)
	}
	return nil
}

// importColumns are the columns an import writes, in the order of
// importArgs.
const importColumns = `site_id, page_id, parent_id, root_id, author_id,
	guest_name, guest_email_sealed, guest_email_index, guest_website, text, html, status, created_at,
	edited_at, deleted_at, score, upvotes, downvotes, sticky, ip_sealed, ua_sealed, edit_token_hash,
	import_source, import_id`

const (
	importColumnCount = 24
	importConflict    = ` ON CONFLICT (site_id, import_source, import_id) WHERE import_id IS NOT NULL DO NOTHING`
	// importRowsPerInsert bounds one multi-row INSERT: 24 parameters a
	// row stay well under PostgreSQL's 65,535.
	importRowsPerInsert = 1000
)

// importRows inserts the batch row by row, the fastest way on SQLite,
// where a statement costs no round trip.
func (s *Store) importRows(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
	query := "INSERT INTO comments (" + importColumns + ") VALUES (" + placeholders(importColumnCount) + ")" + importConflict
	if !s.dialect.lastInsertID {
		query += " RETURNING id"
	}
	ins, err := tx.PrepareContext(ctx, s.q(query))
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range batch {
		if err := inBatchParent(batch, i); err != nil {
			return err
		}
		if err := s.importOne(ctx, tx, ins, &batch[i]); err != nil {
			return err
		}
	}
	return nil
}

// pageFix is a change importPages found a page of the batch needs: a
// title where it has none, a lock.
type pageFix struct {
	id     int64
	title  string
	locked bool
}

// importPages sets the page of every comment of the batch, creating the
// pages it names with one statement and reading them with another (per
// lookupChunk paths, in order of path, so that batches written at once
// wait for each other's new pages in one order), rather than a few
// statements per page. A new page takes the first title its comments give;
// a page without a title gets one, and a page any of its comments says is
// locked is locked: fixImportPages makes those changes.
func (s *Store) importPages(ctx context.Context, tx *sql.Tx, siteID int64, batch []ImportComment) ([]pageFix, error) {
	type want struct {
		title  string
		locked bool
	}
	wants := map[string]*want{}
	var paths []string
	for i := range batch {
		c := &batch[i]
		w := wants[c.Path]
		if w == nil {
			w = &want{}
			wants[c.Path] = w
			paths = append(paths, c.Path)
		}
		if w.title == "" {
			w.title = c.Title
		}
		w.locked = w.locked || c.Locked
	}
	slices.Sort(paths)
	pages := make(map[string]*model.Page, len(paths))
	created := millis(s.now())
	for start := 0; start < len(paths); start += lookupChunk {
		chunk := paths[start:min(start+lookupChunk, len(paths))]
		args := make([]any, 0, 4*len(chunk))
		rows := make([]string, len(chunk))
		for i, path := range chunk {
			args = append(args, siteID, path, wants[path].title, created)
			rows[i] = "(?, ?, ?, ?)"
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO pages (site_id, path, title, created_at) VALUES "+
			strings.Join(rows, ", ")+" ON CONFLICT (site_id, path) DO NOTHING"), args...); err != nil {
			return nil, err
		}
		args = append(args[:0], siteID)
		for _, path := range chunk {
			args = append(args, path)
		}
		rs, err := tx.QueryContext(ctx, s.q("SELECT id, path, title, locked FROM pages WHERE site_id = ? AND path IN ("+
			placeholders(len(chunk))+")"), args...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			p := &model.Page{SiteID: siteID}
			if err := rs.Scan(&p.ID, &p.Path, &p.Title, &p.Locked); err != nil {
				rs.Close()
				return nil, err
			}
			pages[p.Path] = p
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
	}
	var fixes []pageFix
	for _, path := range paths {
		p, w := pages[path], wants[path]
		if p == nil {
			return nil, fmt.Errorf("page %q of site %d was neither created nor found", path, siteID)
		}
		fix := pageFix{id: p.ID, locked: w.locked && !p.Locked}
		if p.Title == "" {
			fix.title = w.title
		}
		if fix.title != "" || fix.locked {
			fixes = append(fixes, fix)
		}
	}
	for i := range batch {
		batch[i].PageID = pages[batch[i].Path].ID
	}
	return fixes, nil
}

// lockImportPages locks, in order of id, every page the batch writes to
// (PostgreSQL; see dialect.lockPages). A reply to an earlier comment goes
// to that comment's page, which importStoredParents has set.
func (s *Store) lockImportPages(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
	if s.dialect.lockPages == "" {
		return nil
	}
	var ids []int64
	for i := range batch {
		if id := batch[i].PageID; id != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += lookupChunk {
		in, args := idList(ids[start:min(start+lookupChunk, len(ids))])
		if _, err := tx.ExecContext(ctx, s.q("SELECT id FROM pages WHERE id IN ("+in+") ORDER BY id"+s.dialect.lockPages), args...); err != nil {
			return err
		}
	}
	return nil
}

// fixImportPages gives pages the titles and locks importPages found they
// need.
func (s *Store) fixImportPages(ctx context.Context, tx *sql.Tx, fixes []pageFix) error {
	for _, f := range fixes {
		if f.title != "" {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE pages SET title = ? WHERE id = ? AND title = ''"), f.title, f.id); err != nil {
				return err
			}
		}
		if f.locked {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE pages SET locked = ? WHERE id = ?"), true, f.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// importStoredParents sets the page and root of every reply whose parent
// was stored before the batch, with one query per lookupChunk parents.
func (s *Store) importStoredParents(ctx context.Context, tx *sql.Tx, siteID int64, batch []ImportComment) error {
	var ids []int64
	for i := range batch {
		if c := &batch[i]; c.ParentIndex < 0 && c.ParentID == 0 {
			c.RootID = 0
		} else if c.ParentIndex < 0 {
			ids = append(ids, c.ParentID)
		}
	}
	type parent struct{ page, root int64 }
	found := make(map[int64]parent, len(ids))
	for start := 0; start < len(ids); start += lookupChunk {
		chunk := ids[start:min(start+lookupChunk, len(ids))]
		args := []any{siteID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, page_id, COALESCE(root_id, id) FROM comments
			WHERE site_id = ? AND id IN (`+placeholders(len(chunk))+`)`), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var p parent
			if err := rows.Scan(&id, &p.page, &p.root); err != nil {
				rows.Close()
				return err
			}
			found[id] = p
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for i := range batch {
		if c := &batch[i]; c.ParentIndex < 0 && c.ParentID != 0 {
			p, ok := found[c.ParentID]
			if !ok {
				return fmt.Errorf("parent comment %d: %w", c.ParentID, ErrNotFound)
			}
			c.PageID, c.RootID = p.page, p.root
		}
	}
	return nil
}

// inBatchParent sets the parent, root and page of item i from an earlier
// item of the batch it replies to, once that one is stored.
func inBatchParent(batch []ImportComment, i int) error {
	c := &batch[i]
	if c.ParentIndex < 0 {
		return nil
	}
	if c.ParentIndex >= i {
		return fmt.Errorf("parent of item %d is not an earlier item", i)
	}
	p := &batch[c.ParentIndex]
	c.ParentID, c.RootID, c.PageID = p.ID, p.RootID, p.PageID
	if c.RootID == 0 {
		c.RootID = p.ID
	}
	return nil
}

// importArgs appends to args the values of importColumns for c, personal
// data sealed.
func (s *Store) importArgs(args []any, c *ImportComment) []any {
	var edited, deleted any
	if c.EditedAt != nil {
		edited = millis(*c.EditedAt)
	}
	if c.DeletedAt != nil {
		deleted = millis(*c.DeletedAt)
	}
	var root any
	if c.ParentID != 0 {
		root = c.RootID
	}
	var source, importID any
	if c.Key.ID != "" {
		source, importID = c.Key.Source, c.Key.ID
	}
	return append(args, c.SiteID, c.PageID, nullID(c.ParentID), root, nullID(c.AuthorID),
		c.GuestName, s.sealer.Seal(c.GuestEmail), s.sealer.EmailIndex(c.GuestEmail), c.GuestWebsite,
		c.Text, c.HTML, string(c.Status), millis(c.CreatedAt), edited, deleted,
		c.Upvotes-c.Downvotes, c.Upvotes, c.Downvotes, c.Sticky,
		s.sealer.Seal(c.IP), s.sealer.Seal(c.UserAgent), c.EditTokenHash, source, importID)
}

func (s *Store) importOne(ctx context.Context, tx *sql.Tx, ins *sql.Stmt, c *ImportComment) error {
	args := s.importArgs(make([]any, 0, importColumnCount), c)
	var err error
	if s.dialect.lastInsertID {
		err = execInsertID(ctx, ins, &c.ID, args)
	} else {
		err = ins.QueryRowContext(ctx, args...).Scan(&c.ID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		c.Existed = true
		return tx.QueryRowContext(ctx, s.q(`SELECT id, COALESCE(root_id, 0), page_id FROM comments
			WHERE site_id = ? AND import_source = ? AND import_id = ?`), c.SiteID, c.Key.Source, c.Key.ID).
			Scan(&c.ID, &c.RootID, &c.PageID)
	}
	return err
}

// execInsertID runs an INSERT … ON CONFLICT DO NOTHING and sets id to the
// new row's id, or returns sql.ErrNoRows when the row existed.
func execInsertID(ctx context.Context, stmt *sql.Stmt, id *int64, args []any) error {
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = sql.ErrNoRows
		}
		return err
	}
	*id, err = res.LastInsertId()
	return err
}

// importVotes turns imported vote counts into vote rows with voters that
// no visitor can have (a hash of the comment's import key, never a keyed
// visitor hash), so that a later real vote recounts from the rows and
// keeps the imported votes. Rows go in multi-row INSERTs of
// voteRowsPerInsert.
func (s *Store) importVotes(ctx context.Context, tx *sql.Tx, batch []ImportComment) error {
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO votes (comment_id, page_id, voter, value, created_at)
			VALUES `+valueRows(len(args)/5, 5)+` ON CONFLICT (comment_id, voter) DO NOTHING`), args...)
		args = args[:0]
		return err
	}
	for i := range batch {
		c := &batch[i]
		if c.Existed {
			continue
		}
		at := millis(c.CreatedAt)
		for _, v := range []struct {
			n     int
			value int
		}{{min(c.Upvotes, MaxImportVotes), 1}, {min(c.Downvotes, MaxImportVotes), -1}} {
			for i := range v.n {
				voter := sha256.Sum256([]byte("parley import vote\x00" + c.Key.Source + "\x00" + c.Key.ID + "\x00" +
					strconv.FormatInt(c.ID, 10) + "\x00" + strconv.Itoa(v.value) + "\x00" + strconv.Itoa(i)))
				args = append(args, c.ID, c.PageID, voter[:], v.value, at)
				if len(args) == 5*voteRowsPerInsert {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
	}
	return flush()
}

// voteRowsPerInsert bounds one INSERT of imported votes (5 parameters a
// row, under SQLite's 32,766 and PostgreSQL's 65,535).
const voteRowsPerInsert = 1000

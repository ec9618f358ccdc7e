package importer

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// parseIsso reads Isso's SQLite database (a copy: the engine spools it to
// a temporary file). The file is untrusted: it is opened immutable and
// read-only with the schema untrusted, only real tables named threads and
// comments are read, and every text column is cut in SQL before it reaches
// memory.
func parseIsso(p *parseEnv, path string) error {
	u := url.URL{Scheme: "file", Path: path}
	db, err := sql.Open("sqlite", u.String()+"?mode=ro&immutable=1"+
		"&_pragma=trusted_schema(OFF)&_pragma=cell_size_check(ON)&_pragma=mmap_size(0)&_pragma=query_only(ON)")
	if err != nil {
		return fmt.Errorf("import: Isso database: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := p.ctx
	if err := issoCheckSchema(ctx, db); err != nil {
		return err
	}
	var threads int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM threads").Scan(&threads); err != nil {
		return fmt.Errorf("import: Isso database: %w", err)
	}
	p.threads.Add(threads)
	rows, err := db.QueryContext(ctx, `SELECT c.id, c.parent, c.created, c.modified, c.mode,
		substr(c.remote_addr, 1, 100), substr(c.text, 1, ?), substr(c.author, 1, 400), substr(c.email, 1, 300),
		substr(c.website, 1, 2100), c.likes, c.dislikes, substr(t.uri, 1, 1100), substr(t.title, 1, 1300)
		FROM comments c LEFT JOIN threads t ON t.id = c.tid ORDER BY c.id`, p.limits.MaxText+1)
	if err != nil {
		return fmt.Errorf("import: Isso database: %w", err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		var (
			id                                       int64
			parent, mode, likes, dislikes            sql.NullInt64
			created, modified                        sql.NullFloat64
			ip, text, author, email, website, uri, t sql.NullString
		)
		if err := rows.Scan(&id, &parent, &created, &modified, &mode, &ip, &text, &author, &email, &website,
			&likes, &dislikes, &uri, &t); err != nil {
			if err := p.skip("row "+strconv.Itoa(n), ReasonMalformed, err.Error()); err != nil {
				return err
			}
			continue
		}
		key := strconv.FormatInt(id, 10)
		e := &entry{
			Key:       store.ImportKey{Source: string(Isso), ID: key},
			Thread:    thread{URL: uri.String, ID: uri.String, Title: t.String},
			Name:      author.String,
			Email:     email.String,
			Website:   website.String,
			Text:      text.String,
			Status:    issoStatus(mode.Int64),
			CreatedAt: unixSeconds(created),
			IP:        ip.String,
			Upvotes:   int(max(0, min(likes.Int64, store.MaxImportVotes))),
			Downvotes: int(max(0, min(dislikes.Int64, store.MaxImportVotes))),
		}
		if m := unixSeconds(modified); !m.IsZero() {
			e.EditedAt = &m
		}
		if parent.Valid {
			e.Parent = store.ImportKey{Source: string(Isso), ID: strconv.FormatInt(parent.Int64, 10)}
		}
		if err := p.emit(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import: Isso database: %w", err)
	}
	return nil
}

// issoCheckSchema makes sure threads and comments are tables, not views
// or anything a hostile file could make expensive to read.
func issoCheckSchema(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('threads', 'comments')`).Scan(&n)
	if err != nil {
		return fmt.Errorf("import: not a readable SQLite database: %w", err)
	}
	if n != 2 {
		return fmt.Errorf("import: not an Isso database (it has no threads and comments tables)")
	}
	return nil
}

func issoStatus(mode int64) model.Status {
	switch mode {
	case 1:
		return model.StatusApproved
	case 4:
		return model.StatusDeleted
	}
	return model.StatusPending // 2: waiting for moderation
}

// unixSeconds converts Isso's float seconds; invalid values give zero.
func unixSeconds(v sql.NullFloat64) time.Time {
	if !v.Valid || math.IsNaN(v.Float64) || v.Float64 <= 0 || v.Float64 > 253402300799 {
		return time.Time{}
	}
	sec, frac := math.Modf(v.Float64)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}

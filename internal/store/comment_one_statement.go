package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// oneStatementCommentSQL stores a new root comment on PostgreSQL in one
// statement outside any explicit transaction, so without the round trips
// of BEGIN and COMMIT: it reads the page, inserts the comment and its
// notify event, adds to the page's count shard (countShardSQL) and to the
// owner's month (countCommentShardSQL, when the site has an owner) and
// sends the change notice (notifyPayload), all or nothing as any statement
// is. It stores nothing, and CreateComment goes the transactional way,
// when the page does not exist yet, is locked or needs its title, the site
// has webhooks (their deliveries belong in the comment's transaction), or
// its owner is suspended or would pass a limit of their plan (the
// transaction says which). The columns read say which; the notice is built
// from parts around the new comment's id and page (oneStatementNotice).
// Every parameter is cast: in INSERT … SELECT PostgreSQL would read an
// untyped one as text.
var oneStatementCommentSQL = `WITH pg AS (SELECT id, locked, title = '' AS untitled FROM pages WHERE site_id = ?::bigint AND path = ?::text),
	o AS (` + ownerPlanSQL + `),
	m AS (SELECT COALESCE(SUM(comments), 0) AS comments, COALESCE(SUM(views), 0) AS views
		FROM usage_monthly WHERE user_id = (SELECT id FROM o) AND month = ?::bigint),
	ok AS (SELECT pg.id FROM pg WHERE NOT pg.locked AND NOT (pg.untitled AND ?::text <> '')
		AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.site_id = ?::bigint)
		AND NOT EXISTS (SELECT 1 FROM o, m WHERE o.suspended_at IS NOT NULL OR m.comments + 1 > o.max_comments OR m.views > o.max_views)),
	c AS (INSERT INTO comments (` + commentInsertColumns + `)
		SELECT ?::bigint, ok.id, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::bytea, ?::bytea, ?::text, ?::text, ?::text,
			?::text, ?::bigint, ?::boolean, ?::bytea, ?::bytea, ?::bytea, ?::text, ?::boolean, ?::text, ?::boolean FROM ok
		RETURNING id, page_id),
	e AS (INSERT INTO notify_events (site_id, comment_id, kind, created_at) SELECT ?::bigint, id, ?::text, ?::bigint FROM c WHERE ` + createdEventIf + `),
	n AS (INSERT INTO page_count_shards (page_id, shard, n)
		SELECT page_id, ` + connectionShard + `, ?::bigint FROM c WHERE ?::bigint <> 0 ` + addToPageShard + `),
	u AS (INSERT INTO usage_monthly (user_id, month, shard, comments) SELECT o.id, ?::bigint, ` + connectionShard + `, 1 FROM o, c
		` + addUsageComment + `)
	SELECT pg.id, pg.locked, pg.untitled, c.id,
		(SELECT count(*) FROM (SELECT pg_notify(?::text, ?::text || CASE WHEN ?::boolean THEN c.id::text || ':' ELSE '' END
			|| c.page_id::text || ?::text) FROM c) sent)
	FROM pg LEFT JOIN c ON true`

// transactionalSites remembers, for a minute, the sites whose comments
// need the transactional write (webhooks, a suspended owner, a limit
// reached), so that their comments do not try oneStatementCommentSQL
// first. It only saves that try: the statement checks for itself. At most
// maxTransactionalSites are remembered; beyond, the memory starts again.
type transactionalSites struct {
	mu    sync.Mutex
	until siteDeadlines
}

const (
	transactionalFor      = time.Minute
	maxTransactionalSites = 10_000
)

func (t *transactionalSites) has(site int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.until.holds(site, now)
}

func (t *transactionalSites) add(site int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.until.set(site, now.Add(transactionalFor), maxTransactionalSites)
}

// siteDeadlines are sites and the time until which something holds of
// each (the memories of transactionalSites and clearSites). It holds at
// most the number set is given; beyond, it starts again empty.
type siteDeadlines map[int64]time.Time

func (d siteDeadlines) holds(site int64, now time.Time) bool { return now.Before(d[site]) }

func (d *siteDeadlines) set(site int64, until time.Time, most int) {
	if *d == nil || len(*d) >= most {
		*d = siteDeadlines{}
	}
	(*d)[site] = until
}

// createCommentOneStatement stores c with oneStatementCommentSQL where it
// can and says whether it did; err is ErrPageLocked for a locked page.
// When it did not, nothing was written.
func (s *Store) createCommentOneStatement(ctx context.Context, c *model.Comment, in NewComment) (bool, error) {
	if !s.dialect.oneTripWrites || c.ParentID != 0 || len(in.Uploads) > 0 || !in.ClosedBefore.IsZero() ||
		s.transactional.has(c.SiteID, time.Now()) {
		return false, nil
	}
	delta := approvedDelta("", c.Status)
	prefix, withID, suffix := s.oneStatementNotice(c, in.Path)
	month := Month(c.CreatedAt)
	values := s.commentValues(c, 0) // the page's place is ok.id
	args := append([]any{c.SiteID, in.Path, c.SiteID, month, in.Title, c.SiteID, values[0]}, values[2:]...)
	args = append(append(args, c.SiteID, EventCreated, millis(s.now())), createdEventArgs(c)...)
	args = append(args, delta, delta, month, siteChannel, prefix, withID, suffix)
	var pageID, commentID sql.NullInt64
	var locked, untitled bool
	var sent int
	err := s.write.QueryRowContext(ctx, s.q(oneStatementCommentSQL), args...).Scan(&pageID, &locked, &untitled, &commentID, &sent)
	switch {
	case errors.Is(err, sql.ErrNoRows): // no such page yet
		return false, nil
	case err != nil:
		return false, err
	case locked:
		return true, ErrPageLocked
	case !commentID.Valid:
		if !(untitled && in.Title != "") {
			s.transactional.add(c.SiteID, time.Now())
		}
		return false, nil
	}
	c.ID, c.PageID = commentID.Int64, pageID.Int64
	return true, nil
}

// oneStatementNotice is the change notice of a new comment (notifyPayload)
// in three parts, put together in SQL around the comment's id (when withID)
// and its page's: "SITE:event:SENDER:created:" ID ":" PAGE ":PATH" for a
// comment shown at once, "SITE:page:" PAGE ":PATH" for one held. The path
// is left out, as notifyPayload does, when it would make the notice too
// long, counting both ids at their longest.
func (s *Store) oneStatementNotice(c *model.Comment, path string) (prefix string, withID bool, suffix string) {
	site := strconv.FormatInt(c.SiteID, 10)
	if c.Status == model.StatusApproved {
		prefix, withID = site+":event:"+s.sender.get()+":"+EventCreated+":", true
		if len(prefix)-len(site)+2*20+2+len(path) > maxNotifyPath {
			path = ""
		}
		return prefix, withID, ":" + path
	}
	if len(path) > maxNotifyPath {
		path = ""
	}
	return site + ":page:", false, ":" + path
}

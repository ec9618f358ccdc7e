package store

import (
	"context"
	"sync"
	"time"
)

// clearSites remembers the sites that had no ban and no IP block in force
// (their own or on every site) when Refused last looked, so that the
// writes of a site where nobody is banned (nearly every write) cost no
// query. A ban or block made here forgets at once; one made by another
// server on the same PostgreSQL database is heard through its notification
// (SiteChange.Bans) within a second, and at the latest after clearFor should
// notifications be lost. Only "clear" is remembered: a site with bans in
// force asks the database on every write, as before. At most maxClearSites
// are remembered; beyond, the memory starts again.
type clearSites struct {
	mu sync.Mutex
	// gen counts the changes to bans and blocks: a look that began
	// before one is not remembered.
	gen   uint64
	until siteDeadlines
}

const (
	clearFor      = 30 * time.Second
	maxClearSites = 10_000
)

// clear reports whether site was seen clear less than clearFor ago, and
// the generation to give remember otherwise.
func (c *clearSites) clear(site int64, now time.Time) (bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.until.holds(site, now), c.gen
}

// remember records site as clear, unless bans or blocks changed since gen.
func (c *clearSites) remember(site int64, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.until.set(site, now.Add(clearFor), maxClearSites)
}

// forget drops what is remembered of site (0: of every site, as a ban on
// every site changes them all).
func (c *clearSites) forget(site int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if site == 0 {
		c.until = nil
	} else {
		delete(c.until, site)
	}
}

// siteClearSQL tells whether a site has no ban and no IP block in force,
// its own or on every site.
const siteClearSQL = `SELECT NOT EXISTS (SELECT 1 FROM bans WHERE (site_id = ? OR site_id IS NULL) AND (expires_at IS NULL OR expires_at > ?))
	AND NOT EXISTS (SELECT 1 FROM ip_blocks WHERE (site_id = ? OR site_id IS NULL) AND (expires_at IS NULL OR expires_at > ?))`

// siteClear reports whether nobody is banned or blocked on site, from
// memory when it can.
func (s *Store) siteClear(ctx context.Context, site int64) (bool, error) {
	now := s.now()
	known, gen := s.refusals.clear(site, now)
	if known {
		return true, nil
	}
	var clear bool
	if err := s.queryRowPrepared(ctx, siteClearSQL, site, millis(now), site, millis(now)).Scan(&clear); err != nil {
		return false, err
	}
	if clear {
		s.refusals.remember(site, gen, now)
	}
	return clear, nil
}

package importer

import "github.com/parleyhq/parley/internal/store"

// refCache remembers recently seen comment ids in two generations, so
// memory stays bounded while replies, which mostly follow their parents
// closely, find them without a query.
type refCache struct {
	cur, old map[store.ImportKey]store.ImportedComment
	limit    int
	evicted  bool // a generation was dropped: a key not found may still be stored
}

func (c *refCache) get(k store.ImportKey) (store.ImportedComment, bool) {
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		c.put(k, v)
	}
	return v, ok
}

func (c *refCache) put(k store.ImportKey, v store.ImportedComment) {
	if c.cur == nil || len(c.cur) >= c.limit {
		c.evicted = c.evicted || len(c.old) > 0
		c.old, c.cur = c.cur, make(map[store.ImportKey]store.ImportedComment, 1024)
	}
	c.cur[k] = v
}

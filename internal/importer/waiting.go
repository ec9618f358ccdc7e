package importer

import (
	"context"
	"sort"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Replies whose parent is not known yet wait: in memory up to
// Limits.MaxPending bytes, then in a spill file. Deleted comments are held
// back (engine.held) until a reply needs them as its placeholder.

// wait holds a reply until its parent is placed: in memory within the
// budget, on disk beyond it.
func (g *engine) wait(e *entry) error {
	if g.spill == nil && g.waitingBytes+e.size() <= g.lim.MaxPending {
		g.waiting[e.Parent] = append(g.waiting[e.Parent], e)
		g.waitingBytes += e.size()
		return nil
	}
	if g.spill == nil {
		s, err := newSpill(g.opt.TempDir)
		if err != nil {
			return err
		}
		g.spill = s
	}
	return g.spill.write(e)
}

// hold keeps back a deleted comment that no live reply needs (yet), as
// Store.DeleteComment removes a deleted comment left without replies and
// each deleted ancestor it leaves without replies: only a comment that is
// not deleted makes its deleted ancestors placeholders. It reports
// whether e was held; its waiting replies, all deleted, are then released
// to be held under it.
func (g *engine) hold(e *entry) bool {
	if e.Status != model.StatusDeleted || e.keep || g.liveWaiting(e.Key, 0) || len(g.held) >= maxHeldDeleted {
		return false
	}
	g.held[e.Key] = e
	return true
}

// liveWaiting tells whether a reply waiting in memory under key, or under
// one of those replies, is not deleted. depth bounds the walk.
func (g *engine) liveWaiting(key store.ImportKey, depth int) bool {
	for _, c := range g.waiting[key] {
		if c.Status != model.StatusDeleted || depth > maxWaitingDepth || g.liveWaiting(c.Key, depth+1) {
			return true
		}
	}
	return false
}

// maxWaitingDepth bounds liveWaiting's walk down chains of deleted
// replies; a deeper chain is treated as having a live reply, so its
// deleted comments are stored as placeholders rather than walked.
const maxWaitingDepth = 100

// release returns the replies waiting in memory for key.
func (g *engine) release(key store.ImportKey) []*entry {
	children := g.waiting[key]
	if len(children) == 0 {
		return nil
	}
	delete(g.waiting, key)
	for _, c := range children {
		g.waitingBytes -= c.size()
	}
	return children
}

// resolveWaiting handles the replies still waiting when the input ends.
// Without a spill, their parents never came. With one, replies on disk
// may have parents stored since, so passes over them place what they can
// until a pass places nothing.
func (g *engine) resolveWaiting(ctx context.Context) error {
	g.askAll = true
	if g.spill == nil {
		g.skipWaiting(g.drainWaiting())
		return nil
	}
	for _, e := range g.drainWaiting() {
		if err := g.spill.write(e); err != nil {
			return err
		}
	}
	for {
		cur := g.spill
		g.spill = nil
		next, err := newSpill(g.opt.TempDir)
		if err != nil {
			cur.remove()
			return err
		}
		placed := 0
		err = cur.each(g.opt.BatchSize, func(chunk []*entry) error {
			n, rest, err := g.placeChunk(ctx, chunk)
			placed += n
			for _, e := range rest {
				if err == nil {
					err = next.write(e)
				}
			}
			return err
		})
		cur.remove()
		g.spill = next
		if err != nil {
			return err
		}
		if placed == 0 || next.n == 0 {
			break
		}
	}
	var rest []*entry
	err := g.spill.each(g.opt.BatchSize, func(chunk []*entry) error {
		rest = append(rest, chunk...)
		if len(rest) > maxSkippedKeys { // report the first ones in detail, count the rest
			g.skipWaiting(rest)
			rest = rest[:0]
		}
		return nil
	})
	g.skipWaiting(rest)
	return err
}

// placeChunk writes the entries of a chunk whose parents are known now,
// trying again within the chunk while that places more, and returns how
// many entries it placed or held and those still waiting.
func (g *engine) placeChunk(ctx context.Context, chunk []*entry) (int, []*entry, error) {
	found, err := g.lookup(ctx, chunk)
	if err != nil {
		return 0, nil, err
	}
	b := newBatch(len(chunk))
	rest := chunk
	for {
		// An entry is placed, held (a deleted comment) or still waiting;
		// passes go on while they place or hold something.
		var still []*entry
		for _, e := range rest {
			if err := g.place(e, found, b, false); err != nil {
				return 0, nil, err
			}
			_, placed := b.index[e.Key]
			if _, held := g.held[e.Key]; !placed && !held {
				still = append(still, e)
			}
		}
		progress := len(still) < len(rest)
		rest = still
		if !progress || len(rest) == 0 {
			break
		}
	}
	// Progress counts the entries placed or held: a deleted comment held
	// now may be the placeholder a reply in a later chunk needs.
	return len(chunk) - len(rest), rest, g.write(ctx, b)
}

// skipHeld reports the deleted comments no reply needed.
func (g *engine) skipHeld() {
	list := make([]*entry, 0, len(g.held))
	for _, e := range g.held {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key.ID < list[j].Key.ID })
	for _, e := range list {
		ref := e.Ref
		if ref == "" {
			ref = e.Key.ID
		}
		g.skip(Skip{Ref: ref, Reason: ReasonDeleted, Detail: "deleted in the source and without replies"}, e.Key)
	}
	g.held = map[store.ImportKey]*entry{}
}

func (g *engine) drainWaiting() []*entry {
	var out []*entry
	for _, children := range g.waiting {
		out = append(out, children...)
	}
	g.waiting = map[store.ImportKey][]*entry{}
	g.waitingBytes = 0
	return out
}

// skipWaiting reports replies whose parent never came, in a stable order.
func (g *engine) skipWaiting(list []*entry) {
	waiting := make(map[store.ImportKey]bool, len(list))
	for _, e := range list {
		waiting[e.Key] = true
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Key.ID < list[j].Key.ID })
	for _, e := range list {
		reason, detail := ReasonUnknownParent, "parent "+e.Parent.ID+" is neither in the file nor on the site"
		if waiting[e.Parent] || g.skipped[e.Parent] {
			reason, detail = ReasonParentSkipped, "parent "+e.Parent.ID+" was skipped"
		}
		ref := e.Ref
		if ref == "" {
			ref = e.Key.ID
		}
		g.skip(Skip{Ref: ref, Reason: reason, Detail: detail}, e.Key)
	}
}

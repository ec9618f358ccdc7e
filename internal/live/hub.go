package live

import (
	"errors"
	"sync"
	"sync/atomic"
)

// Kinds of Event: what happened to the comments of a page.
const (
	Created  = "created"  // a new comment is visible
	Approved = "approved" // a held comment became visible
	Edited   = "edited"   // a visible comment's text changed
	Deleted  = "deleted"  // a comment left the thread (deleted, rejected, marked as spam)
	Changed  = "changed"  // something else changed (pins, several pages at once): reload to see
)

// Event is one change of a page's comments. IDs are the comments it
// concerns; none when they are not known (Changed, a moderation of several
// pages at once).
type Event struct {
	Kind string
	IDs  []int64
	// Wire is the event as streams write it, encoded once by its publisher
	// for every subscriber.
	Wire []byte
}

// SubscriberBuffer is how many events a subscriber may have waiting to be
// written. A reader that falls further behind is dropped rather than
// buffered for: its channel is closed, it reconnects and reloads the thread.
const SubscriberBuffer = 16

// ErrFull is returned by Subscribe when the hub already holds its maximum
// of open streams.
var ErrFull = errors.New("live: too many open streams")

// ErrNetworkFull is returned by Subscribe when the subscriber's network
// already holds its share of open streams (NewHub's perNetwork).
var ErrNetworkFull = errors.New("live: too many open streams from one network")

// MaxPerNetwork is the default of how many streams one client network (as
// the caller names it: an IPv4 address, an IPv6 /64) may hold open at once
// (PARLEY_STREAMS_PER_NETWORK), so that one client cannot take every stream
// of the server: a reader needs one per open tab.
const MaxPerNetwork = 100

// ErrClosed is returned by Subscribe after Close.
var ErrClosed = errors.New("live: hub closed")

// Hub holds the open streams of one process, by page. Its zero value is not
// usable; make one with NewHub. It is safe for concurrent use.
type Hub struct {
	max, perNetwork int

	mu     sync.Mutex
	topics map[pageKey]*topic
	perNet map[string]int // open streams by network
	open   int
	closed bool

	dropped atomic.Int64
	refused atomic.Int64
}

// pageKey names a page as readers ask for it: by site and path.
type pageKey struct {
	site int64
	path string
}

// topic is one page's subscribers.
type topic struct {
	key  pageKey
	subs map[*Subscriber]struct{}
}

// Subscriber is one open stream. Events delivers its page's events; it is
// closed when the subscriber is dropped for falling behind or when the hub
// closes, never by Unsubscribe.
type Subscriber struct {
	Events <-chan Event
	ch     chan Event
	t      *topic
	net    string
}

// NewHub returns a hub that holds at most max streams at once, at most
// perNetwork of them from one client network.
func NewHub(max, perNetwork int) *Hub {
	return &Hub{max: max, perNetwork: perNetwork, topics: map[pageKey]*topic{}, perNet: map[string]int{}}
}

// Subscribe opens a stream of the events of the page at path on site (the
// page need not exist yet) for a client of network. It returns ErrFull past
// the hub's maximum, ErrNetworkFull past the hub's perNetwork streams of network,
// and ErrClosed after Close. The caller must Unsubscribe.
func (h *Hub) Subscribe(site int64, path, network string) (*Subscriber, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	if h.open >= h.max {
		h.refused.Add(1)
		return nil, ErrFull
	}
	if h.perNet[network] >= h.perNetwork {
		h.refused.Add(1)
		return nil, ErrNetworkFull
	}
	k := pageKey{site, path}
	t := h.topics[k]
	if t == nil {
		t = &topic{key: k, subs: map[*Subscriber]struct{}{}}
		h.topics[k] = t
	}
	ch := make(chan Event, SubscriberBuffer)
	s := &Subscriber{Events: ch, ch: ch, t: t, net: network}
	t.subs[s] = struct{}{}
	h.open++
	h.perNet[network]++
	return s, nil
}

// Unsubscribe closes s's stream. It is safe to call after s was dropped
// or the hub closed, and more than once.
func (h *Hub) Unsubscribe(s *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := s.t.subs[s]; ok {
		h.remove(s)
	}
}

// remove takes s out of its topic, and the topic out of the hub when it
// was the last subscriber. The caller holds h.mu.
func (h *Hub) remove(s *Subscriber) {
	t := s.t
	delete(t.subs, s)
	h.open--
	if h.perNet[s.net]--; h.perNet[s.net] == 0 {
		delete(h.perNet, s.net)
	}
	if len(t.subs) == 0 {
		delete(h.topics, t.key)
	}
}

// Publish delivers ev to the subscribers of the page at path on site. It
// never blocks: a subscriber whose buffer is full is dropped (its Events
// channel closed).
func (h *Hub) Publish(site int64, path string, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topics[pageKey{site, path}]
	if t == nil {
		return
	}
	for s := range t.subs {
		select {
		case s.ch <- ev:
		default:
			h.remove(s)
			close(s.ch)
			h.dropped.Add(1)
		}
	}
}

// Close ends every stream (their Events channels close) and refuses new
// ones: the server calls it when it begins to shut down, so that open
// streams do not hold the shutdown until its grace runs out.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, t := range h.topics {
		for s := range t.subs {
			h.remove(s)
			close(s.ch)
		}
	}
}

// Stats are the hub's counts for /metrics.
type Stats struct {
	Open    int   // streams open now
	Dropped int64 // streams dropped for falling behind, since start
	Refused int64 // streams refused past the maximum or a network's share, since start
}

// Stats returns the hub's counts.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	open := h.open
	h.mu.Unlock()
	return Stats{Open: open, Dropped: h.dropped.Load(), Refused: h.refused.Load()}
}

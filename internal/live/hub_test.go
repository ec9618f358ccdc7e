package live

import (
	"errors"
	"testing"
)

// drain reads every event left in s and reports whether its channel was
// closed (the subscriber dropped).
func drain(s *Subscriber) (n int, closed bool) {
	for {
		select {
		case _, ok := <-s.Events:
			if !ok {
				return n, true
			}
			n++
		default:
			return n, false
		}
	}
}

// TestSlowSubscriberIsDropped: a subscriber that reads nothing keeps
// SubscriberBuffer events; the next one drops it (its channel closes) and
// the others still get every event.
func TestSlowSubscriberIsDropped(t *testing.T) {
	h := NewHub(10)
	slow, _ := h.Subscribe(1, "/p", 0)
	fast, _ := h.Subscribe(1, "/p", 0)
	got := 0
	for i := range SubscriberBuffer + 1 {
		h.Publish(1, 0, "/p", Event{Kind: Created, IDs: []int64{int64(i)}})
		n, _ := drain(fast)
		got += n
	}
	if n, closed := drain(slow); n != SubscriberBuffer || !closed {
		t.Errorf("slow subscriber: %d events, closed %v; want %d then closed", n, closed, SubscriberBuffer)
	}
	if got != SubscriberBuffer+1 {
		t.Errorf("fast subscriber got %d events, want %d", got, SubscriberBuffer+1)
	}
	if st := h.Stats(); st.Open != 1 || st.Dropped != 1 {
		t.Errorf("stats %+v, want 1 open, 1 dropped", st)
	}
	h.Unsubscribe(slow) // after the drop: no effect
	h.Unsubscribe(fast)
	h.Unsubscribe(fast)
	if st := h.Stats(); st.Open != 0 || len(h.topics) != 0 || len(h.byID) != 0 {
		t.Errorf("after unsubscribing: %+v, %d topics", st, len(h.topics))
	}
}

// TestHubCap: past its maximum the hub refuses with ErrFull; a freed slot
// is taken again; after Close every stream ends and none opens.
func TestHubCap(t *testing.T) {
	h := NewHub(2)
	a, _ := h.Subscribe(1, "/a", 0)
	if _, err := h.Subscribe(2, "/b", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe(1, "/c", 0); !errors.Is(err, ErrFull) {
		t.Fatalf("third stream: %v, want ErrFull", err)
	}
	h.Unsubscribe(a)
	if _, err := h.Subscribe(1, "/c", 0); err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	h.Close()
	if st := h.Stats(); st.Open != 0 || st.Refused != 1 {
		t.Errorf("after Close: %+v", st)
	}
	if _, err := h.Subscribe(1, "/d", 0); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestPublishFindsPageByPathOrID: a stream opened on a path that has no page
// yet hears of events by path; once an event named the page's id, events
// naming only the id reach it too; other sites' pages of the same id or path
// do not.
func TestPublishFindsPageByPathOrID(t *testing.T) {
	h := NewHub(10)
	s, _ := h.Subscribe(1, "/new", 0)
	stranger, _ := h.Subscribe(2, "/new", 0)
	h.Publish(1, 0, "", Event{Kind: Edited}) // no id known yet: nobody
	h.Publish(1, 42, "/new", Event{})        // the page is created (held comment): learn, tell nobody
	h.Publish(1, 42, "", Event{Kind: Approved, IDs: []int64{7}})
	h.Publish(2, 42, "", Event{Kind: Deleted}) // same id, another site
	if n, _ := drain(s); n != 1 {
		t.Errorf("subscriber got %d events, want the approval only", n)
	}
	if n, _ := drain(stranger); n != 0 {
		t.Errorf("another site's subscriber got %d events", n)
	}
}

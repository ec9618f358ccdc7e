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
	h := NewHub(10, MaxPerNetwork)
	slow, _ := h.Subscribe(1, "/p", "net1")
	fast, _ := h.Subscribe(1, "/p", "net1")
	got := 0
	for i := range SubscriberBuffer + 1 {
		h.Publish(1, "/p", Event{Kind: Created, IDs: []int64{int64(i)}})
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
	if st := h.Stats(); st.Open != 0 || len(h.topics) != 0 {
		t.Errorf("after unsubscribing: %+v, %d topics", st, len(h.topics))
	}
}

// TestHubCap: past its maximum the hub refuses with ErrFull; a freed slot
// is taken again; after Close every stream ends and none opens.
func TestHubCap(t *testing.T) {
	h := NewHub(2, MaxPerNetwork)
	a, _ := h.Subscribe(1, "/a", "net1")
	if _, err := h.Subscribe(2, "/b", "net2"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Subscribe(1, "/c", "net1"); !errors.Is(err, ErrFull) {
		t.Fatalf("third stream: %v, want ErrFull", err)
	}
	h.Unsubscribe(a)
	if _, err := h.Subscribe(1, "/c", "net1"); err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	h.Close()
	if st := h.Stats(); st.Open != 0 || st.Refused != 1 {
		t.Errorf("after Close: %+v", st)
	}
	if _, err := h.Subscribe(1, "/d", "net1"); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

// TestPublishReachesItsPageOnly: an event reaches the streams of its site
// and path, not those of the same path on another site nor of another path.
func TestPublishReachesItsPageOnly(t *testing.T) {
	h := NewHub(10, MaxPerNetwork)
	s, _ := h.Subscribe(1, "/new", "net1")
	stranger, _ := h.Subscribe(2, "/new", "net2")
	other, _ := h.Subscribe(1, "/other", "net1")
	h.Publish(1, "/new", Event{Kind: Approved, IDs: []int64{7}})
	h.Publish(3, "/nobody", Event{Kind: Deleted})
	if n, _ := drain(s); n != 1 {
		t.Errorf("subscriber got %d events, want 1", n)
	}
	if n, _ := drain(stranger); n != 0 {
		t.Errorf("another site's subscriber got %d events", n)
	}
	if n, _ := drain(other); n != 0 {
		t.Errorf("another page's subscriber got %d events", n)
	}
}

// TestHubNetworkShare: one network holds at most MaxPerNetwork streams;
// others still open theirs, and a closed one frees a slot.
func TestHubNetworkShare(t *testing.T) {
	h := NewHub(MaxPerNetwork+10, MaxPerNetwork)
	var last *Subscriber
	for range MaxPerNetwork {
		s, err := h.Subscribe(1, "/p", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		last = s
	}
	if _, err := h.Subscribe(1, "/q", "192.0.2.1"); !errors.Is(err, ErrNetworkFull) {
		t.Fatalf("one stream past the share: %v, want ErrNetworkFull", err)
	}
	if _, err := h.Subscribe(1, "/p", "198.51.100.7"); err != nil {
		t.Errorf("another network: %v", err)
	}
	h.Unsubscribe(last)
	if _, err := h.Subscribe(1, "/p", "192.0.2.1"); err != nil {
		t.Errorf("after one closed: %v", err)
	}
	if len(h.perNet) != 2 {
		t.Errorf("%d networks counted, want 2", len(h.perNet))
	}
}

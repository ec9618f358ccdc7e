package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// receiver is an HTTP endpoint that records what it receives and answers
// with status (settable).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	requests []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, received{req.Header.Clone(), body})
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.requests...)
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// logOf is the delivery log of w, newest first.
func logOf(t *testing.T, st *store.Store, w *store.Webhook) []store.WebhookDelivery {
	t.Helper()
	log, err := st.WebhookDeliveries(context.Background(), w.SiteID, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func deliver(t *testing.T, wk *webhook.Worker) int {
	t.Helper()
	n, err := wk.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDeliverySigned: a held comment reaches a real HTTP endpoint as JSON
// whose signature the endpoint verifies with the webhook's secret; the
// payload has the comment's status and never the guest's email; a changed
// body or an old timestamp fails verification; the log shows the delivery.
func TestDeliverySigned(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newReceiver(t, http.StatusNoContent)
		const secret = "the-webhook-secret"
		site, w := siteWithHook(t, st, r.URL+"/hook", secret)
		c := &model.Comment{SiteID: site.ID, GuestName: "Gus", GuestEmail: "gus@example.com", Text: "Hello", HTML: "<p>Hello</p>",
			Status: model.StatusPending, HoldReason: "guest", IP: "192.0.2.7"}
		if err := st.CreateComment(ctx, c, store.NewComment{Path: "/post"}); err != nil {
			t.Fatal(err)
		}
		wk := webhook.NewWorker(st, webhook.WorkerOptions{AllowPrivate: true})
		if n := deliver(t, wk); n != 1 {
			t.Fatalf("claimed %d deliveries, want 1", n)
		}
		got := r.got()
		if len(got) != 1 {
			t.Fatalf("the endpoint got %d requests", len(got))
		}
		h, body := got[0].header, got[0].body
		if err := webhook.Verify(secret, body, h.Get(webhook.HeaderTimestamp), h.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance); err != nil {
			t.Errorf("verify: %v", err)
		}
		if h.Get("Content-Type") != "application/json" || h.Get(webhook.HeaderEvent) != store.WebhookCommentCreated ||
			h.Get(webhook.HeaderDelivery) != strconv.FormatInt(logOf(t, st, w)[0].ID, 10) {
			t.Errorf("headers %v", h)
		}
		var p store.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil || p.Comment.ID != c.ID || p.Comment.Status != "pending" || p.Comment.Author.Name != "Gus" {
			t.Errorf("payload %s (%v)", body, err)
		}
		for _, secretData := range []string{"gus@example.com", "192.0.2.7"} {
			if strings.Contains(string(body), secretData) {
				t.Errorf("the payload holds %q", secretData)
			}
		}
		ts := h.Get(webhook.HeaderTimestamp)
		if err := webhook.Verify(secret, append(body, ' '), ts, h.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance); !errors.Is(err, webhook.ErrSignature) {
			t.Errorf("a changed body: %v", err)
		}
		if err := webhook.Verify("another", body, ts, h.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance); !errors.Is(err, webhook.ErrSignature) {
			t.Errorf("another secret: %v", err)
		}
		later := time.Now().Add(webhook.DefaultTolerance + time.Minute)
		if err := webhook.Verify(secret, body, ts, h.Get(webhook.HeaderSignature), later, webhook.DefaultTolerance); !errors.Is(err, webhook.ErrTimestamp) {
			t.Errorf("a replay after the tolerance: %v", err)
		}
		if log := logOf(t, st, w); len(log) != 1 || log[0].Status != store.DeliveryDelivered || log[0].HTTPStatus != 204 || log[0].Attempts != 1 {
			t.Errorf("log %+v", log)
		}
	})
}

// TestDeliveryRetriesThenDead: an endpoint answering 500 is retried after
// 30 s, then 60 s (notify.Backoff, no jitter), not before; after the last
// attempt the delivery is dead; sent again by the owner, it is delivered.
func TestDeliveryRetriesThenDead(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock{t: time.Now()}
		st.SetClock(clk.now)
		r := newReceiver(t, http.StatusInternalServerError)
		site, w := siteWithHook(t, st, r.URL, "secret")
		id, err := st.QueueWebhookPing(ctx, site.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		wk := webhook.NewWorker(st, webhook.WorkerOptions{AllowPrivate: true, MaxAttempts: 3, Now: clk.now, Jitter: func() float64 { return 0 }})
		for i, wait := range []time.Duration{30 * time.Second, 60 * time.Second} {
			if n := deliver(t, wk); n != 1 {
				t.Fatalf("attempt %d: claimed %d", i+1, n)
			}
			log := logOf(t, st, w)[0]
			if log.Status != store.DeliveryPending || log.HTTPStatus != 500 || log.LastError != "HTTP 500" || !log.NextAttemptAt.Equal(clk.now().Add(wait).Truncate(time.Millisecond)) {
				t.Errorf("after attempt %d: %+v, want a retry in %s", i+1, log, wait)
			}
			clk.advance(wait - time.Second)
			if n := deliver(t, wk); n != 0 {
				t.Errorf("retried %s early", time.Second)
			}
			clk.advance(time.Second)
		}
		deliver(t, wk)
		if log := logOf(t, st, w)[0]; log.Status != store.DeliveryDead || log.Attempts != 3 || log.HTTPStatus != 500 {
			t.Errorf("after the last attempt: %+v", log)
		}
		clk.advance(24 * time.Hour)
		if n := deliver(t, wk); n != 0 || len(r.got()) != 3 {
			t.Errorf("a dead delivery was tried again: %d, %d requests", n, len(r.got()))
		}
		r.answer(http.StatusOK)
		if err := st.ResendDelivery(ctx, site.ID, w.ID, id, clk.now()); err != nil {
			t.Fatal(err)
		}
		deliver(t, wk)
		if log := logOf(t, st, w)[0]; log.Status != store.DeliveryDelivered || log.HTTPStatus != 200 || len(r.got()) != 4 {
			t.Errorf("resent: %+v", log)
		}
		got := r.got()
		if got[0].header.Get(webhook.HeaderDelivery) != got[3].header.Get(webhook.HeaderDelivery) {
			t.Errorf("attempts of one delivery have different ids")
		}
	})
}

// TestDeliveryRefusals: an endpoint on a loopback address is refused
// without a connection (dead at once) unless allowed; a slow endpoint times
// out; a redirect is not followed; an endless answer does not hold the
// worker: past MaxResponseBytes it is not read, so the 200 stands (read to
// its end, it would run into the timeout).
func TestDeliveryRefusals(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		hits := map[string]int{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits[r.URL.Path]++
			mu.Unlock()
			switch r.URL.Path {
			case "/slow":
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			case "/redirect":
				http.Redirect(w, r, "/elsewhere", http.StatusFound)
			case "/endless":
				chunk := make([]byte, 32<<10)
				for {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}
		}))
		t.Cleanup(srv.Close)
		site, private := siteWithHook(t, st, srv.URL+"/private", "secret")
		hook := func(path string) *store.Webhook {
			w := &store.Webhook{SiteID: site.ID, URL: srv.URL + path, Events: store.WebhookEvents}
			if err := st.CreateWebhook(ctx, w, "secret"); err != nil {
				t.Fatal(err)
			}
			if _, err := st.QueueWebhookPing(ctx, site.ID, w.ID); err != nil {
				t.Fatal(err)
			}
			return w
		}
		if _, err := st.QueueWebhookPing(ctx, site.ID, private.ID); err != nil {
			t.Fatal(err)
		}
		deliver(t, webhook.NewWorker(st, webhook.WorkerOptions{}))
		if log := logOf(t, st, private)[0]; log.Status != store.DeliveryDead || !strings.Contains(log.LastError, "non-public address 127.0.0.1") {
			t.Errorf("a loopback endpoint: %+v", log)
		}
		slow, redirect, endless := hook("/slow"), hook("/redirect"), hook("/endless")
		deliver(t, webhook.NewWorker(st, webhook.WorkerOptions{AllowPrivate: true, Timeout: time.Second}))
		if log := logOf(t, st, slow)[0]; log.Status != store.DeliveryPending || log.HTTPStatus != 0 || log.LastError != "no answer within 1s" {
			t.Errorf("a slow endpoint: %+v", log)
		}
		if log := logOf(t, st, redirect)[0]; log.Status != store.DeliveryPending || log.HTTPStatus != 302 || !strings.Contains(log.LastError, "redirects are not followed") {
			t.Errorf("a redirect: %+v", log)
		}
		if log := logOf(t, st, endless)[0]; log.Status != store.DeliveryDelivered || log.HTTPStatus != 200 {
			t.Errorf("an endless answer: %+v", log)
		}
		mu.Lock()
		defer mu.Unlock()
		if hits["/private"] != 0 || hits["/elsewhere"] != 0 {
			t.Errorf("requests %v: the loopback endpoint was reached or a redirect followed", hits)
		}
	})
}

package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// The delivery policy. A failed attempt is retried as mail is
// (notify.Backoff: 30 s doubling to an hour, with jitter); after
// MaxAttempts attempts, about a day after the event, the delivery is dead
// and the owner may send it again from the dashboard. An endpoint whose
// address is not public is dead at once.
const (
	MaxAttempts      = notify.MaxAttempts
	DeliveryTimeout  = 10 * time.Second   // one attempt: connecting, sending, the answer's headers and MaxResponseBytes of it
	MaxResponseBytes = 64 << 10           // of an answer, read then dropped: only its status counts
	PollInterval     = 5 * time.Second    // how often the outbox is checked without a Wake
	BatchSize        = 10                 // deliveries claimed at once
	Retention        = 7 * 24 * time.Hour // finished deliveries are purged this long after their event
	recordTimeout    = 10 * time.Second
	leaseMargin      = time.Minute
	userAgent        = "Parley-Webhook/1"
)

// WorkerOptions tune a Worker; the zero value of each field is its default.
type WorkerOptions struct {
	// AllowPrivate also delivers to loopback and private addresses, and
	// over http (PARLEY_WEBHOOK_ALLOW_PRIVATE; tests).
	AllowPrivate bool
	Timeout      time.Duration
	MaxAttempts  int
	Poll         time.Duration
	Now          func() time.Time // the clock of signatures, retries and purges
	Jitter       func() float64   // in [0, 1); default random
	Log          *slog.Logger
}

// Worker delivers the due webhook deliveries. Like the mail worker, several
// workers never claim one delivery at once, and delivery is at least once.
type Worker struct {
	store  *store.Store
	client *http.Client
	opt    WorkerOptions
	wake   chan struct{}
}

// NewWorker returns a Worker delivering st's queued webhook events.
func NewWorker(st *store.Store, opt WorkerOptions) *Worker {
	if opt.Timeout <= 0 {
		opt.Timeout = DeliveryTimeout
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = MaxAttempts
	}
	if opt.Poll <= 0 {
		opt.Poll = PollInterval
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	transport := media.PublicTransport(media.FetcherOptions{AllowPrivate: opt.AllowPrivate}, opt.Timeout)
	client := &http.Client{Transport: transport, Timeout: opt.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Worker{store: st, client: client, opt: opt, wake: make(chan struct{}, 1)}
}

// Wake makes a running worker look for due deliveries now; it never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due deliveries until ctx ends: at start, at every poll and
// Wake (once the wakes of a burst of comments settled: notify.NotifySettle);
// it purges old finished deliveries hourly.
func (w *Worker) Run(ctx context.Context) {
	notify.Loop{Poll: w.opt.Poll, Wake: w.wake, Settle: notify.NotifySettle, Now: w.opt.Now, StepFailed: "deliver webhooks", Log: w.opt.Log,
		Step: func(ctx context.Context) (bool, error) {
			n, err := w.DeliverDue(ctx)
			return n >= BatchSize, err
		},
		Hourly: func(ctx context.Context, now time.Time) {
			if _, err := w.store.PurgeDeliveries(ctx, now.Add(-Retention)); err != nil && ctx.Err() == nil {
				w.opt.Log.Error("purge webhook deliveries", "err", err)
			}
		}}.Run(ctx)
}

// DeliverDue claims one batch of due deliveries and makes one attempt at
// each, recording every outcome; it returns how many it claimed.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	lease := BatchSize*w.opt.Timeout + leaseMargin
	due, err := w.store.ClaimDueDeliveries(ctx, w.opt.Now(), BatchSize, lease)
	if err != nil {
		return 0, err
	}
	for i, d := range due {
		if ctx.Err() != nil {
			w.release(ctx, due[i:])
			break
		}
		w.deliver(ctx, d)
	}
	return len(due), nil
}

// deliver makes one attempt at d and records its outcome; a stopping
// worker finishes the delivery in hand rather than send it twice.
func (w *Worker) deliver(ctx context.Context, d store.QueuedDelivery) {
	log := w.opt.Log.With("delivery_id", d.ID, "webhook_id", d.WebhookID, "event", d.Event, "attempt", d.Attempt)
	status, err := w.post(context.WithoutCancel(ctx), d)
	now := w.opt.Now()
	o := store.DeliveryOutcome{Status: store.DeliveryDelivered, At: now, HTTPStatus: status}
	var blocked *media.BlockedAddressError
	switch {
	case err == nil:
		log.Info("webhook delivered", "status", status)
	case errors.As(err, &blocked) || d.Attempt >= w.opt.MaxAttempts || d.Secret == "":
		o.Status, o.Error = store.DeliveryDead, err.Error()
		log.Warn("webhook undeliverable, given up", "err", err, "status", status)
	default:
		o.Status, o.Error = store.DeliveryPending, err.Error()
		o.RetryAt = now.Add(notify.Backoff(d.Attempt, w.opt.Jitter()))
		log.Info("webhook delivery failed", "err", err, "status", status, "retry_at", o.RetryAt)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := w.store.FinishDelivery(rctx, d.ID, d.Attempt, o); errors.Is(err, store.ErrLostClaim) {
		log.Warn("webhook outcome not recorded: its lease ran out and another attempt took it; it may arrive twice")
	} else if err != nil {
		log.Error("record webhook outcome", "err", err)
	}
}

// post sends d once and returns the endpoint's status (0 when none came)
// and why the attempt failed: no answer, or one other than 2xx.
func (w *Worker) post(ctx context.Context, d store.QueuedDelivery) (int, error) {
	if d.Secret == "" {
		return 0, errors.New("the webhook's secret does not open with the secret key")
	}
	ctx, cancel := context.WithTimeout(ctx, w.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, errors.New("the webhook's address is not a valid URL")
	}
	ts := w.opt.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderEvent, d.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(d.Secret, ts, d.Payload))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, w.summary(err)
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
	if err != nil {
		err = w.summary(err)
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Errorf("HTTP %d: redirects are not followed", resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	case err != nil:
		return resp.StatusCode, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, nil
}

// summary is what the log and the delivery log keep of a failed
// request: any timeout (connecting, TLS, the headers, the body) says so in
// one way, and no error names the URL.
func (w *Worker) summary(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no answer within %s", w.opt.Timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// release gives back claimed deliveries that were not tried.
func (w *Worker) release(ctx context.Context, untried []store.QueuedDelivery) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	for _, d := range untried {
		if err := w.store.ReleaseDelivery(rctx, d.ID, d.Attempt, w.opt.Now()); err != nil {
			w.opt.Log.Warn("release webhook delivery", "err", err, "delivery_id", d.ID)
		}
	}
}

package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/store"
)

// The delivery policy. A failed attempt is retried after FirstRetry,
// doubling up to MaxRetryDelay, each delay plus up to a fifth of random
// jitter (so that mails queued together do not retry together). After
// MaxAttempts attempts, about a day after the mail was queued, it is dead. A
// permanent refusal (SMTP 5xx) makes it dead at once.
const (
	FirstRetry    = 30 * time.Second
	MaxRetryDelay = time.Hour
	MaxAttempts   = 30
	jitterShare   = 0.2
)

// Defaults of WorkerOptions.
const (
	PollInterval  = 10 * time.Second   // how often the outbox is checked without a Wake
	SendTimeout   = 30 * time.Second   // deadline of one delivery
	BatchSize     = 10                 // mails claimed at once
	Retention     = 7 * 24 * time.Hour // sent and dead mails are purged this long after they were queued
	purgeInterval = time.Hour
	recordTimeout = 10 * time.Second // deadline of recording an outcome, even while stopping
	leaseMargin   = time.Minute      // a claim's lease: every send of the batch, and this
)

// Backoff is the delay before the attempt after failed attempt number
// attempt (from 1); jitter in [0, 1) adds up to a fifth of it.
func Backoff(attempt int, jitter float64) time.Duration {
	d := MaxRetryDelay
	if shift := attempt - 1; shift < 20 && FirstRetry<<shift < MaxRetryDelay {
		d = FirstRetry << shift
	}
	return d + time.Duration(float64(d)*jitterShare*jitter)
}

// WorkerOptions tune a Worker; the zero value of each field is its default.
type WorkerOptions struct {
	Poll        time.Duration
	SendTimeout time.Duration
	Batch       int // at most store.MaxMailClaim
	MaxAttempts int
	Retention   time.Duration
	Now         func() time.Time // the clock of retries and purges
	Jitter      func() float64   // in [0, 1); default random
	Log         *slog.Logger
}

// Worker delivers the outbox's due mail. Several workers, in one process or
// in several servers sharing a PostgreSQL database, never claim the same
// mail at the same time. Delivery is at least once: a worker that dies
// between handing a mail over and recording it leaves the mail to be sent
// again after its lease.
type Worker struct {
	store  *store.Store
	mailer Mailer
	opt    WorkerOptions
	wake   chan struct{}
	m      workerMetrics
}

type workerMetrics struct {
	sent, failed, dead *metrics.Counter
	pending            atomic.Int64
}

// NewWorker returns a Worker delivering st's outbox through mailer.
func NewWorker(st *store.Store, mailer Mailer, opt WorkerOptions) *Worker {
	if opt.Poll <= 0 {
		opt.Poll = PollInterval
	}
	if opt.SendTimeout <= 0 {
		opt.SendTimeout = SendTimeout
	}
	opt.Batch = min(max(opt.Batch, 0), store.MaxMailClaim)
	if opt.Batch == 0 {
		opt.Batch = BatchSize
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = MaxAttempts
	}
	if opt.Retention <= 0 {
		opt.Retention = Retention
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
	w := &Worker{store: st, mailer: mailer, opt: opt, wake: make(chan struct{}, 1)}
	w.ExportMetrics(metrics.NewSet())
	return w
}

// ExportMetrics registers the worker's metrics in set, for /metrics: mails
// sent, failed attempts (to be retried), dead mails and mails pending. They
// have no labels: nothing about a recipient can reach them.
func (w *Worker) ExportMetrics(set *metrics.Set) {
	w.m.sent = set.GetOrCreateCounter("parley_mail_sent_total")
	w.m.failed = set.GetOrCreateCounter("parley_mail_failed_total")
	w.m.dead = set.GetOrCreateCounter("parley_mail_dead_total")
	set.GetOrCreateGauge("parley_mail_pending", func() float64 { return float64(w.m.pending.Load()) })
}

// Wake makes a running worker look at the outbox now rather than at its next
// poll; call it after queueing a mail. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers due mail until ctx ends: at start, at every poll and Wake, and
// purges old sent and dead mail hourly. A delivery in progress when ctx ends
// finishes (within SendTimeout) and is recorded; mails claimed but not yet
// tried are given back.
func (w *Worker) Run(ctx context.Context) {
	Loop{Poll: w.opt.Poll, Wake: w.wake, Now: w.opt.Now, StepFailed: "deliver mail", Log: w.opt.Log,
		Step: func(ctx context.Context) (bool, error) {
			n, err := w.DeliverDue(ctx)
			return n >= w.opt.Batch, err
		},
		Hourly: w.purge, Idle: w.countPending}.Run(ctx)
}

// DeliverDue claims one batch of due mail and tries each once, recording
// every outcome; it returns how many mails it claimed.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	lease := time.Duration(w.opt.Batch)*w.opt.SendTimeout + leaseMargin
	due, err := w.store.ClaimDueMail(ctx, w.opt.Now(), w.opt.Batch, lease)
	if err != nil {
		return 0, err
	}
	for i, q := range due {
		if ctx.Err() != nil {
			w.release(ctx, due[i:])
			break
		}
		w.deliver(ctx, q)
	}
	return len(due), nil
}

// deliver makes one attempt at q and records its outcome. Neither the send
// nor the record is cut short by ctx: a stopping worker finishes the mail in
// hand rather than leave it to be sent twice.
func (w *Worker) deliver(ctx context.Context, q store.QueuedMail) {
	log := w.opt.Log.With("outbox_id", q.ID, "kind", q.Kind, "attempt", q.Attempt)
	var err error
	if q.Opened {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
		err = w.mailer.Send(sctx, q.Mail)
		cancel()
	} else {
		err = &DeliveryError{Summary: "the sealed mail does not open with the secret key", Permanent: true}
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := w.opt.Now()
	if err == nil {
		w.m.sent.Inc()
		log.Info("mail sent")
		w.record(log, w.store.MarkMailSent(rctx, q.ID, q.Attempt, now))
		return
	}
	summary, permanent := describe(err)
	if permanent || q.Attempt >= w.opt.MaxAttempts {
		w.m.dead.Inc()
		log.Error("mail undeliverable, given up", "err", summary, "permanent", permanent)
		w.record(log, w.store.MarkMailDead(rctx, q.ID, q.Attempt, summary))
		return
	}
	retry := now.Add(Backoff(q.Attempt, w.opt.Jitter()))
	w.m.failed.Inc()
	log.Warn("send mail", "err", summary, "retry_at", retry)
	w.record(log, w.store.MarkMailFailed(rctx, q.ID, q.Attempt, retry, summary))
}

// record logs a failure to record an outcome.
func (w *Worker) record(log *slog.Logger, err error) {
	switch {
	case errors.Is(err, store.ErrLostClaim):
		log.Warn("mail outcome not recorded: its lease ran out and another attempt took it; it may arrive twice")
	case err != nil:
		log.Error("record mail outcome", "err", err)
	}
}

// release gives back claimed mails that were not tried.
func (w *Worker) release(ctx context.Context, untried []store.QueuedMail) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	for _, q := range untried {
		if err := w.store.ReleaseMail(rctx, q.ID, q.Attempt, w.opt.Now()); err != nil {
			w.opt.Log.Warn("release mail", "err", err, "outbox_id", q.ID)
		}
	}
}

func (w *Worker) purge(ctx context.Context, now time.Time) {
	n, err := w.store.PurgeMail(ctx, now.Add(-w.opt.Retention))
	if err != nil && ctx.Err() == nil {
		w.opt.Log.Error("purge old mail", "err", err)
	} else if n > 0 {
		w.opt.Log.Info("purged old mail", "mails", n)
	}
}

func (w *Worker) countPending(ctx context.Context) {
	if n, err := w.store.PendingMailCount(ctx); err == nil {
		w.m.pending.Store(int64(n))
	}
}

package notify

import (
	"context"
	"log/slog"
	"time"
)

// Loop is the loop of a background worker fed by rows in the database (the
// mail outbox, the notification events, the webhook deliveries): it takes
// steps until none is left, runs its hourly chores, then waits for a wake
// or the next poll, until ctx ends.
type Loop struct {
	Poll time.Duration
	Wake <-chan struct{}
	Now  func() time.Time
	// Step does one batch of work and reports whether there may be more.
	Step func(context.Context) (more bool, err error)
	// StepFailed is the log message of a failed step (a constant).
	StepFailed string
	// Hourly runs at the first round and then at most once an hour of Now
	// (purges); nil for none.
	Hourly func(ctx context.Context, now time.Time)
	// Idle runs at the end of every round, before the wait; nil for none.
	Idle func(context.Context)
	// Settle, when set, is how long a round waits after a wake before its
	// first step, so that the work of a burst (many comments in a second)
	// is taken in a few steps instead of one each.
	Settle time.Duration
	Log    *slog.Logger
}

// Run runs the loop until ctx ends.
func (l Loop) Run(ctx context.Context) {
	t := time.NewTicker(l.Poll)
	defer t.Stop()
	var ranHourly time.Time
	for {
		for ctx.Err() == nil {
			more, err := l.Step(ctx)
			if err != nil && ctx.Err() == nil {
				l.Log.Error(l.StepFailed, "err", err)
			}
			if err != nil || !more {
				break
			}
		}
		if now := l.Now(); l.Hourly != nil && ctx.Err() == nil && now.Sub(ranHourly) >= purgeInterval {
			l.Hourly(ctx, now)
			ranHourly = now
		}
		if l.Idle != nil {
			l.Idle(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.Wake:
			if l.Settle > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(l.Settle):
				}
			}
		}
	}
}

package backup

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// FirstDelay is how long a server waits before its first backup when the
// directory holds none: a server started for a moment (a test, a check)
// takes no backup.
const FirstDelay = 5 * time.Minute

// Schedule takes a backup every Interval and prunes those older than
// Retention.
type Schedule struct {
	Store     *store.Store
	Dir       string
	Interval  time.Duration
	Retention time.Duration
	Log       *slog.Logger
	Now       func() time.Time
}

// Run prunes, then backs up whenever Interval has passed since the newest
// backup of Dir (FirstDelay after start when there is none), pruning after
// each, until ctx ends. A failure is logged and retried at the next turn.
func (s Schedule) Run(ctx context.Context) {
	s.prune()
	for {
		wait := FirstDelay
		if all, err := List(s.Dir); err != nil {
			s.Log.Error("list backups", "err", err)
		} else if len(all) > 0 {
			wait = max(all[len(all)-1].Taken.Add(s.Interval).Sub(s.Now()), 0)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if path, err := Take(ctx, s.Store, s.Dir, s.Now()); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.Log.Error("backup", "err", err)
			wait = s.Interval // no tight loop on a full disk
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		} else {
			s.Log.Info("backup taken", "file", path)
		}
		s.prune()
	}
}

func (s Schedule) prune() {
	if n, err := Prune(s.Dir, s.Retention, s.Now()); err != nil {
		s.Log.Error("prune backups", "err", err)
	} else if n > 0 {
		s.Log.Info("pruned backups", "files", n)
	}
}

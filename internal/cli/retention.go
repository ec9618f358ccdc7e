package cli

import (
	"context"
	"time"
)

// purgeUnverified deletes the accounts whose email was not confirmed within
// retention (PARLEY_UNVERIFIED_RETENTION), now and then every
// retentionInterval; removed is told when some went, so that cached
// threads drop their comments and sites.
func purgeUnverified(ctx context.Context, a *app, retention time.Duration, removed func(context.Context)) {
	t := time.NewTicker(retentionInterval)
	defer t.Stop()
	for {
		n, err := a.store.PurgeUnverifiedAccounts(ctx, time.Now().Add(-retention))
		if err != nil && ctx.Err() == nil {
			a.log.Error("purge unverified accounts", "err", err)
		}
		if n > 0 {
			a.log.Info("purged unverified accounts", "accounts", n)
			removed(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// keyReloadInterval is how often serve reads its key file again, so that it
// seals with a key that `parley keys rotate` added before the rotation
// retires the older one (a value sealed with an unknown key makes it read
// the file at once, too).
const keyReloadInterval = 10 * time.Second

// keyRotationSettle is how long keys rotate waits, once nothing is left to
// re-seal, before its last pass and the retirement of the older keys: long
// enough that every running server has read the new key.
const keyRotationSettle = 3 * keyReloadInterval

const keysUsage = `Usage:
  parley keys rotate [--settle DURATION]
    adds a new sealing key to the key file, re-seals every sealed value with it in
    batches while servers keep running, then retires the older keys. Run it again
    (or start the server) to finish a rotation that was interrupted.
`

func runKeys(ctx context.Context, e env, args []string) error {
	if asked, err := groupHelp(e, args, keysUsage); asked {
		return err
	}
	if args[0] != "rotate" {
		return fmt.Errorf("%w: unknown keys command %q (rotate)", ErrUsage, args[0])
	}
	settle := keyRotationSettle
	cfg, pos, err := loadConfig("keys rotate", "", e, args[1:], func(fs *flag.FlagSet) {
		fs.DurationVar(&settle, "settle", keyRotationSettle, "wait this long for running servers to read the new key before retiring the old one")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: keys rotate takes no arguments", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.key.File == "" {
		return fmt.Errorf("the keys come from PARLEY_SECRET_KEY, which Parley cannot rewrite: move them to a file " +
			"(PARLEY_SECRET_KEY_FILE) that Parley may write, then rotate")
	}
	if a.key.Ring.Len() == 1 {
		secret := make([]byte, 32)
		rand.Read(secret)
		ring, err := a.key.Ring.Rotated(secret)
		if err != nil {
			return err
		}
		if err := a.key.WriteRing(ring); err != nil {
			return err
		}
		if err := a.sealer.Reload(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "new key %s written to %s; back up that file\n", a.sealer.KeyID(), a.key.File)
	} else {
		fmt.Fprintf(e.stdout, "resuming the rotation to key %s\n", a.sealer.KeyID())
	}
	return finishRotation(ctx, a, settle, e.stdout)
}

// finishRotation re-seals every value with the newest key until a pass
// finds none left, waits until settle has passed since the key file was
// written, for running servers to have read the new key,
// passes once more, records the new key check and retires the older keys
// from the key file. Every step may be interrupted and run again.
func finishRotation(ctx context.Context, a *app, settle time.Duration, out io.Writer) error {
	for waited := false; ; {
		n, err := a.store.ResealPass(ctx, func(table, column string, n int) {
			fmt.Fprintf(out, "re-sealed %d values of %s.%s\n", n, table, column)
		})
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if wait := settleLeft(a, settle); !waited && wait > 0 {
			fmt.Fprintf(out, "waiting %s for running servers to read the new key\n", wait.Round(time.Second))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			waited = true
			continue
		}
		break
	}
	if err := a.store.FinishReseal(ctx); errors.Is(err, store.ErrStaleValues) {
		return finishRotation(ctx, a, 0, out)
	} else if err != nil {
		return err
	}
	ring, err := a.key.Reload()
	if err != nil {
		return err
	}
	if err := a.key.WriteRing(ring.Retired()); err != nil {
		return err
	}
	if err := a.sealer.Reload(); err != nil {
		return err
	}
	fmt.Fprintf(out, "rotation done: every value is sealed with key %s; the older keys are retired\n", a.sealer.KeyID())
	return nil
}

// settleLeft is what remains of settle since the key file was last
// written, when the new key appeared to the servers reading it: a rotation
// resumed long after it was interrupted need not wait again.
func settleLeft(a *app, settle time.Duration) time.Duration {
	info, err := os.Stat(a.key.File)
	if err != nil {
		return settle
	}
	return settle - time.Since(info.ModTime())
}

// resumeRotation finishes, in the background of serve, a rotation that a
// kill or a crash interrupted: the key file still holds older keys.
func resumeRotation(ctx context.Context, a *app) {
	if a.key.File == "" || a.key.Ring.Len() == 1 {
		return
	}
	a.log.Info("resuming key rotation", "key_id", a.sealer.KeyID())
	if err := finishRotation(ctx, a, keyRotationSettle, io.Discard); err != nil && ctx.Err() == nil {
		a.log.Error("key rotation", "err", err)
		return
	}
	a.log.Info("key rotation done", "key_id", a.sealer.KeyID())
}

// reloadKeys reads the key file every keyReloadInterval, so that the server
// seals with the key a rotation added.
func reloadKeys(ctx context.Context, a *app) {
	if a.key.File == "" {
		return
	}
	t := time.NewTicker(keyReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.sealer.Reload(); err != nil {
				a.log.Error("reload keys", "err", err)
			}
		}
	}
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/store"
)

// siteSpam serves parley site spam HOST: shows the site's spam policy
// (docs/moderation.md) and changes the parts given as flags.
func siteSpam(ctx context.Context, e env, args []string) error {
	var moderation, linkLimit, holdImages, held, blocked, pow string
	cfg, pos, err := loadConfig("site spam", " HOST [flags]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&moderation, "moderation", "", "none, first, guests or all")
		fs.StringVar(&linkLimit, "link-limit", "", "hold comments with this many links or more (0: no limit)")
		fs.StringVar(&holdImages, "hold-images", "", "true or false: hold comments with an image")
		fs.StringVar(&held, "held-words", "", "FILE of words and phrases that hold a comment, one a line (an empty file clears the list)")
		fs.StringVar(&blocked, "blocked-words", "", "FILE of words and phrases that mark a comment spam, one a line")
		fs.StringVar(&pow, "proof-of-work", "", fmt.Sprintf("off, on (the instance's difficulty) or a difficulty from %d to %d: guests and anonymous commenters solve a proof of work", captcha.MinDifficulty, captcha.MaxDifficulty))
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: site spam takes one HOST", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := findSite(ctx, a, pos[0])
	if err != nil {
		return err
	}
	set := &site.Settings
	changed := moderation+linkLimit+holdImages+held+blocked+pow != ""
	if err := applySpamFlags(set, moderation, linkLimit, holdImages, held, blocked); err != nil {
		return err
	}
	if err := applyProofOfWork(set, pow); err != nil {
		return err
	}
	if changed {
		if err := a.store.UpdateSite(ctx, site); err != nil {
			return err
		}
		a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	}
	fmt.Fprintf(e.stdout, "site %s: moderation %s, link limit %d, hold images %t, %d held words, %d blocked words, proof of work %s\n",
		site.Host, set.Moderation, set.LinkLimit, set.HoldImages, len(set.HeldWords), len(set.BlockedWords), proofOfWork(*set))
	return nil
}

// applySpamFlags sets the flags given (not empty) and checks the result
// with policy.Check.
func applySpamFlags(set *model.SiteSettings, moderation, linkLimit, holdImages, held, blocked string) error {
	var err error
	if moderation != "" {
		set.Moderation = moderation
	}
	if linkLimit != "" {
		if set.LinkLimit, err = strconv.Atoi(linkLimit); err != nil {
			return fmt.Errorf("%w: --link-limit must be a number", ErrUsage)
		}
	}
	if holdImages != "" {
		if set.HoldImages, err = strconv.ParseBool(holdImages); err != nil {
			return fmt.Errorf("%w: --hold-images must be true or false", ErrUsage)
		}
	}
	if held != "" {
		if set.HeldWords, err = readWordList(held); err != nil {
			return err
		}
	}
	if blocked != "" {
		if set.BlockedWords, err = readWordList(blocked); err != nil {
			return err
		}
	}
	var msgs []string
	for _, p := range policy.Check(*set) {
		msgs = append(msgs, p.Message)
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%w: %s", ErrUsage, strings.Join(msgs, "; "))
	}
	return nil
}

// applyProofOfWork sets the site's proof-of-work from --proof-of-work
// (docs/moderation.md, "Flood and abuse limits"): "" leaves it, off, on
// (at the instance's difficulty) or a difficulty within the CAPTCHA's
// bounds.
func applyProofOfWork(set *model.SiteSettings, v string) error {
	switch v {
	case "":
	case "off":
		set.ProofOfWork, set.ProofOfWorkDifficulty = false, 0
	case "on":
		set.ProofOfWork, set.ProofOfWorkDifficulty = true, 0
	default:
		d, err := strconv.Atoi(v)
		if err != nil || d < captcha.MinDifficulty || d > captcha.MaxDifficulty {
			return fmt.Errorf("%w: --proof-of-work must be off, on or a difficulty from %d to %d", ErrUsage, captcha.MinDifficulty, captcha.MaxDifficulty)
		}
		set.ProofOfWork, set.ProofOfWorkDifficulty = true, d
	}
	return nil
}

// proofOfWork describes the site's proof-of-work setting.
func proofOfWork(set model.SiteSettings) string {
	switch {
	case !set.ProofOfWork:
		return "off"
	case set.ProofOfWorkDifficulty == 0:
		return "on"
	}
	return "on at " + strconv.Itoa(set.ProofOfWorkDifficulty)
}

// readWordList reads a file of words and phrases, one a line; blank lines
// and lines starting with # are skipped. It reads at most one line more
// than policy.MaxListEntries allows, so that policy.Check refuses the list.
func readWordList(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := []string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) <= policy.MaxListEntries {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: %s has a line longer than a word list entry may be", ErrUsage, name)
		}
		return nil, err
	}
	return out, nil
}

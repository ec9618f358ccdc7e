package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

const mailUsage = `Usage:
  parley mail test ADDRESS

Queues a test mail to ADDRESS; a running parley serve sends it through PARLEY_SMTP_URL
(or prints it to its log when that is not set). See docs/mail.md.
`

func runMail(ctx context.Context, e env, args []string) error {
	if asked, err := groupHelp(e, args, mailUsage); asked {
		return err
	}
	if args[0] == "test" {
		return mailTest(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown mail command %q (test)", ErrUsage, args[0])
}

func mailTest(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("mail test", " ADDRESS", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: mail test takes one ADDRESS", ErrUsage)
	}
	if a, err := mail.ParseAddress(pos[0]); err != nil || a.Address != pos[0] {
		return fmt.Errorf("%w: %q is not an address such as you@example.com", ErrUsage, pos[0])
	}
	m, err := notify.TestMail(pos[0], instanceSender(cfg))
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.store.EnqueueMail(ctx, m)
	if err != nil {
		return err
	}
	via := "printed to its log (PARLEY_SMTP_URL is not set)"
	if u, err := smtpurl.Parse(cfg.SMTPURL); err == nil {
		via = "sent through " + u.Address()
	}
	fmt.Fprintf(e.stdout, "queued test mail %d to %s: a running parley serve picks it up within %s and it is %s;\n"+
		"failures and retries are logged with outbox_id=%d\n", id, pos[0], notify.PollInterval, via, id)
	return nil
}

// instanceSender is the sender named in mail about the instance itself.
func instanceSender(cfg *config.Config) notify.Sender { return notify.InstanceSender(cfg.PublicURL) }

// newMailer is SMTP when PARLEY_SMTP_URL is set, otherwise the development
// mailer, which prints mails (addresses included) to the log: serve says so.
func newMailer(cfg *config.Config, log *slog.Logger) (notify.Mailer, error) {
	if cfg.SMTPURL == "" {
		log.Warn("PARLEY_SMTP_URL is not set: mails are printed to this log, addresses and links included, instead of sent (fine for development only)")
		from := cfg.MailFrom
		if from == "" {
			from = "parley@" + instanceSender(cfg).Name
		}
		return notify.NewLogMailer(log, from), nil
	}
	u, err := smtpurl.Parse(cfg.SMTPURL)
	if err != nil {
		return nil, fmt.Errorf("PARLEY_SMTP_URL: %w", err)
	}
	return notify.NewSMTPMailer(u, cfg.MailFrom)
}

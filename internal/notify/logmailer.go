package notify

import (
	"context"
	"log/slog"

	"github.com/parleyhq/parley/internal/model"
)

// LogMailer is the development mailer, used when PARLEY_SMTP_URL is not
// set: it "delivers" a mail by printing it to the log at info level, so that
// a developer can read it and follow its links without a mail server.
//
// It is the one stated exception to "never log personal data": the
// recipient's address, the subject and the text part are logged. Serve
// warns at start that mails go to the log; configure SMTP in production.
type LogMailer struct {
	log  *slog.Logger
	from string
}

// NewLogMailer returns a LogMailer printing to log as sent from from.
func NewLogMailer(log *slog.Logger, from string) *LogMailer {
	return &LogMailer{log: log, from: from}
}

// Send prints m and never fails.
func (l *LogMailer) Send(ctx context.Context, m model.Mail) error {
	l.log.InfoContext(ctx, "mail printed instead of sent (PARLEY_SMTP_URL is not set)",
		"kind", m.Kind, "from", l.from, "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

package notify

import (
	"context"
	"errors"

	"github.com/parleyhq/parley/internal/model"
)

// Mailer delivers one mail. Send returns nil once the mail is handed over
// (accepted by the SMTP server); an error that is a *DeliveryError says
// whether retrying can help and carries a summary without personal data.
// Send must return by ctx's deadline.
type Mailer interface {
	Send(ctx context.Context, m model.Mail) error
}

// DeliveryError is a failed delivery, described without personal data (SMTP
// servers echo addresses in their replies, so those are never kept).
type DeliveryError struct {
	Summary   string // such as "sending SMTP RCPT TO command: smtp 550 5.1.1"
	Permanent bool   // the server refused for good (5xx): retrying cannot help
}

func (e *DeliveryError) Error() string { return e.Summary }

// describe returns what the outbox and the log may keep of err, and whether
// the failure is permanent. An error that is not a *DeliveryError (a dial or
// TLS failure) names only the SMTP server, and is kept as it is.
func describe(err error) (summary string, permanent bool) {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Summary, de.Permanent
	}
	return err.Error(), false
}

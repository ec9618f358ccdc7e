package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"

	gomail "github.com/wneessen/go-mail"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

// SMTPMailer sends through an SMTP server, one connection per mail: mail is
// rare, and a fresh connection never inherits a broken one's state.
type SMTPMailer struct {
	url  smtpurl.URL
	from string
}

// NewSMTPMailer returns a Mailer for the server at u that sends as from (an
// address, optionally with a display name: "Parley <noreply@example.com>").
func NewSMTPMailer(u smtpurl.URL, from string) (*SMTPMailer, error) {
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("notify: sender address %q: %w", from, err)
	}
	if u.Security == smtpurl.None && !smtpurl.IsLoopback(u.Host) {
		return nil, errors.New("notify: plain-text SMTP is allowed only to this machine")
	}
	return &SMTPMailer{url: u, from: addr.String()}, nil
}

// Send delivers m. Its errors are *DeliveryError for refusals by the server;
// connection and TLS failures are returned as they are.
func (s *SMTPMailer) Send(ctx context.Context, m model.Mail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.url.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("notify: smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) {
			code := se.ErrorCode()
			return &DeliveryError{
				Summary:   fmt.Sprintf("%s: smtp %d %s", se.Reason, code, se.EnhancedStatusCode()),
				Permanent: code >= 500 && code < 600,
			}
		}
		return fmt.Errorf("notify: smtp %s: %w", s.url.Address(), err)
	}
	return nil
}

func (s *SMTPMailer) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.url.Port)}
	switch s.url.Security {
	case smtpurl.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case smtpurl.None:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.url.Username != "" {
		// Over TLS the strongest mechanism the server offers is chosen. In
		// plain text, which only a server on this machine gets, go-mail's
		// discovery offers no mechanism that a local relay usually has:
		// PLAIN is used, the password never leaving the machine.
		auth := gomail.SMTPAuthAutoDiscover
		if s.url.Security == smtpurl.None {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.url.Username), gomail.WithPassword(s.url.Password))
	}
	return opts
}

// message builds the MIME message: text/plain and text/html alternatives.
func (s *SMTPMailer) message(m model.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, &DeliveryError{Summary: "bad sender address", Permanent: true}
	}
	if err := msg.To(m.To); err != nil {
		return nil, &DeliveryError{Summary: "bad recipient address", Permanent: true}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("Parley")
	// RFC 3834: a machine wrote this; auto-responders should not answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Unsubscribe != "" {
		// RFC 2369 and RFC 8058: a mail client offers "unsubscribe", and
		// a POST of List-Unsubscribe=One-Click to the link does it.
		msg.SetGenHeader("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}

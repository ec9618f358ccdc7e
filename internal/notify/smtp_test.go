package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

func send(t *testing.T, rawURL, to string) error {
	t.Helper()
	m, err := notify.TestMail(to, site)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return smtpMailer(t, rawURL).Send(ctx, m)
}

// TestSMTPAuthenticatesFromTheURL: the user and password of PARLEY_SMTP_URL
// log in; a wrong password delivers nothing.
func TestSMTPAuthenticatesFromTheURL(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RequireAuth("parley@example.com", "pa:ss w@rd")
	base := "smtp://parley%40example.com:%s@" + srv.Addr() + "?tls=none"
	if err := send(t, strings.Replace(base, "%s", "wrong", 1), "ann@example.org"); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := send(t, strings.Replace(base, "%s", "pa%3Ass%20w%40rd", 1), "ann@example.org"); err != nil {
		t.Fatal(err)
	}
	if got := messageTo(t, srv, "ann@example.org"); got.Auth != "parley@example.com" {
		t.Errorf("authenticated as %q", got.Auth)
	}
}

// TestSMTPRequiresTLSByDefault: smtp:// without tls=none insists on
// STARTTLS; a server that does not offer it gets nothing, not a plain-text
// mail. smtps:// insists on TLS from the first byte.
func TestSMTPRequiresTLSByDefault(t *testing.T) {
	srv := smtptest.Start(t)
	for _, u := range []string{"smtp://" + srv.Addr(), "smtps://" + srv.Addr()} {
		if err := send(t, u, "ann@example.org"); err == nil {
			t.Errorf("%s: sent without TLS", u)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages crossed in plain text", n)
	}
}

// TestPlainTextOnlyToThisMachine: the mailer itself refuses plain text to a
// remote host, whatever parsed the URL.
func TestPlainTextOnlyToThisMachine(t *testing.T) {
	_, err := notify.NewSMTPMailer(smtpurl.URL{Host: "mail.example.com", Port: 25, Security: smtpurl.None}, sender)
	if err == nil {
		t.Error("plain-text SMTP to a remote host was accepted")
	}
	if _, err := notify.NewSMTPMailer(smtpurl.URL{Host: "localhost", Port: 25}, "not an address"); err == nil {
		t.Error("a bad sender address was accepted")
	}
}

// TestLogMailerPrintsTheMail: without SMTP, a developer finds the mail, its
// recipient and its link in the log.
func TestLogMailerPrintsTheMail(t *testing.T) {
	var b bytes.Buffer
	m := model.Mail{Kind: "test", To: "ann@example.org", Subject: "Hello", Text: "open https://example.com/x", HTML: "<p>x</p>"}
	if err := notify.NewLogMailer(slog.New(slog.NewTextHandler(&b, nil)), sender).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=INFO", "ann@example.org", "Hello", "https://example.com/x"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, b.String())
		}
	}
}

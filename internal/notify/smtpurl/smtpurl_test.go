package smtpurl_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

func TestParse(t *testing.T) {
	for raw, want := range map[string]smtpurl.URL{
		"smtp://mail.example.com":                       {Host: "mail.example.com", Port: 587, Security: smtpurl.STARTTLS},
		"smtp://u%40x.org:p%3Ass@mail.example.com:2525": {Host: "mail.example.com", Port: 2525, Security: smtpurl.STARTTLS, Username: "u@x.org", Password: "p:ss"},
		"smtps://u:p@mail.example.com":                  {Host: "mail.example.com", Port: 465, Security: smtpurl.ImplicitTLS, Username: "u", Password: "p"},
		"smtp://localhost:25?tls=none":                  {Host: "localhost", Port: 25, Security: smtpurl.None},
		"smtp://127.0.0.1:2525?tls=none":                {Host: "127.0.0.1", Port: 2525, Security: smtpurl.None},
		"smtp://[::1]:2525?tls=none":                    {Host: "::1", Port: 2525, Security: smtpurl.None},
	} {
		got, err := smtpurl.Parse(raw)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
}

// TestParseRefuses: plain text to another machine is refused, never
// downgraded; the error names the problem and never repeats the password.
func TestParseRefuses(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://u:hunter2@mail.example.com?tls=none": "only for a server on this machine",
		"smtp://10.0.0.5?tls=none":                   "only for a server on this machine",
		"smtp://localhost.example.com?tls=none":      "only for a server on this machine",
		"smtps://localhost?tls=none":                 "contradicts smtps",
		"smtp://localhost?tls=opportunistic":         "the only value is none",
		"smtp://localhost?tls=none&tls=none":         "the only value is none",
		"smtp://localhost?starttls=no":               "unknown parameter",
		"http://mail.example.com":                    "want smtp://",
		"mail.example.com:587":                       "want smtp://",
		"smtp://":                                    "no path",
		"smtp://mail.example.com/inbox":              "no path",
		"smtp://mail.example.com:0":                  "port",
		"smtp://mail.example.com:70000":              "port",
	} {
		_, err := smtpurl.Parse(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Parse(%q) repeats the password: %v", raw, err)
		}
	}
}

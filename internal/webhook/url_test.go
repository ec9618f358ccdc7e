package webhook_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// TestCheckURL: an endpoint is an https URL of a name or a public address,
// at most store.MaxWebhookURLLength bytes; http and non-public addresses
// only with PARLEY_WEBHOOK_ALLOW_PRIVATE.
func TestCheckURL(t *testing.T) {
	long := "https://hooks.example/" + strings.Repeat("x", store.MaxWebhookURLLength)
	for _, tt := range []struct {
		url          string
		allowPrivate bool
		problem      string // a part of the message; "" for none
	}{
		{"https://hooks.example/parley", false, ""},
		{"https://203.0.114.9:8443/hook?site=1", false, ""},
		{long[:store.MaxWebhookURLLength], false, ""},
		{long, false, "at most 2000 characters"},
		{"http://hooks.example/", false, "must start with https://"},
		{"ftp://hooks.example/", true, "must start with https://"},
		{"hooks.example/parley", false, "Enter a whole address"},
		{"https://", false, "Enter a whole address"},
		{"https://user:pw@hooks.example/", false, "user name or password"},
		{"https://hooks.example/#x", false, "#fragment"},
		{"https://localhost/", false, "not on this server"},
		{"https://127.0.0.1/", false, "must be public"},
		{"https://[::1]/", false, "must be public"},
		{"https://10.1.2.3/", false, "must be public"},
		{"https://169.254.169.254/latest/meta-data", false, "must be public"},
		{"https://[fd00::1]/", false, "must be public"},
		{"http://127.0.0.1:8080/", true, ""},
		{"https://10.1.2.3/", true, ""},
	} {
		got := webhook.CheckURL(tt.url, tt.allowPrivate)
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("CheckURL(%.50q, %t) = %q, want %q", tt.url, tt.allowPrivate, got, tt.problem)
		}
	}
}

package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/webhook"
)

// A receiver checks each delivery before trusting it: the signature over
// the timestamp and the body, with the secret the dashboard showed, and
// the timestamp's age, which refuses a replayed request. Receivers in
// other languages compute the same HMAC-SHA256 (docs/webhooks.md).
func ExampleVerify() {
	const secret = "the secret the dashboard showed"
	receive := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable", http.StatusBadRequest)
			return
		}
		err = webhook.Verify(secret, body, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature),
			time.Now(), webhook.DefaultTolerance)
		if err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		fmt.Println("accepted", r.Header.Get(webhook.HeaderEvent), "delivery", r.Header.Get(webhook.HeaderDelivery))
		w.WriteHeader(http.StatusNoContent)
	}

	// What Parley sends:
	body := []byte(`{"event":"ping","occurredAt":"2026-12-01T17:00:00Z","site":{"id":1,"host":"blog.example"}}`)
	now := time.Now().Unix()
	for _, sig := range []string{webhook.Sign(secret, now, body), webhook.Sign("a guess", now, body)} {
		r := httptest.NewRequest("POST", "/parley-hook", strings.NewReader(string(body)))
		r.Header.Set(webhook.HeaderEvent, "ping")
		r.Header.Set(webhook.HeaderDelivery, "42")
		r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(now, 10))
		r.Header.Set(webhook.HeaderSignature, sig)
		w := httptest.NewRecorder()
		receive(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// accepted ping delivery 42
	// 204
	// 401
}

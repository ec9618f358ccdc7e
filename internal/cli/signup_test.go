package cli_test

import (
	"bytes"
	"encoding/json"
	"github.com/parleyhq/parley/internal/captcha"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
)

// TestSignUpMailIsSentAtOnceByServe: a sign-up on a running parley serve
// wakes its mail worker, so the confirmation arrives well before the
// worker's next look at the outbox, and its link, on PARLEY_PUBLIC_URL,
// confirms the address.
func TestSignUpMailIsSentAtOnceByServe(t *testing.T) {
	srv := smtptest.Start(t)
	vars := map[string]string{
		"PARLEY_DATA_DIR":  t.TempDir(),
		"PARLEY_SMTP_URL":  srv.URL(),
		"PARLEY_MAIL_FROM": "noreply@comments.example.com",
	}
	base, stop := serveAt(t, vars, freePort(t))
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(100 * time.Millisecond) // past the worker's first look at the outbox
	body, _ := json.Marshal(map[string]string{"email": "bea@example.com", "password": "a long enough passphrase", "name": "Bea",
		"altcha": solveCaptcha(t, base)}) // PARLEY_CAPTCHA is on by default
	resp, err := http.Post(base+"/api/v1/auth/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signup: %d", resp.StatusCode)
	}
	got := srv.Wait(1, notify.PollInterval/2)
	// The parts are quoted-printable: a long link is folded with "=\r\n",
	// and its "=" is "=3D".
	data := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(string(got[0].Data))
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/auth/verify\?token=[A-Za-z0-9_-]+`).FindString(data)
	if link == "" {
		t.Fatalf("no link to %s in the mail:\n%s", base, data)
	}
	resp, err = http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "confirmed") {
		t.Errorf("following the link: %d\n%s", resp.StatusCode, page)
	}
}

// solveCaptcha fetches a challenge from a running server and solves it in
// Go, as captcha.js does in a browser.
func solveCaptcha(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/captcha/challenge")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ch captcha.Challenge
	if err := json.NewDecoder(resp.Body).Decode(&ch); err != nil {
		t.Fatalf("challenge: %d %v", resp.StatusCode, err)
	}
	sol, err := captcha.Solve(ch)
	if err != nil {
		t.Fatal(err)
	}
	return sol
}

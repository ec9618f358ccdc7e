package api_test

import (
	"github.com/parleyhq/parley/internal/api"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// testCaptcha is the CAPTCHA of a test handler: on, as by default, at the
// lowest difficulty so that solving it in Go costs a millisecond.
func testCaptcha(t testing.TB, opts options, sealer *privacy.Sealer, st *store.Store, now func() time.Time) *captcha.Service {
	if opts.noCaptcha {
		return nil
	}
	c, err := captcha.New(sealer.CaptchaKey(), captcha.MinDifficulty, st, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// solvedCaptcha fetches a challenge as captcha.js does and solves it in Go:
// what a form's altcha field carries.
func (e *env) solvedCaptcha() string {
	e.t.Helper()
	ch := e.captchaChallenge()
	sol, err := captcha.Solve(ch)
	if err != nil {
		e.t.Fatal(err)
	}
	return sol
}

func (e *env) captchaChallenge() captcha.Challenge {
	e.t.Helper()
	return e.challengeFrom(req{method: "GET", path: "/api/v1/captcha/challenge", origin: "-"})
}

// challengeFrom fetches a challenge with rq and decodes it.
func (e *env) challengeFrom(rq req) captcha.Challenge {
	e.t.Helper()
	r := e.do(rq)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
		e.t.Fatalf("challenge: %d %q %s", r.status, r.header.Get("Cache-Control"), r.raw)
	}
	if o := rq.origin; o == "" && r.header.Get("Access-Control-Allow-Origin") != origin {
		e.t.Fatalf("challenge for the site's page: Access-Control-Allow-Origin %q", r.header.Get("Access-Control-Allow-Origin"))
	}
	return captcha.Challenge{Algorithm: r.str("algorithm"), Challenge: r.str("challenge"),
		MaxNumber: int64(r.num("maxNumber")), Salt: r.str("salt"), Signature: r.str("signature")}
}

// TestSignUpRequiresTheProofOfWork: with the CAPTCHA on (the default), a
// sign-up without a solution, with a wrong one, or with one already used is
// refused on the altcha field and creates no account; a solved one passes.
// Turned off, the field is not needed.
func TestSignUpRequiresTheProofOfWork(t *testing.T) {
	eachDB(t, options{publicURL: "https://comments.example"}, func(t *testing.T, e *env) {
		signup := func(email, altcha string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/auth/signup", body: map[string]any{
				"email": email, "password": testPassword, "name": "Bea", "altcha": altcha}})
		}
		good := e.solvedCaptcha()
		ch := e.captchaChallenge()
		wrong := captcha.Encode(captcha.Payload{Algorithm: ch.Algorithm, Challenge: ch.Challenge, Number: 1, Salt: ch.Salt, Signature: ch.Signature})
		for _, tc := range []struct{ name, altcha, code string }{
			{"none", "", "captcha_required"},
			{"not a solution", "bm9wZQ==", "captcha_invalid"},
			{"wrong number", wrong, "captcha_invalid"},
			{"oversized", strings.Repeat("A", captcha.MaxPayloadBytes+4), "captcha_invalid"},
		} {
			if r := signup("bea@example.com", tc.altcha); r.status != http.StatusBadRequest || r.str("error.code") != tc.code || r.str("error.field") != "altcha" {
				t.Errorf("%s: %d %s, want 400 %s on altcha", tc.name, r.status, r.raw, tc.code)
			}
		}
		if r := signup("bea@example.com", good); r.status != http.StatusAccepted {
			t.Fatalf("solved: %d %s", r.status, r.raw)
		}
		if r := signup("cy@example.com", good); r.status != http.StatusBadRequest || r.str("error.code") != "captcha_invalid" {
			t.Errorf("replayed: %d %s", r.status, r.raw)
		}
		if users, _ := e.store.Users(t.Context()); len(users) != 1 {
			t.Errorf("%d accounts, want only the solved sign-up's", len(users))
		}
	})
	e := newEnv(t, "sqlite", options{publicURL: "https://comments.example", noCaptcha: true})
	r := e.do(req{method: "POST", path: "/api/v1/auth/signup", body: map[string]any{"email": "bea@example.com", "password": testPassword, "name": "Bea"}})
	if r.status != http.StatusAccepted {
		t.Errorf("CAPTCHA off: %d %s", r.status, r.raw)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/captcha/challenge", origin: "-"}); r.status != http.StatusNotFound {
		t.Errorf("challenge with the CAPTCHA off: %d", r.status)
	}
}

// TestCaptchaChallengeIsRateLimited: one network gets the burst of
// challenges, then 429 with Retry-After; another network is not affected.
func TestCaptchaChallengeIsRateLimited(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	for i := range api.CaptchaChallengeBurst {
		if r := e.do(req{method: "GET", path: "/api/v1/captcha/challenge", origin: "-", ip: "2001:db8::" + strconv.Itoa(i+1)}); r.status != http.StatusOK {
			t.Fatalf("challenge %d: %d", i, r.status)
		}
	}
	r := e.do(req{method: "GET", path: "/api/v1/captcha/challenge", origin: "-", ip: "2001:db8::ffff"}) // the same /64
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("past the burst: %d %v", r.status, r.header)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/captcha/challenge", origin: "-", ip: "2001:db8:1::1"}); r.status != http.StatusOK {
		t.Errorf("another network: %d", r.status)
	}
}

// TestCaptchaScriptIsCached: the solver is served from Parley's origin as
// JavaScript, immutable at its versioned address, revalidated by ETag at
// the plain one.
func TestCaptchaScriptIsCached(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	r := e.do(req{method: "GET", path: captcha.ScriptURL(), origin: "-"})
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/javascript") ||
		!strings.Contains(r.header.Get("Cache-Control"), "immutable") || !strings.Contains(string(r.raw), "crypto.subtle.digest") {
		t.Fatalf("versioned: %d %v", r.status, r.header)
	}
	r = e.do(req{method: "GET", path: captcha.ScriptPath, origin: "-", headers: map[string]string{"If-None-Match": r.header.Get("ETag")}})
	if r.status != http.StatusNotModified {
		t.Errorf("revalidation: %d", r.status)
	}
}

package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/model"
)

// retryAfter fails unless r is a 429 with code and a Retry-After from 1 to
// most seconds.
func retryAfter(t *testing.T, what string, r *resp, code string, most int) {
	t.Helper()
	ra, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != http.StatusTooManyRequests || r.str("error.code") != code || ra < 1 || ra > most {
		t.Errorf("%s: %d Retry-After %q %s, want 429 %s with Retry-After 1..%d", what, r.status, r.header.Get("Retry-After"), r.raw, code, most)
	}
}

// TestCommentInterval: a second comment of one identity on the site within
// the interval is refused with 429 and the seconds left; an account is one
// identity wherever it writes from, a guest is their network; after the
// interval it passes.
func TestCommentInterval(t *testing.T) {
	eachDB(t, options{flood: api.FloodLimits{Interval: 15 * time.Second}}, func(t *testing.T, e *env) {
		if r := e.guestComment("192.0.2.1", "Ann", "", "first"); r.status != 201 {
			t.Fatalf("first: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(5 * time.Second)
		retryAfter(t, "second within 15 s", e.guestComment("192.0.2.1", "Ann", "", "second"), "comment_interval", 10)
		if r := e.guestComment("192.0.2.2", "Bob", "", "another network"); r.status != 201 {
			t.Errorf("another network is another guest: %d %s", r.status, r.raw)
		}
		e.account("cy@example.com", "Cy")
		token := e.login("cy@example.com", false)
		post := func(ip, text string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/comments", ip: ip, headers: bearer(token), body: newComment(text, nil)})
		}
		if r := post("198.51.100.1", "from home"); r.status != 201 {
			t.Fatalf("account: %d %s", r.status, r.raw)
		}
		retryAfter(t, "the account from another network", post("203.0.113.9", "from work"), "comment_interval", 15)
		e.now = e.now.Add(15 * time.Second)
		if r := e.guestComment("192.0.2.1", "Ann", "", "second"); r.status != 201 {
			t.Errorf("after the interval: %d %s", r.status, r.raw)
		}
	})
}

// TestDuplicateComment: the same text by the same commenter on the same
// page is refused on text for 24 hours; on another page, by someone else
// or a day later it passes. A refused comment does not take the interval.
func TestDuplicateComment(t *testing.T) {
	eachDB(t, options{flood: api.FloodLimits{DuplicateWindow: api.DuplicateWindow, Interval: time.Second}}, func(t *testing.T, e *env) {
		if r := e.guestComment("192.0.2.1", "Ann", "", "Great post!"); r.status != 201 {
			t.Fatalf("first: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(time.Hour)
		r := e.guestComment("192.0.2.1", "Ann", "", "  Great post!\n")
		if r.status != http.StatusConflict || r.str("error.code") != "duplicate_comment" || r.str("error.field") != "text" {
			t.Errorf("duplicate: %d %s, want 409 duplicate_comment on text", r.status, r.raw)
		}
		other := newComment("Great post!", map[string]any{"name": "Ann"})
		other["path"] = "/other"
		if r := e.do(req{method: "POST", path: "/api/v1/comments", body: other}); r.status != 201 {
			t.Errorf("same text on another page: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(time.Second)
		if r := e.guestComment("192.0.2.2", "Bob", "", "Great post!"); r.status != 201 {
			t.Errorf("same text by another guest: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(api.DuplicateWindow)
		if r := e.guestComment("192.0.2.1", "Ann", "", "Great post!"); r.status != 201 {
			t.Errorf("a day later: %d %s", r.status, r.raw)
		}
	})
}

// TestHoneypotAndFillTime: a guest's filled honeypot and form sent faster
// than the minimum fill time get the same neutral 400 and store nothing; a
// form sent after it, a client that sends no elapsed time, or a signed-in
// account, passes.
func TestHoneypotAndFillTime(t *testing.T) {
	eachDB(t, options{flood: api.FloodLimits{MinFillTime: 3 * time.Second}}, func(t *testing.T, e *env) {
		send := e.guestWith
		for name, extra := range map[string]map[string]any{
			"honeypot filled": {"honeypot": "http://spam.example", "elapsed": 60000},
			"sent in 1 s":     {"elapsed": 1000},
		} {
			r := send(name, extra)
			if r.status != 400 || r.str("error.code") != "comment_refused" || r.str("error.field") != "" {
				t.Errorf("%s: %d %s, want 400 comment_refused without a field", name, r.status, r.raw)
			}
		}
		if r := send("after 4 s", map[string]any{"elapsed": 4000, "honeypot": ""}); r.status != 201 {
			t.Errorf("after 4 s: %d %s", r.status, r.raw)
		}
		if r := send("no elapsed time", nil); r.status != 201 {
			t.Errorf("without elapsed: %d %s", r.status, r.raw)
		}
		e.account("cy@example.com", "Cy")
		r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(e.login("cy@example.com", false)),
			body: map[string]any{"site": "blog.example", "path": "/post", "text": "quick account", "elapsed": 500}})
		if r.status != 201 {
			t.Errorf("an account's quick comment: %d %s", r.status, r.raw)
		}
		if n := e.thread("path=/post").num("page.commentCount"); n != 3 {
			t.Errorf("comments stored: %d, want 3", n)
		}
	})
}

// siteChallenge fetches a challenge for a comment on the test site, as the
// widget's solver does from the site's page (whose origin may read it).
func (e *env) siteChallenge() captcha.Challenge {
	e.t.Helper()
	return e.challengeFrom(req{method: "GET", path: "/api/v1/captcha/challenge?site=blog.example"})
}

// guestWith posts a guest's comment on /post with extra fields in the body.
func (e *env) guestWith(text string, extra map[string]any) *resp {
	e.t.Helper()
	body := newComment(text, map[string]any{"name": "Ann"})
	for k, v := range extra {
		body[k] = v
	}
	return e.do(req{method: "POST", path: "/api/v1/comments", body: body})
}

func solve(t *testing.T, ch captcha.Challenge) string {
	t.Helper()
	sol, err := captcha.Solve(ch)
	if err != nil {
		t.Fatal(err)
	}
	return sol
}

// TestProofOfWorkForGuests: on a site that requires a proof of work, the
// thread says so; a guest's comment without one, with one of an easier
// challenge, or with one already used is refused on altcha; a solved
// challenge of the site passes once; an account needs none.
func TestProofOfWorkForGuests(t *testing.T) {
	pow := func(s *model.SiteSettings) { s.ProofOfWork, s.ProofOfWorkDifficulty = true, 2*captcha.MinDifficulty }
	eachDB(t, options{settings: pow}, func(t *testing.T, e *env) {
		if th := e.thread("path=/post"); th.get("settings.proofOfWork") != true || th.get("settings.proofOfWorkDifficulty") != nil {
			t.Errorf("thread settings: %s", th.raw)
		}
		send := func(text, altcha string) *resp { return e.guestWith(text, map[string]any{"altcha": altcha}) }
		if r := send("no solution", ""); r.status != 400 || r.str("error.code") != "captcha_required" || r.str("error.field") != "altcha" {
			t.Errorf("without a solution: %d %s", r.status, r.raw)
		}
		if r := send("easier", e.solvedCaptcha()); r.status != 400 || r.str("error.code") != "captcha_invalid" {
			t.Errorf("a solution of the instance's easier challenge: %d %s", r.status, r.raw)
		}
		ch := e.siteChallenge()
		if ch.MaxNumber != 2*captcha.MinDifficulty {
			t.Errorf("site challenge maxNumber %d, want the site's %d", ch.MaxNumber, 2*captcha.MinDifficulty)
		}
		sol := solve(t, ch)
		if r := send("solved", sol); r.status != 201 {
			t.Fatalf("solved: %d %s", r.status, r.raw)
		}
		if r := send("replayed", sol); r.status != 400 || r.str("error.code") != "captcha_invalid" {
			t.Errorf("replayed solution: %d %s", r.status, r.raw)
		}
		e.account("cy@example.com", "Cy")
		r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(e.login("cy@example.com", false)), body: newComment("account", nil)})
		if r.status != 201 {
			t.Errorf("an account needs no proof of work: %d %s", r.status, r.raw)
		}
	})
}

// TestProofOfWorkRaisedByBurst: after BurstComments comments refused by
// the flood limits, a site with proof-of-work off requires one from guests,
// RaiseFactor times harder, until RaiseDuration after the last; another
// site is not affected.
func TestProofOfWorkRaisedByBurst(t *testing.T) {
	eachDB(t, options{flood: api.FloodLimits{MinFillTime: 3 * time.Second}}, func(t *testing.T, e *env) {
		guest := e.guestWith
		for i := range api.BurstComments - 1 {
			guest(fmt.Sprint("bot ", i), map[string]any{"honeypot": "x"})
		}
		if r := guest("before the burst", nil); r.status != 201 {
			t.Fatalf("one refusal short of a burst: %d %s", r.status, r.raw)
		}
		guest("the last bot", map[string]any{"elapsed": 10})
		if r := guest("during the burst", nil); r.str("error.code") != "captcha_required" {
			t.Errorf("during a burst without a solution: %d %s", r.status, r.raw)
		}
		ch := e.siteChallenge()
		if want := int64(captcha.MinDifficulty * api.RaiseFactor); ch.MaxNumber != want {
			t.Errorf("raised challenge maxNumber %d, want %d", ch.MaxNumber, want)
		}
		if r := guest("solved", map[string]any{"altcha": solve(t, ch)}); r.status != 201 {
			t.Errorf("solved during the burst: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(api.RaiseDuration - time.Second)
		if r := guest("still raised", nil); r.str("error.code") != "captcha_required" {
			t.Errorf("before RaiseDuration: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(2 * time.Second)
		if r := guest("after the burst", nil); r.status != 201 {
			t.Errorf("after RaiseDuration: %d %s", r.status, r.raw)
		}
	})
}

// TestWriteLimitsPerPrefixAndSession: every address of a /24 (IPv4) or /48
// (IPv6) shares PrefixShare clients' worth of writes, and a session's
// writes are limited wherever they come from; both answer 429 with
// Retry-After, and other prefixes are not affected.
func TestWriteLimitsPerPrefixAndSession(t *testing.T) {
	eachDB(t, options{writeRate: 6, burst: 3}, func(t *testing.T, e *env) {
		prefixBurst := 3 * api.PrefixShare
		for _, c := range []struct{ name, ip, outside string }{
			{"IPv4 /24", "192.0.2.%d", "192.0.3.1"},
			{"IPv6 /48", "2001:db8:0:%x::1", "2001:db8:1::1"},
		} {
			vote := func(ip string) *resp {
				return e.do(req{method: "POST", path: "/api/v1/comments/1/vote", ip: ip, body: map[string]any{"value": 1}})
			}
			for i := range prefixBurst {
				if r := vote(fmt.Sprintf(c.ip, i+1)); r.status == 429 {
					t.Fatalf("%s: write %d within the prefix's burst: 429", c.name, i)
				}
			}
			retryAfter(t, c.name+" one more address", vote(fmt.Sprintf(c.ip, prefixBurst+1)), "rate_limited", 2)
			if r := vote(c.outside); r.status == 429 {
				t.Errorf("%s: another prefix is limited too", c.name)
			}
		}
		e.account("cy@example.com", "Cy")
		token := e.login("cy@example.com", false)
		for i := range 3 {
			r := e.do(req{method: "PATCH", path: "/api/v1/me", ip: fmt.Sprintf("198.51.%d.1", i), headers: bearer(token), body: map[string]any{"name": "Cy"}})
			if r.status == 429 {
				t.Fatalf("session write %d within its burst: 429", i)
			}
		}
		r := e.do(req{method: "PATCH", path: "/api/v1/me", ip: "203.0.113.1", headers: bearer(token), body: map[string]any{"name": "Cy"}})
		retryAfter(t, "the session from a fourth network", r, "rate_limited", 10)
	})
}

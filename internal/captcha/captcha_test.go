package captcha_test

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altcha-org/altcha-lib-go"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var secret = []byte("captcha-test-secret-captcha-test-secret")

// clock is a settable time shared by a service and its store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// openStore opens a migrated store of dialect at url ("" for a new
// database) and returns it with its URL.
func openStore(t testing.TB, dialect, url string, c *clock) (*store.Store, string) {
	t.Helper()
	sealer, err := privacy.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var st *store.Store
	if dialect == "postgres" {
		if url == "" {
			url = pgtest.URL(t)
		}
		st, err = store.OpenPostgres(ctx, url, sealer)
	} else {
		if url == "" {
			url = filepath.Join(t.TempDir(), "parley.db")
		}
		st, err = store.OpenSQLite(ctx, url, sealer)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.SetClock(c.now)
	return st, url
}

func newService(t testing.TB, st *store.Store, difficulty int, c *clock) *captcha.Service {
	t.Helper()
	sealer, _ := privacy.NewSealer(secret)
	s, err := captcha.New(sealer.CaptchaKey(), difficulty, st, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func eachDB(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

func solve(t testing.TB, s *captcha.Service) (captcha.Challenge, string) {
	t.Helper()
	ch, err := s.Challenge()
	if err != nil {
		t.Fatal(err)
	}
	sol, err := captcha.Solve(ch)
	if err != nil {
		t.Fatal(err)
	}
	return ch, sol
}

// TestSolvedChallengeIsAcceptedOnce: a challenge solved as the browser
// does is accepted, then refused as replayed, also by another server
// sharing the database.
func TestSolvedChallengeIsAcceptedOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, dialect string) {
		c := &clock{time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
		st, url := openStore(t, dialect, "", c)
		s := newService(t, st, captcha.MinDifficulty, c)
		ch, sol := solve(t, s)
		if ch.Algorithm != "SHA-256" || ch.MaxNumber != captcha.MinDifficulty || !strings.Contains(ch.Salt, "expires=") {
			t.Errorf("challenge %+v", ch)
		}
		if err := s.Verify(t.Context(), sol); err != nil {
			t.Fatalf("solved: %v", err)
		}
		if err := s.Verify(t.Context(), sol); !errors.Is(err, captcha.ErrReplayed) {
			t.Errorf("again: %v, want ErrReplayed", err)
		}
		other, _ := openStore(t, dialect, url, c) // a second server on the same database
		if err := newService(t, other, captcha.MinDifficulty, c).Verify(t.Context(), sol); !errors.Is(err, captcha.ErrReplayed) {
			t.Errorf("on another server: %v, want ErrReplayed", err)
		}
		_, sol2 := solve(t, s)
		if err := newService(t, other, captcha.MinDifficulty, c).Verify(t.Context(), sol2); err != nil {
			t.Errorf("a challenge of one server solved on another: %v", err)
		}
	})
}

// TestBadSolutionsAreRefused: expired, wrongly signed, tampered, malformed
// or oversized solutions are refused, and none spends its challenge.
func TestBadSolutionsAreRefused(t *testing.T) {
	c := &clock{time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st, _ := openStore(t, "sqlite", "", c)
	s := newService(t, st, captcha.MinDifficulty, c)
	_, sol := solve(t, s)
	p := decode(t, sol)

	otherKey := make([]byte, 32)
	foreign, _ := captcha.New(otherKey, captcha.MinDifficulty, st, c.now) // another instance's key
	_, foreignSol := solve(t, foreign)

	tampered := p
	tampered.Number = (p.Number + 1) % (captcha.MinDifficulty + 1)
	resigned := p
	resigned.Signature = strings.Repeat("0", len(p.Signature))
	// A challenge signed with the right key but without an expiry, as
	// altcha-lib-go issues by default (the key is given to it in hex).
	sealer, _ := privacy.NewSealer(secret)
	number := int64(7)
	unexpiring, err := altcha.CreateChallenge(altcha.ChallengeOptions{HMACKey: hex.EncodeToString(sealer.CaptchaKey()), Number: &number, MaxNumber: 10})
	if err != nil {
		t.Fatal(err)
	}
	noExpiry := captcha.Payload{Algorithm: unexpiring.Algorithm, Challenge: unexpiring.Challenge, Number: number, Salt: unexpiring.Salt, Signature: unexpiring.Signature}
	if ok, _ := altcha.VerifySolutionSafe(noExpiry, hex.EncodeToString(sealer.CaptchaKey()), true); !ok {
		t.Fatal("the unexpiring challenge is not validly signed: the test proves nothing")
	}
	sha1 := p
	sha1.Algorithm = "SHA-1"
	for _, tc := range []struct {
		name, sol string
		want      error
	}{
		{"another key", foreignSol, captcha.ErrInvalid},
		{"tampered number", captcha.Encode(tampered), captcha.ErrInvalid},
		{"wrong signature", captcha.Encode(resigned), captcha.ErrInvalid},
		{"signed without expiry", captcha.Encode(noExpiry), captcha.ErrInvalid},
		{"another algorithm", captcha.Encode(sha1), captcha.ErrInvalid},
		{"not base64", "%%%", captcha.ErrInvalid},
		{"not JSON", "bm9wZQ==", captcha.ErrInvalid},
		{"oversized", sol + strings.Repeat("A", captcha.MaxPayloadBytes), captcha.ErrTooLarge},
	} {
		if err := s.Verify(t.Context(), tc.sol); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	c.t = c.t.Add(captcha.Lifetime + time.Second)
	if err := s.Verify(t.Context(), sol); !errors.Is(err, captcha.ErrExpired) {
		t.Errorf("after its lifetime: %v, want ErrExpired", err)
	}
	c.t = c.t.Add(-2 * time.Second) // refusals did not spend it
	if err := s.Verify(t.Context(), sol); err != nil {
		t.Errorf("within its lifetime, after the refusals: %v", err)
	}
}

// TestDifficultyBounds: a difficulty outside its bounds is refused.
func TestDifficultyBounds(t *testing.T) {
	for _, d := range []int{captcha.MinDifficulty - 1, captcha.MaxDifficulty + 1} {
		if _, err := captcha.New(secret, d, nil, time.Now); err == nil {
			t.Errorf("difficulty %d accepted", d)
		}
	}
}

func decode(t testing.TB, sol string) captcha.Payload {
	t.Helper()
	p, err := captcha.Decode(sol)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkVerify is what a sign-up pays on the server for the CAPTCHA: one
// SHA-256, one HMAC and one insert into captcha_spent (SQLite).
func BenchmarkVerify(b *testing.B) {
	c := &clock{time.Now()}
	st, _ := openStore(b, "sqlite", "", c)
	s := newService(b, st, captcha.MinDifficulty, c)
	sols := make([]string, b.N)
	for i := range sols {
		_, sols[i] = solve(b, s)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.Verify(context.Background(), sols[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRefused is the cost of refusing a forged solution: no
// database work.
func BenchmarkVerifyRefused(b *testing.B) {
	c := &clock{time.Now()}
	st, _ := openStore(b, "sqlite", "", c)
	s := newService(b, st, captcha.MinDifficulty, c)
	_, sol := solve(b, s)
	p := decode(b, sol)
	p.Number++
	forged := captcha.Encode(p)
	b.ResetTimer()
	for range b.N {
		if err := s.Verify(context.Background(), forged); err == nil {
			b.Fatal("forged solution accepted")
		}
	}
}

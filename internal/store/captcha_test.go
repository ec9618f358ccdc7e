package store_test

import (
	"testing"
	"time"
)

// TestSpendCaptchaOnceAndForgetsExpired: a challenge is spent once; the
// table keeps only challenges that have not expired, so it stays as small
// as the challenges of one lifetime.
func TestSpendCaptchaOnceAndForgetsExpired(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		c := newClock(db)
		spend := func(key string, expires time.Time) bool {
			t.Helper()
			fresh, err := db.SpendCaptcha(t.Context(), []byte(key), expires)
			if err != nil {
				t.Fatal(err)
			}
			return fresh
		}
		if !spend("a", c.t.Add(time.Minute)) || spend("a", c.t.Add(time.Minute)) {
			t.Fatal("a challenge must be spent once: first true, then false")
		}
		spend("b", c.t.Add(time.Hour))
		c.advance(2 * time.Minute) // a has expired, b has not
		spend("c", c.t.Add(time.Minute))
		raw, rebind := rawDB(t, db)
		var n int
		if err := raw.QueryRow(rebind("SELECT COUNT(*) FROM captcha_spent WHERE challenge = ?"), []byte("a")).Scan(&n); err != nil || n != 0 {
			t.Errorf("expired challenge kept: %d rows, %v", n, err)
		}
		if err := raw.QueryRow("SELECT COUNT(*) FROM captcha_spent").Scan(&n); err != nil || n != 2 {
			t.Errorf("%d rows, want b and c: %v", n, err)
		}
	})
}

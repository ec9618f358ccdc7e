package testtools

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test would have ended.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = format }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }

func TestMissingSkipsOrFails(t *testing.T) {
	for _, tt := range []struct {
		env      string
		wantFail bool
	}{{"", false}, {"0", false}, {"1", true}} {
		t.Run("PARLEY_E2E_REQUIRED="+tt.env, func(t *testing.T) {
			t.Setenv(EnvRequired, tt.env)
			r := &recorder{TB: t}
			Missing(r, "node", "install Node.js")
			if got := r.failed != ""; got != tt.wantFail {
				t.Errorf("failed = %v (%q), skipped = %q; want failed = %v", got, r.failed, r.skipped, tt.wantFail)
			}
			if tt.wantFail && r.skipped != "" {
				t.Errorf("skipped as well as failed: %q", r.skipped)
			}
			if !tt.wantFail && !strings.Contains(r.skipped, "skipped") {
				t.Errorf("skip message %q does not say the test was skipped", r.skipped)
			}
		})
	}
}

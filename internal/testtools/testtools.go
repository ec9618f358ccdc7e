package testtools

import (
	"os"
	"testing"
)

// EnvRequired is the variable CI sets to 1 so that a missing tool fails a test instead of
// skipping it.
const EnvRequired = "PARLEY_E2E_REQUIRED"

// Required reports whether EnvRequired is set to 1.
func Required() bool { return os.Getenv(EnvRequired) == "1" }

// Missing ends t because tool is not installed. install says how to get it ("run npm ci in
// e2e/"). Without EnvRequired the test is skipped, and go test -v shows why; with it the test
// fails, so CI can never pass by skipping.
func Missing(t testing.TB, tool, install string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is not installed but %s=1 requires this test: %s", tool, EnvRequired, install)
		return
	}
	t.Skipf("%s is not installed, so this test is skipped (%s; CI sets %s=1 to fail instead)", tool, install, EnvRequired)
}

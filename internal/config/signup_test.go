package config

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSignupSettings(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || c.Signup != SignupOpen || c.SignupIPRetention != 30*24*time.Hour {
		t.Fatalf("defaults: %v %q %s, want open and 720h", err, c.Signup, c.SignupIPRetention)
	}
	var dump bytes.Buffer
	c.Dump(&dump)
	if !strings.Contains(dump.String(), "PARLEY_SIGNUP=open\n") || !strings.Contains(dump.String(), "PARLEY_SIGNUP_IP_RETENTION=720h0m0s\n") {
		t.Errorf("parley config does not show the settings:\n%s", dump.String())
	}
	for _, mode := range []string{SignupOpen, SignupInvite, SignupClosed} {
		if c, err := load(t, nil, "--signup", mode); err != nil || c.Signup != mode {
			t.Errorf("--signup %s: %v %q", mode, err, c.Signup)
		}
	}
	for env, bad := range map[string]string{"PARLEY_SIGNUP": "Open", "PARLEY_SIGNUP_IP_RETENTION": "59m"} {
		if _, err := load(t, map[string]string{env: bad}); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: %v, want an error naming the setting", env, bad, err)
		}
	}
}

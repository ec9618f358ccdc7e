package config

import (
	"strings"
	"testing"
	"time"
)

func TestOperationsDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.CDNMaxAge != 10*time.Second || c.CDNStale != time.Minute || c.CDNPurgeURL != "" || c.PprofListen != "" {
		t.Errorf("defaults: %+v, want 10s, 1m, no purge URL, no profiler", c.Operations)
	}
}

// TestOperationsLimits pushes every operations setting past its bound: the
// error names the setting.
func TestOperationsLimits(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		bad  string // the setting named in the error; "" for a valid case
	}{
		{map[string]string{"PARLEY_CDN_MAX_AGE": "0"}, ""},
		{map[string]string{"PARLEY_CDN_MAX_AGE": "1h"}, ""},
		{map[string]string{"PARLEY_CDN_MAX_AGE": "1h1s"}, "PARLEY_CDN_MAX_AGE"},
		{map[string]string{"PARLEY_CDN_MAX_AGE": "1500ms"}, "PARLEY_CDN_MAX_AGE"},
		{map[string]string{"PARLEY_CDN_MAX_AGE": "-1s"}, "PARLEY_CDN_MAX_AGE"},
		{map[string]string{"PARLEY_CDN_STALE": "24h"}, ""},
		{map[string]string{"PARLEY_CDN_STALE": "25h"}, "PARLEY_CDN_STALE"},
		{map[string]string{"PARLEY_CDN_PURGE_URL": "https://purge.example/hook?token=x"}, ""},
		{map[string]string{"PARLEY_CDN_PURGE_URL": "ftp://purge.example/"}, "PARLEY_CDN_PURGE_URL"},
		{map[string]string{"PARLEY_CDN_PURGE_URL": "purge.example"}, "PARLEY_CDN_PURGE_URL"},
		{map[string]string{"PARLEY_PPROF_LISTEN": "127.0.0.1:6060"}, ""},
		{map[string]string{"PARLEY_PPROF_LISTEN": "[::1]:6060"}, ""},
		{map[string]string{"PARLEY_PPROF_LISTEN": "localhost:6060"}, ""},
		{map[string]string{"PARLEY_PPROF_LISTEN": ":6060"}, "PARLEY_PPROF_LISTEN"},
		{map[string]string{"PARLEY_PPROF_LISTEN": "0.0.0.0:6060"}, "PARLEY_PPROF_LISTEN"},
		{map[string]string{"PARLEY_PPROF_LISTEN": "10.0.0.5:6060"}, "PARLEY_PPROF_LISTEN"},
		{map[string]string{"PARLEY_PPROF_LISTEN": "10.0.0.5:6060", "PARLEY_PPROF_ALLOW_REMOTE": "true"}, ""},
		{map[string]string{"PARLEY_PPROF_LISTEN": "6060"}, "PARLEY_PPROF_LISTEN"},
	} {
		_, err := load(t, c.vars)
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%v: %v, want it accepted", c.vars, err)
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%v: %v, want an error naming %s", c.vars, err, c.bad)
		}
	}
}

func TestPurgeURLIsSecret(t *testing.T) {
	c, err := load(t, map[string]string{"PARLEY_CDN_PURGE_URL": "https://purge.example/hook?token=hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Shown() {
		if strings.Contains(s.Value, "hunter2") {
			t.Errorf("%s shows the purge URL's token", s.Name)
		}
	}
}

package config

import (
	"strings"
	"testing"
)

// TestMaxStreams: 10,000 by default, 0 turns live updates off, negative and
// past MaxStreams are refused naming the setting.
func TestMaxStreams(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.MaxStreams != 10000 {
		t.Errorf("default: %v, %v", c, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_MAX_STREAMS": "0"}); err != nil || c.MaxStreams != 0 {
		t.Errorf("0 (off): %v, %v", c, err)
	}
	for _, bad := range []string{"-1", "1000001", "many"} {
		if _, err := load(t, map[string]string{"PARLEY_MAX_STREAMS": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_MAX_STREAMS") {
			t.Errorf("%s: %v, want an error naming the setting", bad, err)
		}
	}
}

// TestStreamsPerNetwork: 100 by default; from 1 to MaxStreams, anything
// else refused naming the setting.
func TestStreamsPerNetwork(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.StreamsPerNetwork != 100 {
		t.Errorf("default: %v, %v", c, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_STREAMS_PER_NETWORK": "5000"}); err != nil || c.StreamsPerNetwork != 5000 {
		t.Errorf("5000: %v, %v", c, err)
	}
	for _, bad := range []string{"0", "-1", "1000001", "many"} {
		if _, err := load(t, map[string]string{"PARLEY_STREAMS_PER_NETWORK": bad}); err == nil || !strings.Contains(err.Error(), "PARLEY_STREAMS_PER_NETWORK") {
			t.Errorf("%s: %v, want an error naming the setting", bad, err)
		}
	}
}

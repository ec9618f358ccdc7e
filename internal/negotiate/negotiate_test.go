package negotiate

import "testing"

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "GZIP": true,
		"*": true, "*;q=0": false, "identity": false, "x-gzip": true, "gzip;q=0.000": false,
	} {
		if got := AcceptsGzip(header); got != want {
			t.Errorf("AcceptsGzip(%q) = %v", header, got)
		}
	}
}

func TestETagMatches(t *testing.T) {
	for header, want := range map[string]bool{
		`"a"`: true, `W/"a"`: true, `"b", "a"`: true, `*`: true, `"b"`: false, ``: false,
	} {
		if got := ETagMatches(header, `"a"`); got != want {
			t.Errorf("ETagMatches(%q) = %v", header, got)
		}
	}
}

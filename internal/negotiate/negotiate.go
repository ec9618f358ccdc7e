// Package negotiate reads the request headers of HTTP content negotiation
// that Parley answers: Accept-Encoding (gzip) and If-None-Match.
//
// It must never decide anything beyond what the headers say; callers pick
// the representation and write the response.
package negotiate

import (
	"strconv"
	"strings"
)

// AcceptsGzip reports whether an Accept-Encoding header allows gzip: listed
// (or "*") with a quality above zero.
func AcceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		ok := qualityAboveZero(params)
		switch coding {
		case "gzip", "x-gzip":
			return ok
		case "*":
			star = ok
		}
	}
	return star
}

func qualityAboveZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
	}
	return true
}

// ETagMatches implements the weak comparison If-None-Match uses, with its
// list and "*".
func ETagMatches(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

package api

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
)

// minGzipSize is the smallest body worth compressing.
const minGzipSize = 1024

// gzipped compresses body, or returns nil when it is too small to gain.
func gzipped(body []byte) []byte {
	if len(body) < minGzipSize {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// acceptsGzip reports whether the client takes gzip (and did not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

package api

import (
	"bytes"
	"compress/gzip"
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

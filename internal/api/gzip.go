package api

import (
	"bytes"
	"compress/gzip"
	"sync"
)

// minGzipSize is the smallest body worth compressing.
const minGzipSize = 1024

// gzipPool reuses compressors: a new gzip.Writer allocates about 1.2 MB of
// tables, far more than compressing one thread costs.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return &gzipper{zw: zw}
}}

type gzipper struct {
	buf bytes.Buffer
	zw  *gzip.Writer
}

// gzipped compresses body into a new slice of exactly its length, or
// returns nil when body is too small to gain.
func gzipped(body []byte) []byte {
	if len(body) < minGzipSize {
		return nil
	}
	g := gzipPool.Get().(*gzipper)
	defer gzipPool.Put(g)
	g.buf.Reset()
	g.zw.Reset(&g.buf)
	g.zw.Write(body)
	g.zw.Close()
	return bytes.Clone(g.buf.Bytes())
}

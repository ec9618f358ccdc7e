package api

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
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

// gzipHead is the start of a gzip stream over a body's head, which
// gzipWithTail ends with any tail without compressing the head again: the
// cached thread's body up to its reader's own part.
type gzipHead struct {
	gz   []byte // gzip header and deflate blocks, flushed to a byte boundary, not final
	crc  uint32 // CRC-32 of the head
	size int    // length of the head
}

// newGzipHead compresses head, or returns nil when it is too small to gain.
func newGzipHead(head []byte) *gzipHead {
	if len(head) < minGzipSize {
		return nil
	}
	g := gzipPool.Get().(*gzipper)
	defer gzipPool.Put(g)
	g.buf.Reset()
	g.zw.Reset(&g.buf)
	g.zw.Write(head)
	g.zw.Flush() // a sync flush: the stream so far ends on a byte boundary
	return &gzipHead{gz: bytes.Clone(g.buf.Bytes()), crc: crc32.ChecksumIEEE(head), size: len(head)}
}

// maxStoredBlock is the most one stored deflate block holds (RFC 1951 3.2.4).
const maxStoredBlock = 65535

// withTail returns the gzip stream of the head followed by tail: tail goes
// in stored (uncompressed) deflate blocks, the last one final, then the
// trailer with the CRC-32 and length of the whole (RFC 1952).
func (h *gzipHead) withTail(tail []byte) []byte {
	out := make([]byte, 0, len(h.gz)+len(tail)+5*(len(tail)/maxStoredBlock+1)+8)
	out = append(out, h.gz...)
	for rest := tail; ; {
		n := min(len(rest), maxStoredBlock)
		final := byte(0)
		if n == len(rest) {
			final = 1 // BFINAL, BTYPE 00: stored
		}
		out = append(out, final)
		out = binary.LittleEndian.AppendUint16(out, uint16(n))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(n))
		out = append(out, rest[:n]...)
		if rest = rest[n:]; final == 1 {
			break
		}
	}
	out = binary.LittleEndian.AppendUint32(out, crc32.Update(h.crc, crc32.IEEETable, tail))
	return binary.LittleEndian.AppendUint32(out, uint32(h.size+len(tail)))
}

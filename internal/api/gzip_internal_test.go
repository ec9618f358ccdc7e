package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// TestGzipHeadWithTail: a stream made of a compressed head and a stored
// tail decodes, CRC and length checked, to head and tail, whether the tail
// is empty, small or larger than one stored block holds.
func TestGzipHeadWithTail(t *testing.T) {
	head := []byte(strings.Repeat(`{"comment":"some text that compresses well"},`, 200))
	h := newGzipHead(head)
	if h == nil {
		t.Fatal("no head for a large body")
	}
	for _, n := range []int{0, 20, maxStoredBlock, maxStoredBlock + 1, 3*maxStoredBlock + 7} {
		tail := bytes.Repeat([]byte("v"), n)
		zr, err := gzip.NewReader(bytes.NewReader(h.withTail(tail)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("tail of %d bytes: %v", n, err)
		}
		if want := append(bytes.Clone(head), tail...); !bytes.Equal(got, want) {
			t.Errorf("tail of %d bytes: decoded %d bytes, want %d", n, len(got), len(want))
		}
	}
	if newGzipHead([]byte("small")) != nil {
		t.Error("a head under minGzipSize is compressed")
	}
}

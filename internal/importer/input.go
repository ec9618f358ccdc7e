package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"sync/atomic"
)

// Magic numbers of the containers and files an import may receive.
var (
	magicGzip   = []byte{0x1f, 0x8b}
	magicZip    = []byte("PK\x03\x04")
	magicSQLite = []byte("SQLite format 3\x00")
)

// maxNesting bounds containers inside containers (a .gz inside a .zip).
const maxNesting = 2

// ErrTooLarge is returned (wrapped) when an input exceeds a limit: a
// decompressed size, a compression ratio typical of a zip bomb, a spooled
// file or a single XML token, JSON value or line.
var ErrTooLarge = errors.New("import: input too large")

// counter counts the bytes read through it; Load is safe from another
// goroutine, for progress.
type counter struct {
	r io.Reader
	n atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// part is one document of an input: the input itself, or one file of a zip.
type part struct {
	name string
	open func() (io.ReadCloser, error)
}

// opened is an input with its containers undone.
type opened struct {
	parts   []part
	head    []byte // the first bytes of the first part, for detection
	total   int64  // bytes the progress counts to, 0 if unknown
	counted func() int64
	cleanup func()
}

// expansionGuard fails a decompressing reader that produces more than the
// limits allow: an absolute size, and a ratio to the compressed bytes read
// once the output passes ratioFloor.
type expansionGuard struct {
	r      io.Reader
	in     func() int64
	out    int64
	limits Limits
}

const ratioFloor = 32 << 20

func (g *expansionGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.out += int64(n)
	if g.out > g.limits.MaxExpanded {
		return n, fmt.Errorf("%w: more than %d bytes after decompression", ErrTooLarge, g.limits.MaxExpanded)
	}
	if g.out > ratioFloor && g.out > g.limits.MaxRatio*max(g.in(), 1) {
		return n, fmt.Errorf("%w: decompresses more than %d times (a zip bomb?)", ErrTooLarge, g.limits.MaxRatio)
	}
	return n, err
}

// openInput undoes gzip and zip containers. raw is read once, from the
// start; when it is an *os.File a zip is read in place, otherwise a zip is
// first copied to a temporary file.
func openInput(raw io.Reader, size int64, lim Limits, tempDir string) (*opened, error) {
	cnt := &counter{r: raw}
	o := &opened{total: size, counted: cnt.n.Load, cleanup: func() {}}
	br := bufio.NewReaderSize(cnt, 64<<10)
	head, _ := br.Peek(len(magicZip))
	if bytes.HasPrefix(head, magicZip) {
		return openZip(raw, br, cnt, lim, tempDir)
	}
	stream, err := unwrap(br, cnt.n.Load, lim, 0)
	if err != nil {
		return nil, err
	}
	used := false
	o.parts = []part{{name: "input", open: func() (io.ReadCloser, error) {
		if used {
			return nil, errors.New("import: input read twice")
		}
		used = true
		return io.NopCloser(stream), nil
	}}}
	o.head, _ = stream.Peek(64 << 10)
	return o, nil
}

// unwrap undoes gzip layers of a stream; in counts the compressed bytes.
func unwrap(br *bufio.Reader, in func() int64, lim Limits, depth int) (*bufio.Reader, error) {
	head, _ := br.Peek(len(magicZip))
	switch {
	case bytes.HasPrefix(head, magicGzip):
		if depth >= maxNesting {
			return nil, fmt.Errorf("import: compressed more than %d times; decompress the file first", maxNesting)
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("import: gzip: %w", err)
		}
		zr.Multistream(true)
		g := &expansionGuard{r: zr, in: in, limits: lim}
		return unwrap(bufio.NewReaderSize(g, 64<<10), in, lim, depth+1)
	case bytes.HasPrefix(head, magicZip):
		return nil, errors.New("import: a zip file inside a compressed file is not supported; unpack it first")
	}
	return br, nil
}

func openZip(raw io.Reader, br *bufio.Reader, cnt *counter, lim Limits, tempDir string) (*opened, error) {
	o := &opened{cleanup: func() {}}
	var ra io.ReaderAt
	var size int64
	if f, ok := raw.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == int64(br.Buffered()) {
				ra, size = f, st.Size()
			}
		}
	}
	if ra == nil {
		f, n, err := spool(br, lim.MaxSpool, tempDir)
		if err != nil {
			return nil, err
		}
		o.cleanup = func() { f.Close(); os.Remove(f.Name()) }
		ra, size = f, n
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		o.cleanup()
		return nil, fmt.Errorf("import: zip: %w", err)
	}
	var files []*zip.File
	var total uint64
	for _, f := range zr.File {
		if !importableZipEntry(f) {
			continue
		}
		if f.UncompressedSize64 > uint64(lim.MaxExpanded) || (f.UncompressedSize64 > ratioFloor &&
			f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1)) {
			o.cleanup()
			return nil, fmt.Errorf("%w: %s in the zip decompresses to %d bytes (a zip bomb?)", ErrTooLarge, f.Name, f.UncompressedSize64)
		}
		total += f.UncompressedSize64
		files = append(files, f)
	}
	if total > uint64(lim.MaxExpanded) {
		o.cleanup()
		return nil, fmt.Errorf("%w: the zip decompresses to %d bytes", ErrTooLarge, total)
	}
	if len(files) == 0 {
		o.cleanup()
		return nil, errors.New("import: the zip holds no .xml, .json, .gz or .db file")
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	read := &atomic.Int64{}
	o.total, o.counted = int64(total), read.Load
	for _, f := range files {
		o.parts = append(o.parts, part{name: f.Name, open: func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("import: zip %s: %w", f.Name, err)
			}
			comp := int64(f.CompressedSize64)
			g := &expansionGuard{r: &addCounter{r: rc, n: read}, in: func() int64 { return comp }, limits: lim}
			s, err := unwrap(bufio.NewReaderSize(g, 64<<10), func() int64 { return comp }, lim, 1)
			if err != nil {
				rc.Close()
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{s, rc}, nil
		}})
	}
	first, err := o.parts[0].open()
	if err != nil {
		o.cleanup()
		return nil, err
	}
	o.head, _ = io.ReadAll(io.LimitReader(first, 64<<10))
	first.Close()
	read.Store(0)
	return o, nil
}

type addCounter struct {
	r io.Reader
	n *atomic.Int64
}

func (c *addCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// importableZipEntry skips folders, macOS resource forks and hidden files.
func importableZipEntry(f *zip.File) bool {
	name := f.Name
	if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), ".") {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".xml", ".wxr", ".json", ".gz", ".db", ".sqlite", ".sqlite3", ".jsonl":
		return true
	}
	return false
}

// spool copies r to a new temporary file, refusing more than limit bytes,
// and returns the file positioned at its start.
func spool(r io.Reader, limit int64, tempDir string) (*os.File, int64, error) {
	f, err := os.CreateTemp(tempDir, "parley-import-*")
	if err != nil {
		return nil, 0, fmt.Errorf("import: temporary file: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, fmt.Errorf("import: copy to temporary file: %w", err)
	}
	return f, n, nil
}

// tokenGuard fails a read when more than limit bytes are read between two
// calls of reset: one XML token or element, one JSON value. The parsers
// call reset before each, so memory per value stays bounded.
type tokenGuard struct {
	r     io.Reader
	n     int64
	limit int64
	what  string
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.n > g.limit {
		return 0, fmt.Errorf("%w: one %s is larger than %d bytes", ErrTooLarge, g.what, g.limit)
	}
	// A decoder asks for ever larger reads while a value grows (JSON's
	// doubles its buffer): never hand it more than one byte past the
	// limit, or a single read could take a value of any size.
	if room := g.limit + 1 - g.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

func (g *tokenGuard) reset() { g.n = 0 }

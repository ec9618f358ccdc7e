package importer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// spillFile holds replies that wait for a parent not seen yet once the
// memory budget for them is spent: one JSON line per entry in a temporary
// file the import removes when it ends.
type spillFile struct {
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
	n   int
}

func newSpill(dir string) (*spillFile, error) {
	f, err := os.CreateTemp(dir, "parley-import-replies-*")
	if err != nil {
		return nil, fmt.Errorf("import: temporary file for waiting replies: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	return &spillFile{f: f, w: w, enc: json.NewEncoder(w)}, nil
}

func (s *spillFile) write(e *entry) error {
	s.n++
	if err := s.enc.Encode(e); err != nil {
		return fmt.Errorf("import: write waiting reply: %w", err)
	}
	return nil
}

// each flushes the file and calls fn with its entries in chunks of n.
func (s *spillFile) each(n int, fn func([]*entry) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("import: write waiting replies: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.f, 64<<10))
	chunk := make([]*entry, 0, n)
	for {
		e := new(entry)
		err := dec.Decode(e)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("import: read waiting replies: %w", err)
		}
		if chunk = append(chunk, e); len(chunk) == n {
			if err := fn(chunk); err != nil {
				return err
			}
			chunk = make([]*entry, 0, n)
		}
	}
	if len(chunk) > 0 {
		return fn(chunk)
	}
	return nil
}

func (s *spillFile) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}

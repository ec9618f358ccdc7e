package importer

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonWalker reads a large JSON document value by value, so that only one
// element of an array is in memory at a time, each at most MaxToken bytes.
type jsonWalker struct {
	dec   *json.Decoder
	guard *tokenGuard
}

func newJSONWalker(r io.Reader, maxToken int64) *jsonWalker {
	g := &tokenGuard{r: bufio.NewReaderSize(r, 64<<10), limit: maxToken, what: "JSON value"}
	dec := json.NewDecoder(g)
	dec.UseNumber()
	return &jsonWalker{dec: dec, guard: g}
}

func (w *jsonWalker) token() (json.Token, error) {
	w.guard.reset()
	return w.dec.Token()
}

// decode reads the next value into v.
func (w *jsonWalker) decode(v any) error {
	w.guard.reset()
	return w.dec.Decode(v)
}

// object reads an object, calling fn with each key; fn must read the value
// (decode, skip, array or object).
func (w *jsonWalker) object(fn func(key string) error) error {
	tok, err := w.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("expected an object, found %v", tok)
	}
	for w.dec.More() {
		tok, err := w.token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("expected a key, found %v", tok)
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	_, err = w.token() // '}'
	return err
}

// array reads an array (or null), calling fn for each element; fn must
// read the element.
func (w *jsonWalker) array(fn func(i int) error) error {
	tok, err := w.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("expected an array, found %v", tok)
	}
	for i := 0; w.dec.More(); i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	_, err = w.token() // ']'
	return err
}

// skip reads and drops one value of any size, token by token.
func (w *jsonWalker) skip() error {
	depth := 0
	for {
		tok, err := w.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// element decodes one array element into v. A well-formed value of the
// wrong shape is reported as bad (it is consumed, reading goes on); a
// syntax error, a read error or a limit is returned as err.
func (w *jsonWalker) element(v any) (bad error, err error) {
	err = w.decode(v)
	var syntax *json.SyntaxError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &syntax), errors.Is(err, ErrTooLarge), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, err
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return err, nil
	}
	return nil, err
}

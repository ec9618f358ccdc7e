package admin

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"time"
)

// UploadTimeout bounds receiving an import's file: the server's 30-second
// read timeout would cut a large upload on an ordinary connection.
const UploadTimeout = 30 * time.Minute

// Bounds of the upload's form besides its file.
const (
	importFormSlack  = 64 << 10 // bytes of the multipart envelope and the fields
	maxImportFields  = 16
	maxImportFieldSz = 1 << 10
)

// errUploadTooLarge is a file over ImportSettings.MaxUpload.
var errUploadTooLarge = errors.New("upload too large")

// importUpload is a received upload: its fields and its file, spooled to a
// temporary file (nil when the form held none).
type importUpload struct {
	form url.Values
	file *os.File
	size int64
}

// maxUpload is the largest file the dashboard accepts.
func (h *Handler) maxUpload() int64 {
	if h.Imports.MaxUpload > 0 {
		return h.Imports.MaxUpload
	}
	return DefaultImportMaxUpload
}

// readImportUpload streams a multipart form: the fields into memory (a
// few, short), the file "file" into a temporary file in tempDir, never
// more than limit bytes of it. On error nothing is left on disk; a file
// over limit is errUploadTooLarge.
func readImportUpload(w http.ResponseWriter, r *http.Request, limit int64, tempDir string) (*importUpload, error) {
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(UploadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, limit+importFormSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("not a file upload: %w", err)
	}
	up := &importUpload{form: url.Values{}}
	for fields := 0; ; fields++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return up, nil
		}
		if err == nil && fields >= maxImportFields {
			err = errors.New("too many fields")
		}
		if err == nil && part.FormName() == "file" {
			err = up.spool(part, limit, tempDir)
		} else if err == nil {
			err = up.field(part)
		}
		if err != nil {
			removeUpload(up.file)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				err = errUploadTooLarge
			}
			return nil, err
		}
	}
}

// spool copies the file part to a new temporary file.
func (up *importUpload) spool(part io.Reader, limit int64, tempDir string) error {
	if up.file != nil {
		return errors.New("more than one file")
	}
	f, err := os.CreateTemp(tempDir, "parley-upload-*")
	if err != nil {
		return fmt.Errorf("temporary file: %w", err)
	}
	up.file = f
	n, err := io.Copy(f, io.LimitReader(part, limit+1))
	switch {
	case err != nil:
		return err
	case n > limit:
		return errUploadTooLarge
	}
	up.size = n
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// field reads a short form field.
func (up *importUpload) field(part *multipart.Part) error {
	b, err := io.ReadAll(io.LimitReader(part, maxImportFieldSz+1))
	if err != nil {
		return err
	}
	if len(b) > maxImportFieldSz {
		return errors.New("a field is too long")
	}
	up.form.Add(part.FormName(), string(b))
	return nil
}

package load

import (
	"bytes"
	"net/http"
	"time"
)

// Static returns the machine's limit for an answer: a plain net/http
// handler serving body (with http.ServeContent, as a file server does) to
// every request, whatever its method and path. With gzipped, body is
// already gzip-compressed and is labelled so, as Parley labels the
// compressed bytes it sends.
func Static(body []byte, contentType string, gzipped bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		if gzipped {
			w.Header().Set("Content-Encoding", "gzip")
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

package assets

import (
	"net/http"
	"strconv"
)

// uploadScript serves the widget's upload module (widget.UploadPath). The
// widget imports it as a module from the host page's origin, which needs
// CORS; the module is public and the same for everyone, so any origin may
// read it. It is cached as briefly as the plain widget script.
func uploadScript(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Type", "text/javascript; charset=utf-8")
		hdr.Set("Cache-Control", cachePlain)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Access-Control-Allow-Origin", "*")
		hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	}
}

// Package webadmin holds the dashboard's templates and its stylesheet,
// embedded in the binary; internal/admin renders and serves them.
package webadmin

import "embed"

// Files are templates/*.html (one "layout" and one page each, the page
// defining "content") and admin.css.
//
//go:embed templates/*.html admin.css
var Files embed.FS

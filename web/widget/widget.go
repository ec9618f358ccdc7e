package widget

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed parley.js parley.css upload.js i18n/*.json
var files embed.FS

// Placeholders in parley.js that Script replaces.
const (
	placeholderEN  = "__PARLEY_EN__"
	placeholderCSS = "__PARLEY_CSS__"
)

// Script returns the widget exactly as it is served: parley.js with the minified stylesheet
// and the English messages inlined, full-line comments and indentation removed. It is
// deterministic, so a content hash of it is stable across restarts of the same binary.
// Callers build it once at startup; it returns an error only if the embedded sources are
// malformed, which the package tests rule out.
func Script() ([]byte, error) {
	js, err := files.ReadFile("parley.js")
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	css, err := files.ReadFile("parley.css")
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	en, err := files.ReadFile("i18n/en.json")
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, en); err != nil {
		return nil, fmt.Errorf("widget: i18n/en.json: %w", err)
	}
	cssLit, err := json.Marshal(MinifyCSS(string(css)))
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	out := MinifyJS(string(js))
	for _, p := range []struct {
		name string
		with []byte
	}{{placeholderEN, compact.Bytes()}, {placeholderCSS, cssLit}} {
		if n := bytes.Count([]byte(out), []byte(p.name)); n != 1 {
			return nil, fmt.Errorf("widget: placeholder %s found %d times, want 1", p.name, n)
		}
		out = string(bytes.Replace([]byte(out), []byte(p.name), p.with, 1))
	}
	return []byte(out), nil
}

// UploadPath is where Parley serves the upload module (upload.js), which
// the widget imports only on sites that take images in comments.
const UploadPath = "/upload.js"

// UploadScript returns the upload module as it is served: upload.js with
// full-line comments and indentation removed.
func UploadScript() ([]byte, error) {
	js, err := files.ReadFile("upload.js")
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	return []byte(MinifyJS(string(js))), nil
}

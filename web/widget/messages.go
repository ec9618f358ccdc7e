package widget

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// catalog maps a primary language subtag to its compacted messages. It is built once, on first
// use, from the embedded files and never changes afterwards.
var catalog = sync.OnceValue(func() map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	names, _ := fs.Glob(files, "i18n/*.json")
	for _, name := range names {
		tag := strings.TrimSuffix(path.Base(name), ".json")
		if tag == "en" {
			continue // built into the script
		}
		raw, err := files.ReadFile(name)
		if err != nil {
			continue
		}
		var b bytes.Buffer
		if json.Compact(&b, raw) != nil {
			continue // the package tests reject malformed files
		}
		m[tag] = json.RawMessage(b.Bytes())
	}
	return m
})

// Languages returns the tags Messages can answer for, English excluded.
func Languages() []string {
	var tags []string
	for tag := range catalog() {
		tags = append(tags, tag)
	}
	return tags
}

// Messages returns the widget's translation for a BCP 47 language tag such as "de", "de-AT",
// "pt_BR", "zh-Hans" or "zh-CN": the matched tag (the primary subtag: "de", "pt", "zh") and the
// messages as a compact JSON object keyed like i18n/en.json. Every Chinese tag, Traditional
// included, gets the Simplified translation, the only one there is. ok is false for English,
// an empty tag and any language without a translation; the widget then uses its built-in
// English. The returned bytes are shared: callers must not modify them.
func Messages(lang string) (tag string, msgs json.RawMessage, ok bool) {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"), "-")
	primary = strings.ToLower(primary)
	msgs, ok = catalog()[primary]
	if !ok {
		return "", nil, false
	}
	return primary, msgs, true
}

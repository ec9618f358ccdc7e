package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Detect names the format of an export from its first bytes (after any
// gzip or zip container is undone), or returns "" when it cannot tell.
func Detect(head []byte) Format {
	if bytes.HasPrefix(head, magicSQLite) {
		return Isso
	}
	s := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	switch {
	case len(s) == 0:
		return ""
	case s[0] == '<' || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return detectXML(head)
	case s[0] == '{':
		return detectJSON(s)
	}
	return ""
}

func detectXML(head []byte) Format {
	// UTF-16 files are rare; compare their ASCII as if it were UTF-8.
	h := bytes.ReplaceAll(head, []byte{0}, nil)
	switch {
	case bytes.Contains(h, []byte("<disqus")):
		return Disqus
	case bytes.Contains(h, []byte("wordpress.org/export/")):
		return WordPress
	}
	return ""
}

// detectJSON reads the first keys of the top-level object. Each format
// starts with a telling key: Parley with "format", Remark42's meta line
// with "users" and "posts", Comentario v3 with "pages", Commento with
// "comments" (and version 1).
func detectJSON(s []byte) Format {
	dec := json.NewDecoder(bytes.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	version := 0.0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			var f string
			if dec.Decode(&f) == nil && f == parleyFormatName {
				return Parley
			}
			return ""
		case "users", "posts", "locator", "pid":
			return Remark42
		case "pages":
			return Comentario
		case "comments", "commenters":
			if version == 3 {
				return Comentario
			}
			return Commento
		case "version":
			if dec.Decode(&version) != nil {
				return ""
			}
			continue
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// checkFormat refuses an input that clearly is another format than the one
// asked for, with a message that says which.
func checkFormat(asked, detected Format) error {
	if asked == "" || detected == "" || asked == detected {
		return nil
	}
	if (asked == Commento && detected == Comentario) || (asked == Comentario && detected == Commento) {
		return nil // one parser reads both, by version
	}
	return fmt.Errorf("import: this file looks like a %s export, not %s; run the import with %s (or without a format)", detected, asked, detected)
}

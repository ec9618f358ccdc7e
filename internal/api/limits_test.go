package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
)

// padded returns v as JSON padded with spaces to exactly size bytes, the
// spaces before the closing brace (inside) or after it (trailing, as a
// client that ends its body with a newline sends).
func padded(t *testing.T, v any, size int, trailing bool) string {
	t.Helper()
	buf, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat(" ", size-len(buf))
	if trailing {
		return string(buf) + pad
	}
	return string(buf[:len(buf)-1]) + pad + "}"
}

// TestBodyLimitIs413 sends every route that reads a body a valid JSON body
// of exactly api.MaxBodyBytes (accepted) and one byte more (413), with the
// extra byte inside the object and after it.
func TestBodyLimitIs413(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, token := e.post("/post", 0, "first")
		commentPath := "/api/v1/comments/" + strconv.FormatInt(id, 10)
		routes := []struct {
			method, path string
			body         any
			status       int // the answer at the limit
		}{
			{"POST", "/api/v1/comments", newComment("hi", map[string]any{"name": "Ann"}), 201},
			{"PATCH", commentPath, map[string]any{"text": "edited"}, 200},
			{"POST", commentPath + "/vote", map[string]any{"value": 1}, 200},
			{"POST", "/api/v1/preview", map[string]any{"site": "blog.example", "text": "hi"}, 200},
		}
		for _, rt := range routes {
			for _, trailing := range []bool{false, true} {
				name := rt.method + " " + rt.path + " trailing=" + strconv.FormatBool(trailing)
				tok := map[string]string{"X-Parley-Edit-Token": token}
				at := e.do(req{method: rt.method, path: rt.path, body: padded(t, rt.body, api.MaxBodyBytes, trailing), headers: tok})
				if at.status != rt.status {
					t.Errorf("%s at the limit: %d %s", name, at.status, at.raw)
				}
				over := e.do(req{method: rt.method, path: rt.path, body: padded(t, rt.body, api.MaxBodyBytes+1, trailing), headers: tok})
				if over.status != http.StatusRequestEntityTooLarge || over.str("error.code") != "body_too_large" || over.get("error.field") != nil {
					t.Errorf("%s one byte over: %d %s", name, over.status, over.raw)
				}
			}
		}
	})
}

package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkThreadGET serves GET /api/v1/thread for a page of 100 comments
// through the whole handler chain.
func BenchmarkThreadGET(b *testing.B) {
	e := newEnv(b, "sqlite", options{})
	for i := range 100 {
		e.post("/post", 0, fmt.Sprintf("comment number %d with some *markdown*", i))
	}
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/api/v1/thread?site=blog.example&path=/post", nil)
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkCommentPOST creates comments through the whole handler chain
// (validation, markdown, sealing, store).
func BenchmarkCommentPOST(b *testing.B) {
	e := newEnv(b, "sqlite", options{})
	body := `{"site":"blog.example","path":"/post","text":"Hello **world**, a typical comment of a few words.","author":{"name":"Ann","email":"ann@example.com"}}`
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/api/v1/comments", strings.NewReader(body))
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, r)
		if w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

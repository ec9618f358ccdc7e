// Package akismettest is a local stand-in for Akismet's REST API (version
// 1.1), for tests: it answers comment-check, submit-spam, submit-ham and
// verify-key with the request and response shapes Akismet documents, its
// test triggers included, and records every request it receives.
//
// It must never be used outside tests: it keeps whatever it is sent.
package akismettest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// The documented test triggers of comment-check.
const (
	SpamAuthor = "viagra-test-123"                     // comment_author that is always spam
	SpamEmail  = "akismet-guaranteed-spam@example.com" // comment_author_email that is always spam
	HamRole    = "administrator"                       // user_role that is never spam
	// DiscardAuthor is this double's own trigger (Akismet documents none):
	// spam with "X-akismet-pro-tip: discard".
	DiscardAuthor = "akismettest-discard"
)

// DebugHelp is the X-akismet-debug-help header of an "invalid" answer.
const DebugHelp = "We were unable to parse your API key. Please check that it is correct."

// Server is a running double. Key is the only valid key. Delay holds every
// answer that long (a timeout test). The URL ends with a slash, as
// spam.AkismetOptions.Endpoint wants it.
type Server struct {
	URL string
	Key string

	mu       sync.Mutex
	delay    time.Duration
	requests []Request
	srv      *httptest.Server
}

// Request is one request the double received.
type Request struct {
	Op        string // comment-check, submit-spam, submit-ham, verify-key
	Form      url.Values
	UserAgent string
}

// New starts a double that accepts key, closed when the test ends.
func New(t interface{ Cleanup(func()) }, key string) *Server {
	s := &Server{Key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /1.1/comment-check", s.handle("comment-check", s.commentCheck))
	mux.HandleFunc("POST /1.1/submit-spam", s.handle("submit-spam", thanks))
	mux.HandleFunc("POST /1.1/submit-ham", s.handle("submit-ham", thanks))
	mux.HandleFunc("POST /1.1/verify-key", s.handle("verify-key", func(w http.ResponseWriter, _ url.Values) { w.Write([]byte("valid")) }))
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/1.1/"
	t.Cleanup(s.srv.Close)
	return s
}

// SetDelay makes every later answer wait d (or until the client gives up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// handle records the request, waits the delay, refuses a wrong key or a
// request without blog as Akismet does ("invalid" with debug help), then
// answers with fn.
func (s *Server) handle(op string, fn func(http.ResponseWriter, url.Values)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, Request{Op: op, Form: r.PostForm, UserAgent: r.UserAgent()})
		delay := s.delay
		s.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		key := r.PostForm.Get("api_key")
		switch {
		case key != s.Key:
			w.Header().Set("X-akismet-debug-help", DebugHelp)
			w.Write([]byte("invalid"))
		case r.PostForm.Get("blog") == "":
			w.Header().Set("X-akismet-debug-help", "Empty \"blog\" value")
			w.Write([]byte("invalid"))
		default:
			fn(w, r.PostForm)
		}
	}
}

// commentCheck answers "true" for the spam triggers (with the discard
// pro-tip for DiscardAuthor), "false" for the administrator role and
// anything else. With is_test=1 it says so in a header, as a way for tests
// to see the flag arrived.
func (s *Server) commentCheck(w http.ResponseWriter, f url.Values) {
	if f.Get("is_test") == "1" {
		w.Header().Set("X-akismettest-is-test", "1")
	}
	switch {
	case f.Get("user_role") == HamRole:
		w.Write([]byte("false"))
	case f.Get("comment_author") == DiscardAuthor:
		w.Header().Set("X-akismet-pro-tip", "discard")
		w.Write([]byte("true"))
	case f.Get("comment_author") == SpamAuthor, f.Get("comment_author_email") == SpamEmail:
		w.Write([]byte("true"))
	default:
		w.Write([]byte("false"))
	}
}

func thanks(w http.ResponseWriter, _ url.Values) {
	w.Write([]byte("Thanks for making the web a better place."))
}

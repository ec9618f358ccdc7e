package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

type panicky struct{}

func (panicky) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
}

func TestHandlerOperationalEndpointsAndMiddleware(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m := NewMetrics()
	h := Handler(log, pinger{}, m, panicky{})

	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != 200 || rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("X-Request-Id") == "" {
		t.Errorf("healthz: %d %v", rec.Code, rec.Header())
	}
	if rec := get("/readyz"); rec.Code != 200 {
		t.Errorf("readyz: %d", rec.Code)
	}
	rec := get("/boom")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) || strings.Contains(rec.Body.String(), "kaboom") {
		t.Errorf("panic: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "panic in handler") {
		t.Errorf("panic not logged: %s", logs.String())
	}
	metrics := get("/metrics").Body.String()
	for _, want := range []string{`parley_http_requests_total{route="GET /healthz",status="2xx"} 1`, `parley_http_requests_total{route="GET /boom",status="5xx"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	down := Handler(log, pinger{err: errors.New("db gone")}, nil)
	rec = httptest.NewRecorder()
	down.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database down: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	down.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("/metrics without a registry: %d", rec.Code)
	}
}

package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// TestPasswordChecksWaitForATurn: past MaxConcurrentPasswordChecks running
// hashes, a sign-in waits for a turn, and answers 503 unavailable when the
// request's deadline comes first.
func TestPasswordChecksWaitForATurn(t *testing.T) {
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("api-test-secret-api-test-secret-api-test"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "parley.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, &model.User{Email: "ada@example.com", Role: model.RoleCommenter, PasswordHash: auth.HashPassword("correct horse battery")}); err != nil {
		t.Fatal(err)
	}
	h := New(Deps{Store: st, Sealer: sealer, ClientIP: func(*http.Request) string { return "192.0.2.1" },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now, DBTimeout: time.Second})
	mux := http.NewServeMux()
	h.Register(mux)
	login := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"ada@example.com","password":"correct horse battery"}`))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	for range MaxConcurrentPasswordChecks {
		h.hashing <- struct{}{} // as many checks as allowed are running
	}
	if w := login(); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !bytes.Contains(w.Body.Bytes(), []byte(`"unavailable"`)) {
		t.Errorf("sign-in with every slot taken: %d %v %s", w.Code, w.Header(), w.Body)
	}
	<-h.hashing
	if w := login(); w.Code != http.StatusOK {
		t.Errorf("sign-in with a slot free: %d %s", w.Code, w.Body)
	}
}

package api_test

import (
	"net/http"
	"strconv"
	"testing"
)

// FuzzWrites sends arbitrary bodies to the write routes: whatever a client
// sends, the answer is never a 500.
func FuzzWrites(f *testing.F) {
	for _, seed := range []string{
		`{"site":"blog.example","path":"/p","text":"hi","author":{"name":"A"}}`,
		`{"site":"blog.example","path":"/p","parentId":1,"text":"x","author":{"name":"A","email":"a@b.co","website":"https://x.y"}}`,
		`{"site":"blog.example","path":"/p","text":"\u0000","author":{"name":"\u0000"}}`,
		`{"value":1}`, `{"text":"edit"}`, `[]`, `null`, `{"site":1}`,
		`{"name":"Ada","website":"https://ada.example"}`, `{"email":"ada@example.com","password":"x","remember":true}`,
		`{"email":"bea@example.com","password":"a long passphrase","name":"Bea","site":"blog.example"}`,
		`{"email":"ada@example.com","site":"blog.example"}`, `{"email":"ada@new.example","password":"correct horse battery"}`,
		`{"email":"ada@example.com","action":"export","site":"blog.example"}`, `{"comments":"anonymize","password":"x"}`,
	} {
		f.Add(seed, uint8(0))
	}
	e := newEnv(f, "sqlite", options{})
	id, _ := e.post("/p", 0, "target")
	e.account("ada@example.com", "Ada")
	session := "Bearer " + e.login("ada@example.com", false)
	targets := []struct{ method, path, auth string }{
		{"POST", "/api/v1/comments", ""},
		{"POST", "/api/v1/preview", ""},
		{"POST", "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote", ""},
		{"PATCH", "/api/v1/comments/" + strconv.FormatInt(id, 10), ""},
		{"PATCH", "/api/v1/me", session},
		{"POST", "/api/v1/auth/login", ""},
		{"POST", "/api/v1/auth/signup", ""},
		{"POST", "/api/v1/auth/reset", ""},
		{"POST", "/api/v1/me/email", session},
		{"POST", "/api/v1/privacy/request", ""},
		{"DELETE", "/api/v1/me", session},
	}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		target := targets[int(which)%len(targets)]
		e.t = t
		headers := map[string]string{"X-Parley-Edit-Token": "x"}
		if target.auth != "" {
			headers["Authorization"] = target.auth
		}
		r := e.do(req{method: target.method, path: target.path, body: body, headers: headers})
		if r.status >= http.StatusInternalServerError {
			t.Fatalf("%s %s with %q: %d %s", target.method, target.path, body, r.status, r.raw)
		}
	})
}

package cli_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestDemoWorksAtEveryAnnouncedAddress: the demo's thread loads, readable by the page, and
// takes a comment from every origin a browser can open /demo under at the addresses serve
// announces — the public URL, the listen address the log prints, and this machine's loopback
// names on the same port.
func TestDemoWorksAtEveryAnnouncedAddress(t *testing.T) {
	cases := []struct {
		name, host, publicURL string
		origins               []string // "PORT" stands for the port serve listens on
	}{
		{"listen on localhost, as by default", "localhost", "",
			[]string{"http://localhost:PORT", "http://127.0.0.1:PORT", "http://[::1]:PORT"}},
		{"listen on 127.0.0.1 behind a public URL", "127.0.0.1", "https://comments.example.com",
			[]string{"https://comments.example.com", "http://127.0.0.1:PORT", "http://localhost:PORT", "http://[::1]:PORT"}},
		{"listen on every interface", "0.0.0.0", "",
			[]string{"http://localhost:PORT", "http://127.0.0.1:PORT", "http://[::1]:PORT", "http://0.0.0.0:PORT"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, port, _ := net.SplitHostPort(freePort(t))
			// One client posts once from each origin: the comment interval would refuse all but the first.
			vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_PUBLIC_URL": c.publicURL, "PARLEY_COMMENT_INTERVAL": "0"}
			base, stop := serveAt(t, vars, net.JoinHostPort(c.host, port))
			defer stop()
			for _, o := range c.origins {
				o = strings.Replace(o, "PORT", port, 1)
				body := `{"site":"localhost","path":"/demo","text":"hello from ` + o + `","author":{"name":"Ann"}}`
				if status, _ := demoRequest(t, "POST", base+"/api/v1/comments", o, body); status != http.StatusCreated {
					t.Errorf("comment from %s: status %d, want 201", o, status)
				}
				status, resp := demoRequest(t, "GET", base+"/api/v1/thread?site=localhost&path=/demo", o, "")
				if status != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != o {
					t.Errorf("thread from %s: status %d, Access-Control-Allow-Origin %q; want 200 and the origin",
						o, status, resp.Header.Get("Access-Control-Allow-Origin"))
				}
			}
		})
	}
}

// demoRequest sends one request with an Origin header and returns its status and response.
func demoRequest(t *testing.T, method, url, origin, body string) (int, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct{ Error struct{ Code string } }
		raw, _ := io.ReadAll(resp.Body)
		json.Unmarshal(raw, &e)
		t.Logf("%s %s from %s: %d %s", method, url, origin, resp.StatusCode, e.Error.Code)
	}
	return resp.StatusCode, resp
}

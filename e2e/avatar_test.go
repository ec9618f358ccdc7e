package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/cli"
)

// TestAvatarLoadsFromParleyOnly is promise P2 for pictures: a site's SSO user
// whose picture URL points elsewhere (here at the host page's server) comments,
// and readers see an avatar loaded from the Parley origin, never from that URL.
func TestAvatarLoadsFromParleyOnly(t *testing.T) {
	s := need(t)
	var out bytes.Buffer
	getenv := func(string) string { return "" }
	if err := cli.Run(context.Background(), []string{"site", "sso", s.site, "--data-dir", s.dataDir}, getenv, &out, os.Stderr); err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(out.String())
	picture := s.host + "/pictures/ada.png"
	token := auth.SignSSOToken(secret, auth.SSOPayload{ID: "ada", Name: "Ada Site", AvatarURL: picture, Exp: time.Now().Add(time.Minute).Unix()})
	var signedIn struct {
		Token string `json:"token"`
	}
	s.call(t, http.MethodPost, "/api/v1/auth/sso", s.host, "", map[string]string{"site": s.site, "token": token}, &signedIn, http.StatusOK)

	p := path(t)
	body, _ := json.Marshal(map[string]any{"site": s.site, "path": p, "text": "With my picture."})
	req, _ := http.NewRequest(http.MethodPost, s.parley+"/api/v1/comments", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", s.host)
	req.Header.Set("Authorization", "Bearer "+signedIn.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("comment as the SSO user: %d %s", resp.StatusCode, raw)
	}

	tb := newTab(t)
	page := s.host + p
	tb.open(page)
	tb.wait(`(() => { const i = document.querySelector('.parley img.p-av'); return i && i.complete && i.naturalWidth > 0; })()`)
	if src := tb.str(`document.querySelector('.parley img.p-av').src`); !strings.HasPrefix(src, s.parley+"/avatars/") {
		t.Errorf("avatar src %q is not on the Parley origin", src)
	}
	tb.assertOnlyOrigins(page)
}

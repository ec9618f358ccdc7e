package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// pngOf encodes a w×h picture, red on its left half, blue on its right.
func pngOf(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 255, A: 255}
			if x >= w/2 {
				c = color.NRGBA{B: 255, A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pictures serves /NAME with the given type and body.
func pictures(t *testing.T, files map[string][2]string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f[0])
		fmt.Fprint(w, f[1])
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAvatarFetch(t *testing.T) {
	// A picture wider than MaxAvatarSide, in a small file: refused before decoding.
	huge := pngOf(t, MaxAvatarSide+1, 1)
	base := pictures(t, map[string][2]string{
		"/wide.png":  {"image/png", string(pngOf(t, 300, 100))},
		"/page.html": {"text/html", "<svg onload=alert(1)>"},
		"/fake.png":  {"image/png", "<svg onload=alert(1)>"},
		"/big.png":   {"image/png", strings.Repeat("x", MaxAvatarBytes+1)},
		"/huge.png":  {"image/png", string(huge)},
	})
	f := NewAvatarFetcher(true)
	out, err := f.Fetch(context.Background(), base+"/wide.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds().Dx() != AvatarSize || img.Bounds().Dy() != AvatarSize {
		t.Fatalf("avatar %v, %v: want a %d-pixel square PNG", img.Bounds(), err, AvatarSize)
	}
	// The centred square of a red|blue 300×100 picture is half red, half blue.
	if l, r := color.NRGBAModel.Convert(img.At(10, 50)).(color.NRGBA), color.NRGBAModel.Convert(img.At(85, 50)).(color.NRGBA); l.R != 255 || r.B != 255 {
		t.Errorf("not the centred square: left %v, right %v", l, r)
	}
	for _, name := range []string{"/page.html", "/fake.png", "/big.png", "/huge.png", "/missing.png", "/loop"} {
		if _, err := f.Fetch(context.Background(), base+name); !errors.Is(err, ErrAvatar) {
			t.Errorf("%s: %v, want ErrAvatar", name, err)
		}
	}
	if _, err := f.Fetch(context.Background(), "javascript:alert(1)"); !errors.Is(err, ErrAvatar) {
		t.Errorf("script URL: %v", err)
	}
	// By default no private address is contacted, however the URL names it.
	strict := NewAvatarFetcher(false)
	for _, u := range []string{base + "/wide.png", strings.Replace(base, "127.0.0.1", "localhost", 1) + "/wide.png", "http://[::1]:1/x.png", "http://10.0.0.1:1/x.png"} {
		if _, err := strict.Fetch(context.Background(), u); !errors.Is(err, errPrivate) {
			t.Errorf("%s: %v, want a refused private address", u, err)
		}
	}
}

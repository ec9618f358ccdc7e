package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/media"
)

// serve starts a TLS test server and returns a fetcher that trusts it and
// may reach loopback (the test option), and the server's URL.
func serve(t *testing.T, h http.HandlerFunc) (*media.Fetcher, string) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	tls := srv.Client().Transport.(*http.Transport).TLSClientConfig
	return media.NewFetcher(media.FetcherOptions{AllowLoopback: true, TLS: tls}), srv.URL
}

func servingBytes(t *testing.T, contentType string, body []byte) (*media.Fetcher, string) {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	})
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.NRGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchAvatarResizesToASquarePNG(t *testing.T) {
	f, url := servingBytes(t, "application/octet-stream", pngOf(t, 300, 200))
	out, err := f.FetchAvatar(context.Background(), url+"/me.png")
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(out))
	if err != nil || format != "png" {
		t.Fatalf("decode result: %v %q", err, format)
	}
	if b := img.Bounds(); b.Dx() != media.AvatarSize || b.Dy() != media.AvatarSize {
		t.Fatalf("avatar is %v, want %d×%d", b, media.AvatarSize, media.AvatarSize)
	}
}

// exifGPS is an APP1 segment whose EXIF block has a GPS IFD with a
// recognisable latitude reference text.
const gpsMarker = "GPS-SECRET-48.8584N"

func jpegWithEXIF(t *testing.T) []byte {
	t.Helper()
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	// TIFF, little endian: IFD0 with one entry GPSInfo (0x8825) -> GPS IFD
	// with one ASCII entry (GPSLatitudeRef, 0x0001) pointing at the marker.
	tiff := new(bytes.Buffer)
	le := binary.LittleEndian
	tiff.WriteString("II")
	binary.Write(tiff, le, uint16(42))
	binary.Write(tiff, le, uint32(8))
	binary.Write(tiff, le, uint16(1)) // IFD0: 1 entry at 8
	binary.Write(tiff, le, []uint16{0x8825, 4})
	binary.Write(tiff, le, []uint32{1, 26})
	binary.Write(tiff, le, uint32(0))
	binary.Write(tiff, le, uint16(1)) // GPS IFD at 26
	binary.Write(tiff, le, []uint16{0x0001, 2})
	binary.Write(tiff, le, []uint32{uint32(len(gpsMarker) + 1), 44})
	binary.Write(tiff, le, uint32(0))
	tiff.WriteString(gpsMarker + "\x00")
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	raw := plain.Bytes()
	out := append([]byte{}, raw[:2]...) // SOI
	out = append(append(out, seg...), app1...)
	return append(out, raw[2:]...)
}

func TestFetchAvatarStripsEXIF(t *testing.T) {
	src := jpegWithEXIF(t)
	if !bytes.Contains(src, []byte(gpsMarker)) {
		t.Fatal("the test picture lacks its GPS block")
	}
	if _, err := jpeg.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("the test picture is not a valid JPEG: %v", err)
	}
	f, url := servingBytes(t, "image/jpeg", src)
	out, err := f.FetchAvatar(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(gpsMarker)) || bytes.Contains(out, []byte("Exif")) {
		t.Fatal("the avatar still carries the EXIF GPS block")
	}
	if !bytes.HasPrefix(out, []byte("\x89PNG")) {
		t.Fatal("the avatar is not a PNG")
	}
}

// pngHeader is a PNG signature and IHDR chunk announcing w×h pixels, with
// no pixel data: a decompression bomb in miniature.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
	return append(out, make([]byte, 64)...)
}

func TestFetchAvatarRefuses(t *testing.T) {
	big := append(pngOf(t, 10, 10), make([]byte, media.MaxFetchBytes)...)
	cases := []struct {
		name        string
		contentType string
		body        []byte
		want        error
	}{
		{"larger than the size limit", "image/png", big, media.ErrTooLarge},
		{"decompression bomb", "image/png", pngHeader(100000, 100000), media.ErrTooManyPixel},
		{"one side past the bound", "image/png", pngHeader(media.MaxSide+1, 1), media.ErrTooManyPixel},
		{"html sent as image/png", "image/png", []byte("<html><body>not a picture</body></html>"), media.ErrUnsupported},
		{"svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), media.ErrUnsupported},
		{"truncated png", "image/png", pngOf(t, 50, 50)[:60], media.ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, url := servingBytes(t, c.contentType, c.body)
			if _, err := f.FetchAvatar(context.Background(), url); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// The size limit holds when the server announces no length too.
	f, url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write(big[:len(big)/2])
		w.(http.Flusher).Flush()
		w.Write(big[len(big)/2:])
	})
	if _, err := f.FetchAvatar(context.Background(), url); !errors.Is(err, media.ErrTooLarge) {
		t.Fatalf("chunked body past the limit: %v", err)
	}
	f, url = serve(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	if _, err := f.FetchAvatar(context.Background(), url); !errors.Is(err, media.ErrNotFound) {
		t.Fatalf("404: %v", err)
	}
}

func TestFetchAvatarRedirects(t *testing.T) {
	var hops int
	f, url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/private":
			http.Redirect(w, r, "https://10.0.0.1/avatar.png", http.StatusFound)
		case "/loop":
			hops++
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/ok":
			http.Redirect(w, r, "/pic", http.StatusFound)
		default:
			w.Write(pngOf(t, 8, 8))
		}
	})
	var blocked *media.BlockedAddressError
	if _, err := f.FetchAvatar(context.Background(), url+"/private"); !errors.As(err, &blocked) || blocked.Addr != netip.MustParseAddr("10.0.0.1") {
		t.Fatalf("redirect to a private address: %v", err)
	}
	if _, err := f.FetchAvatar(context.Background(), url+"/loop"); !errors.Is(err, media.ErrRedirects) || hops != media.MaxRedirects+1 {
		t.Fatalf("redirect loop: %v after %d hops", err, hops)
	}
	if _, err := f.FetchAvatar(context.Background(), url+"/ok"); err != nil {
		t.Fatalf("one redirect: %v", err)
	}
}

// TestDefaultFetcherRefusesNonPublicAddresses: the server's fetcher refuses
// loopback and private addresses in the dialer's Control function, which
// runs before the socket connects, so no packet leaves for them.
func TestDefaultFetcherRefusesNonPublicAddresses(t *testing.T) {
	f := media.NewFetcher(media.FetcherOptions{})
	for _, host := range []string{"127.0.0.1", "10.0.0.1", "[::1]", "169.254.169.254", "[fe80::1]", "100.64.0.1"} {
		_, err := f.FetchAvatar(context.Background(), "https://"+host+"/a.png")
		var blocked *media.BlockedAddressError
		if !errors.As(err, &blocked) {
			t.Errorf("%s: got %v, want a refusal at dial time", host, err)
		}
	}
	for _, u := range []string{"http://example.com/a.png", "file:///etc/passwd", "ftp://example.com/a", "not a url"} {
		if _, err := f.FetchAvatar(context.Background(), u); !errors.Is(err, media.ErrScheme) {
			t.Errorf("%s: got %v, want ErrScheme", u, err)
		}
	}
}

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"224.0.0.1": false, "0.0.0.0": false, "100.64.0.1": false, "::1": false, "fe80::1": false, "fc00::1": false,
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false, "2002:a00:1::": false, "ff02::1": false,
	} {
		if got := media.Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestIdenticon(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5a}, media.IdenticonSeedBytes)
	a, b := media.Identicon(seed), media.Identicon(append([]byte{}, seed...))
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed drew two different identicons")
	}
	other := append([]byte{0x11}, seed[1:]...)
	if bytes.Equal(a, media.Identicon(other)) {
		t.Fatal("two seeds drew the same identicon")
	}
	if s := string(a); !strings.HasPrefix(s, "<svg") || strings.Contains(s, "script") || strings.Contains(s, "href") {
		t.Fatalf("identicon is not a plain SVG: %s", s)
	}
	path := media.IdenticonPath(seed)
	got, ok := media.ParseIdenticonName(strings.TrimPrefix(path, "/avatars/identicon/"))
	if !ok || !bytes.Equal(got, seed) {
		t.Fatalf("identicon path %q does not parse back", path)
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add(pngHeader(10, 10))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := media.Normalize(data)
		if err != nil {
			return
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(out))
		if err != nil || cfg.Width != media.AvatarSize || cfg.Height != media.AvatarSize {
			t.Fatalf("Normalize gave a bad avatar: %v %v", cfg, err)
		}
	})
}

// TestFetchesAreBounded: past MaxConcurrentFetches, a fetch waits for a
// turn (here until its deadline) instead of downloading at once.
func TestFetchesAreBounded(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, media.MaxConcurrentFetches+1)
	f, url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		w.Write(pngOf(t, 4, 4))
	})
	done := make(chan error, media.MaxConcurrentFetches)
	for range media.MaxConcurrentFetches {
		go func() { _, err := f.FetchAvatar(context.Background(), url); done <- err }()
	}
	for range media.MaxConcurrentFetches {
		<-started
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := f.FetchAvatar(ctx, url); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("fetch past the bound: %v, want to wait until the deadline", err)
	}
	if len(started) != 0 {
		t.Error("the fetch past the bound reached the server")
	}
	close(release)
	for range media.MaxConcurrentFetches {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

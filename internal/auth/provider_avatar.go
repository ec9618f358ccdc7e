package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders of the picture types providers serve
	_ "image/jpeg"
	"image/png"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Limits of fetching a provider's picture (promise P2: browsers get it from
// Parley, never from the provider).
const (
	// AvatarTimeout bounds the whole fetch, redirects included.
	AvatarTimeout = 5 * time.Second
	// MaxAvatarBytes bounds the picture as downloaded.
	MaxAvatarBytes = 1 << 20
	// MaxAvatarSide bounds each side of the picture, checked before it is
	// decoded, so that a small file cannot claim a huge bitmap.
	MaxAvatarSide = 1024
	// AvatarSize is the side, in pixels, of the square PNG Parley serves.
	AvatarSize = 96
	// maxAvatarRedirects bounds the redirects followed.
	maxAvatarRedirects = 3
)

// ErrAvatar is why a picture was not taken: unreachable, refused address,
// too large, not an image of a known type.
var ErrAvatar = errors.New("auth: provider picture not taken")

// AvatarFetcher downloads provider pictures and turns them into small PNGs.
// It is safe for concurrent use.
type AvatarFetcher struct {
	client *http.Client
}

// NewAvatarFetcher returns a fetcher. Unless allowPrivate, it refuses to
// connect to loopback, private, link-local and other non-public addresses
// (checked on the address actually dialled, so also after redirects and
// DNS tricks): a picture URL comes from the provider's answer, which the
// person logging in may partly control.
func NewAvatarFetcher(allowPrivate bool) *AvatarFetcher {
	dialer := &net.Dialer{Timeout: AvatarTimeout}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	tr := &http.Transport{
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    AvatarTimeout,
		ResponseHeaderTimeout:  AvatarTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           4,
		IdleConnTimeout:        30 * time.Second,
	}
	return &AvatarFetcher{client: &http.Client{Transport: tr, Timeout: AvatarTimeout,
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) > maxAvatarRedirects || (r.URL.Scheme != "https" && r.URL.Scheme != "http") {
				return fmt.Errorf("%w: too many or non-web redirects", ErrAvatar)
			}
			return nil
		}}}
}

var errPrivate = errors.New("non-public address")

// refusePrivate is a net.Dialer Control that refuses every address that is
// not a public unicast one.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return err
	}
	a := ap.Addr().Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() || cgnat.Contains(a) {
		return errPrivate
	}
	return nil
}

// cgnat is shared address space (RFC 6598), private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Fetch downloads the picture at url and returns it as a PNG of
// AvatarSize × AvatarSize: cropped to a square around its centre, scaled
// down, and re-encoded, so that nothing of the original file (metadata,
// anything that is not pixels) is kept. Errors wrap ErrAvatar.
func (f *AvatarFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	if webURL(url) == "" {
		return nil, fmt.Errorf("%w: not a web URL", ErrAvatar)
	}
	ctx, cancel := context.WithTimeout(ctx, AvatarTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAvatar, err)
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAvatar, err)
	}
	defer resp.Body.Close()
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK || (mt != "image/png" && mt != "image/jpeg" && mt != "image/gif") {
		return nil, fmt.Errorf("%w: status %d, type %q", ErrAvatar, resp.StatusCode, mt)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxAvatarBytes+1))
	if err != nil || len(raw) > MaxAvatarBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes, or cut: %v", ErrAvatar, MaxAvatarBytes, err)
	}
	return square(raw)
}

// square decodes raw and returns it as an AvatarSize PNG.
func square(raw []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxAvatarSide || cfg.Height > MaxAvatarSide {
		return nil, fmt.Errorf("%w: not an image of at most %d×%d pixels", ErrAvatar, MaxAvatarSide, MaxAvatarSide)
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAvatar, err)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, scale(src, AvatarSize)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAvatar, err)
	}
	return out.Bytes(), nil
}

// scale crops src to its centred square and averages it down (or repeats
// it up) to size × size.
func scale(src image.Image, size int) *image.NRGBA {
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		sy0, sy1 := y0+y*side/size, y0+max((y+1)*side/size, y*side/size+1)
		for x := range size {
			sx0, sx1 := x0+x*side/size, x0+max((x+1)*side/size, x*side/size+1)
			var r, g, bl, a, n uint64
			for sy := sy0; sy < sy1; sy++ {
				for sx := sx0; sx < sx1; sx++ {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					r, g, bl, a, n = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), a+uint64(c.A), n+1
				}
			}
			dst.SetNRGBA(x, y, color.NRGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(bl / n >> 8), uint8(a / n >> 8)})
		}
	}
	return dst
}

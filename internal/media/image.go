package media

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Picture limits. AvatarSize is the side of every stored avatar, in pixels;
// MaxSide bounds each side of a picture before it is decoded, so that a
// small file announcing a huge image (a decompression bomb) is refused
// before any pixel memory is allocated.
const (
	AvatarSize = 96
	MaxSide    = 4096
)

// codec decodes one picture format.
type codec struct {
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

// codecs are the formats accepted, by the content type sniffed from the
// bytes (http.DetectContentType). GIF gives its first frame.
var codecs = map[string]codec{
	"image/png": {
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }},
	"image/jpeg": {
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }},
	"image/gif": {
		func(b []byte) (image.Config, error) { return gif.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return gif.Decode(bytes.NewReader(b)) }},
	"image/webp": {
		func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }},
}

// Normalize turns the bytes of a picture into an avatar: the type is
// sniffed from the bytes (ErrUnsupported unless PNG, JPEG, GIF or WebP),
// the dimensions are read first (ErrTooManyPixel when a side exceeds
// MaxSide), then the picture is decoded, cropped to its centred square,
// scaled to AvatarSize×AvatarSize and encoded as PNG. Only pixels survive:
// EXIF (GPS position, camera), comments and colour profiles are dropped.
// A JPEG's EXIF orientation is applied first, so the avatar stands as the
// original is shown.
func Normalize(data []byte) ([]byte, error) {
	img, kind, err := decodeBounded(data, func(cfg image.Config) bool {
		return cfg.Width <= MaxSide && cfg.Height <= MaxSide
	})
	if err != nil {
		return nil, err
	}
	avatar := scaleSquare(img, AvatarSize)
	if kind == "image/jpeg" {
		avatar = orient(avatar, jpegOrientation(data))
	}
	return encodePNG(avatar)
}

// decodeBounded sniffs the type of data from its bytes (ErrUnsupported
// unless PNG, JPEG, GIF or WebP), reads its dimensions from the header and
// refuses with ErrTooManyPixel, before any pixel memory is allocated,
// those that are empty or that fits does not accept; then it decodes the
// picture (a GIF's first frame) and returns it with the sniffed type.
func decodeBounded(data []byte, fits func(image.Config) bool) (image.Image, string, error) {
	kind := http.DetectContentType(data)
	c, ok := codecs[kind]
	if !ok {
		return nil, "", ErrUnsupported
	}
	cfg, err := c.config(data)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || !fits(cfg) {
		return nil, "", fmt.Errorf("%w: %d×%d", ErrTooManyPixel, cfg.Width, cfg.Height)
	}
	img, err := c.decode(data)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return img, kind, nil
}

// scaleSquare crops img to its centred square and scales it to side×side.
func scaleSquare(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	n := min(b.Dx(), b.Dy())
	src := image.Rect(b.Min.X+(b.Dx()-n)/2, b.Min.Y+(b.Dy()-n)/2, 0, 0)
	src.Max = src.Min.Add(image.Pt(n, n))
	dst := image.NewRGBA(image.Rect(0, 0, side, side))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("media: encode avatar: %w", err)
	}
	return buf.Bytes(), nil
}

package media

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"regexp"
	"strings"

	"golang.org/x/image/draw"
)

// Limits of images uploaded into comments (docs/uploads.md).
const (
	// MaxUploadBytes bounds the body of an upload: a larger file is
	// refused before it is read in full.
	MaxUploadBytes = 5 << 20
	// MaxUploadPixels bounds width×height of an uploaded picture, read
	// from its header before it is decoded: a small file announcing more
	// (a decompression bomb) is refused before any pixel memory is
	// allocated. 25 million pixels is a 6000×4000 camera picture, about
	// 100 MB once decoded.
	MaxUploadPixels = 25_000_000
	// MaxUploadSide is the longest side of a stored upload, in pixels; a
	// larger picture is scaled down to it, keeping its proportions.
	MaxUploadSide = 2048
	// UploadJPEGQuality is the quality a JPEG upload is re-encoded at.
	UploadJPEGQuality = 85
)

// Upload is a picture as Parley stores and serves it: re-encoded from its
// pixels alone, so that no metadata of the original survives.
type Upload struct {
	Data          []byte
	ContentType   string // "image/jpeg" or "image/png"
	Width, Height int
}

// Ext is the file extension an upload is served under: "jpg" or "png".
func (u Upload) Ext() string { return UploadExt(u.ContentType) }

// UploadExt is the extension of a stored content type: "jpg" for
// image/jpeg, "png" otherwise.
func UploadExt(contentType string) string {
	if contentType == "image/jpeg" {
		return "jpg"
	}
	return "png"
}

// ErrNotPicture wraps every refusal of ProcessUpload: the bytes are not a
// picture it accepts. It is the uploader's mistake, never the server's.
var ErrNotPicture = errors.New("media: not an acceptable picture")

// ProcessUpload turns the bytes of an uploaded picture into what Parley
// stores. The type is sniffed from the bytes, never taken from a header or
// a file name: PNG, JPEG, GIF (its first frame only: an animation is not
// played, its first picture is kept) or WebP; anything else is refused
// with ErrUnsupported. Dimensions are read from the header first, and a
// picture over MaxUploadPixels is refused with ErrTooManyPixel before it
// is decoded. A JPEG's EXIF orientation is applied, the picture is scaled
// down to MaxUploadSide on its longest side if larger, and it is encoded
// afresh: JPEG stays JPEG (UploadJPEGQuality), every other format becomes
// PNG. Go's encoders write pixels only, so EXIF (GPS position, camera,
// date), XMP, IPTC, ICC profiles and comments of the original are gone.
// Every error wraps ErrNotPicture.
func ProcessUpload(data []byte) (Upload, error) {
	img, kind, err := decodeBounded(data, func(cfg image.Config) bool {
		return int64(cfg.Width)*int64(cfg.Height) <= MaxUploadPixels
	})
	if err != nil {
		return Upload{}, fmt.Errorf("%w: %w", ErrNotPicture, err)
	}
	pic := fitInside(img, MaxUploadSide)
	out := Upload{ContentType: "image/png"}
	var buf bytes.Buffer
	if kind == "image/jpeg" {
		pic = orient(pic, jpegOrientation(data))
		out.ContentType = "image/jpeg"
		err = jpeg.Encode(&buf, pic, &jpeg.Options{Quality: UploadJPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, pic)
	}
	if err != nil {
		return Upload{}, fmt.Errorf("media: encode upload: %w", err)
	}
	out.Data, out.Width, out.Height = buf.Bytes(), pic.Bounds().Dx(), pic.Bounds().Dy()
	return out, nil
}

// fitInside copies img into a new picture whose longest side is at most
// side, scaling it down (never up) with its proportions kept. The
// picture is RGBA because image/jpeg encodes RGBA directly, and any other
// type pixel by pixel through color.Color (2.8 million allocations for a
// 2048×1365 NRGBA picture).
func fitInside(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if longest := max(w, h); longest > side {
		w, h = max(1, w*side/longest), max(1, h*side/longest)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	} else {
		draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	}
	return dst
}

// NewUploadID returns a new random upload id: 128 random bits (rand.Text)
// in lower-case base32, 26 letters and digits.
func NewUploadID() string {
	return strings.ToLower(rand.Text())
}

// UploadPath returns the path an upload is served at on the Parley origin.
func UploadPath(id, contentType string) string {
	return "/uploads/" + id + "." + UploadExt(contentType)
}

// uploadName is an upload's file name: its id and extension.
var uploadName = regexp.MustCompile(`^([a-z2-7]{26})\.(jpg|png)$`)

// ParseUploadName returns the id and extension of an upload's file name
// ("<id>.jpg" or "<id>.png"), or false.
func ParseUploadName(name string) (id, ext string, ok bool) {
	m := uploadName.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// UploadURLPattern matches the absolute URLs of uploads served by the
// Parley whose public URL is base (PARLEY_PUBLIC_URL, no trailing slash):
// what a comment may show as an image.
func UploadURLPattern(base string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(strings.TrimRight(base, "/")) + `/uploads/[a-z2-7]{26}\.(?:jpg|png)$`)
}

// UploadIDOf returns the id of the upload that url names on the Parley of
// base, or false when url is not such an upload's address.
func UploadIDOf(base, url string) (string, bool) {
	name, ok := strings.CutPrefix(url, strings.TrimRight(base, "/")+"/uploads/")
	if !ok || base == "" {
		return "", false
	}
	id, _, ok := ParseUploadName(name)
	return id, ok
}

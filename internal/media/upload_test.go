package media_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/parleyhq/parley/internal/media"
)

// TestProcessUploadRefusesBombsBeforeDecoding: a header announcing more
// than MaxUploadPixels is refused for its size; were it decoded, the
// missing pixel data would give another error.
func TestProcessUploadRefusesBombsBeforeDecoding(t *testing.T) {
	for _, c := range []struct {
		w, h uint32
		want error
	}{
		{50_000, 50_000, media.ErrTooManyPixel},
		{5001, 5000, media.ErrTooManyPixel}, // each side small, the product over
		{100, 100, media.ErrUnsupported},    // small enough: decoded, and the data is missing
	} {
		_, err := media.ProcessUpload(pngHeader(c.w, c.h))
		if !errors.Is(err, c.want) || !errors.Is(err, media.ErrNotPicture) {
			t.Errorf("%d×%d: %v, want %v", c.w, c.h, err, c.want)
		}
	}
	if _, err := media.ProcessUpload([]byte("%PDF-1.7 not a picture")); !errors.Is(err, media.ErrUnsupported) {
		t.Errorf("a PDF: %v", err)
	}
}

// TestProcessUploadKeepsTheFirstFrameOfAnAnimation: an animated GIF is
// stored as a PNG of its first frame.
func TestProcessUploadKeepsTheFirstFrameOfAnAnimation(t *testing.T) {
	pal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	anim := &gif.GIF{}
	for i := range 2 {
		f := image.NewPaletted(image.Rect(0, 0, 8, 8), pal)
		for p := range f.Pix {
			f.Pix[p] = uint8(i)
		}
		anim.Image, anim.Delay = append(anim.Image, f), append(anim.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}
	up, err := media.ProcessUpload(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(up.Data))
	if err != nil || up.ContentType != "image/png" || up.Ext() != "png" {
		t.Fatalf("%s: %v", up.ContentType, err)
	}
	if r, _, b, _ := img.At(4, 4).RGBA(); r < 0xf000 || b > 0x1000 {
		t.Errorf("not the first (red) frame: %v", img.At(4, 4))
	}
}

// TestProcessUploadScalesDown: the longest side is MaxUploadSide at most,
// proportions kept; smaller pictures keep their size.
func TestProcessUploadScalesDown(t *testing.T) {
	for _, c := range []struct{ w, h, wantW, wantH int }{
		{3000, 1500, media.MaxUploadSide, media.MaxUploadSide / 2},
		{600, 400, 600, 400},
	} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, c.w, c.h))); err != nil {
			t.Fatal(err)
		}
		up, err := media.ProcessUpload(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if up.Width != c.wantW || up.Height != c.wantH {
			t.Errorf("%d×%d became %d×%d, want %d×%d", c.w, c.h, up.Width, up.Height, c.wantW, c.wantH)
		}
	}
}

// FuzzProcessUpload: untrusted bytes never panic the decoder chain.
func FuzzProcessUpload(f *testing.F) {
	f.Add(pngHeader(4, 4))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		up, err := media.ProcessUpload(data)
		if err == nil && (up.Width > media.MaxUploadSide || up.Height > media.MaxUploadSide) {
			t.Fatalf("%d×%d", up.Width, up.Height)
		}
	})
}

// BenchmarkProcessUpload: the CPU of one phone-sized JPEG (3000×2000,
// scaled down to 2048×1365), the upload route's main cost.
func BenchmarkProcessUpload(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 3000, 2000))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := media.ProcessUpload(buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

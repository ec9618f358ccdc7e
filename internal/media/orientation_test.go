package media_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/parleyhq/parley/internal/media"
)

// orientedJPEG is a 64×64 JPEG whose top-left quarter is red, the rest
// white, with an EXIF orientation tag in the given byte order.
func orientedJPEG(t *testing.T, orientation uint16, order binary.AppendByteOrder) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			c := color.NRGBA{255, 255, 255, 255}
			if x < 32 && y < 32 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := []byte("MM")
	if order == binary.AppendByteOrder(binary.LittleEndian) {
		tiff = []byte("II")
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8)
	tiff = order.AppendUint16(tiff, 1)           // one entry
	tiff = order.AppendUint16(tiff, 0x0112)      // orientation
	tiff = order.AppendUint16(tiff, 3)           // SHORT
	tiff = order.AppendUint32(tiff, 1)           // one value
	tiff = order.AppendUint16(tiff, orientation) // in the value field
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)        // padding, next IFD 0
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(app1)+2))
	raw := plain.Bytes()
	return append(append(append(append([]byte{}, raw[:2]...), seg...), app1...), raw[2:]...)
}

// TestNormalizeAppliesEXIFOrientation: a picture stored sideways comes out
// the way its EXIF orientation says it is shown.
func TestNormalizeAppliesEXIFOrientation(t *testing.T) {
	// Where the red quarter ends up: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.
	want := map[uint16]int{1: 0, 2: 1, 3: 3, 4: 2, 5: 0, 6: 1, 7: 3, 8: 2}
	for _, order := range []binary.AppendByteOrder{binary.BigEndian, binary.LittleEndian} {
		for o, quarter := range want {
			out, err := media.Normalize(orientedJPEG(t, o, order))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			q := media.AvatarSize / 4
			centres := []image.Point{{q, q}, {3 * q, q}, {q, 3 * q}, {3 * q, 3 * q}}
			for i, p := range centres {
				_, g, _, _ := img.At(p.X, p.Y).RGBA()
				if red := g < 0x4000; red != (i == quarter) {
					t.Errorf("%v orientation %d: quarter %d red=%v, want the red quarter at %d", order, o, i, red, quarter)
				}
			}
		}
	}
}

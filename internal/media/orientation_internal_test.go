package media

import "testing"

// FuzzJPEGOrientation: the EXIF reader runs on untrusted bytes before any
// decoder has accepted them; it must never panic and always give 1 to 8.
func FuzzJPEGOrientation(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x1eExif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

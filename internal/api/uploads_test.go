package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/store"
)

func uploadsOn(s *model.SiteSettings) { s.Uploads = true }

// The traces of the camera's metadata in gpsJPEG, none of which may reach a reader.
var metadataTraces = []string{"Exif", "GPS-48.8584N", "xmpmeta", "ICC_PROFILE", "shot at home"}

// gpsJPEG is a w×h JPEG, red on its left half and white on its right, as
// a phone stores a picture taken sideways: an APP1 Exif segment with
// orientation 6 (turn a quarter clockwise) and a GPS IFD (latitude 48.8584
// N, with a marker in its map datum), an APP1 XMP packet, an APP2 ICC
// profile and a COM comment.
func gpsJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{255, 255, 255, 255}
			if x < w/2 {
				c = color.NRGBA{255, 0, 0, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	entry := func(b []byte, tag, typ uint16, count, value uint32) []byte {
		b = be.AppendUint16(b, tag)
		b = be.AppendUint16(b, typ)
		b = be.AppendUint32(b, count)
		return be.AppendUint32(b, value)
	}
	// TIFF header, IFD0 at 8 with two entries (orientation, GPS IFD at 38),
	// the GPS IFD with latitude ref, latitude (3 rationals at 80) and map
	// datum (ASCII at 104).
	datum := "GPS-48.8584N\x00"
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	tiff = be.AppendUint16(tiff, 2)
	tiff = entry(tiff, 0x0112, 3, 1, 6<<16) // SHORT 6, left-aligned in the value field
	tiff = entry(tiff, 0x8825, 4, 1, 38)
	tiff = be.AppendUint32(tiff, 0) // no next IFD; offset 38 now
	tiff = be.AppendUint16(tiff, 3)
	tiff = entry(tiff, 0x0001, 2, 2, 'N'<<24)
	tiff = entry(tiff, 0x0002, 5, 3, 80)
	tiff = entry(tiff, 0x0012, 2, uint32(len(datum)), 104)
	tiff = be.AppendUint32(tiff, 0) // offset 80 now
	for _, v := range []uint32{48, 1, 51, 1, 3024, 100} {
		tiff = be.AppendUint32(tiff, v)
	}
	tiff = append(tiff, datum...)
	segment := func(marker byte, payload string) []byte {
		return append(be.AppendUint16([]byte{0xFF, marker}, uint16(len(payload)+2)), payload...)
	}
	var meta []byte
	meta = append(meta, segment(0xE1, "Exif\x00\x00"+string(tiff))...)
	meta = append(meta, segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS-48.8584N</x:xmpmeta>")...)
	meta = append(meta, segment(0xE2, "ICC_PROFILE\x00\x01\x01fake profile")...)
	meta = append(meta, segment(0xFE, "shot at home")...)
	raw := plain.Bytes()
	return append(append(append([]byte{}, raw[:2]...), meta...), raw[2:]...)
}

// jpegSegments lists the markers of a JPEG's segments before its scan.
func jpegSegments(t *testing.T, data []byte) []byte {
	t.Helper()
	var markers []byte
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker := data[i+1]
		markers = append(markers, marker)
		if marker == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return markers
}

func (e *env) upload(body []byte, headers map[string]string) *resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/uploads?site=blog.example", body: string(body), headers: headers})
}

// served fetches an upload's URL from Parley as a reader's browser does.
func (e *env) served(url string) *resp {
	e.t.Helper()
	path, ok := strings.CutPrefix(url, publicURL)
	if !ok {
		e.t.Fatalf("upload URL %q is not on the Parley origin %s", url, publicURL)
	}
	return e.do(req{method: "GET", path: path, origin: "-"})
}

func pngBytes(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUploadedJPEGLosesItsMetadata is the promise of issue 12: a JPEG
// carrying GPS coordinates (and XMP, an ICC profile, a comment) is served
// without any of it, turned the way its EXIF orientation said, with the
// content type Parley chose and headers that keep it an inert image.
func TestUploadedJPEGLosesItsMetadata(t *testing.T) {
	eachDB(t, options{settings: uploadsOn}, func(t *testing.T, e *env) {
		original := gpsJPEG(t, 64, 32)
		for _, trace := range metadataTraces {
			if !bytes.Contains(original, []byte(trace)) {
				t.Fatalf("the test picture lacks %q", trace)
			}
		}
		r := e.upload(original, nil)
		if r.status != http.StatusCreated || r.str("contentType") != "image/jpeg" || r.num("width") != 32 || r.num("height") != 64 {
			t.Fatalf("upload: %d %s", r.status, r.raw)
		}
		if r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("the site's page cannot read the answer: %v", r.header)
		}
		got := e.served(r.str("url"))
		if got.status != 200 {
			t.Fatalf("GET %s: %d", r.str("url"), got.status)
		}
		for k, want := range map[string]string{
			"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline",
			"Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "public, max-age=31536000, immutable",
		} {
			if got.header.Get(k) != want {
				t.Errorf("%s: %q, want %q", k, got.header.Get(k), want)
			}
		}
		for _, trace := range metadataTraces {
			if bytes.Contains(got.raw, []byte(trace)) {
				t.Errorf("the served image still carries %q", trace)
			}
		}
		for _, m := range jpegSegments(t, got.raw) {
			if m >= 0xE0 && m <= 0xEF || m == 0xFE {
				t.Errorf("the served image has an APP%d/COM segment (marker %#x): %x", m-0xE0, m, jpegSegments(t, got.raw))
			}
		}
		img, err := jpeg.Decode(bytes.NewReader(got.raw))
		if err != nil {
			t.Fatal(err)
		}
		// Turned a quarter clockwise: 32 wide, 64 high, the red half on top.
		if b := img.Bounds(); b.Dx() != 32 || b.Dy() != 64 {
			t.Fatalf("served %v, want 32×64 (orientation 6 applied)", b)
		}
		if _, g, _, _ := img.At(16, 8).RGBA(); g > 0x4000 {
			t.Errorf("the top is not red: orientation not applied (%v)", img.At(16, 8))
		}
		if _, g, _, _ := img.At(16, 56).RGBA(); g < 0xc000 {
			t.Errorf("the bottom is not white: %v", img.At(16, 56))
		}
	})
}

// TestUploadRefusals: every refusal names the field file with its reason,
// and none is a 500.
func TestUploadRefusals(t *testing.T) {
	eachDB(t, options{settings: uploadsOn}, func(t *testing.T, e *env) {
		// A PNG header announcing 50,000×50,000 pixels (10 GB decoded), no pixel data.
		ihdr := []byte("IHDR\x00\x00\xc3\x50\x00\x00\xc3\x50\x08\x06\x00\x00\x00")
		bomb := binary.BigEndian.AppendUint32(append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...), crc32.ChecksumIEEE(ihdr))
		for _, c := range []struct {
			name   string
			body   []byte
			origin string
			status int
			code   string
			msg    string
		}{
			{"not an image", []byte("<svg onload=alert(1)></svg>"), "", 400, "invalid_field", "not a PNG, JPEG, GIF or WebP"},
			{"empty", nil, "", 400, "invalid_field", "not a PNG"},
			{"decompression bomb", bomb, "", 400, "invalid_field", "more than 25 million pixels"},
			{"over the size limit", append(pngBytes(t, 4, 4), make([]byte, media.MaxUploadBytes)...), "", 413, "body_too_large", "larger than 5 MiB"},
			{"another site's page", pngBytes(t, 4, 4), "https://evil.example", 403, "origin_not_allowed", ""},
		} {
			r := e.do(req{method: "POST", path: "/api/v1/uploads?site=blog.example", body: string(c.body), origin: c.origin})
			if r.status != c.status || r.str("error.code") != c.code || !strings.Contains(r.str("error.message"), c.msg) ||
				(c.code != "origin_not_allowed" && r.str("error.field") != "file") {
				t.Errorf("%s: %d %s", c.name, r.status, r.raw)
			}
		}
		var n int
		must(t, e.raw().QueryRow("SELECT COUNT(*) FROM uploads").Scan(&n))
		if n != 0 {
			t.Errorf("%d refused uploads were stored", n)
		}
	})
	// A site that did not turn uploads on takes none.
	e := newEnv(t, "sqlite", options{})
	if r := e.upload(pngBytes(t, 4, 4), nil); r.status != 403 || r.str("error.code") != "uploads_off" || r.str("error.field") != "file" {
		t.Errorf("uploads off: %d %s", r.status, r.raw)
	}
}

// TestUploadRateLimit: a network uploads UploadBurst images at once, then waits.
func TestUploadRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite", options{settings: uploadsOn})
	small := pngBytes(t, 2, 2)
	for i := range api.UploadBurst {
		if r := e.upload(small, nil); r.status != 201 {
			t.Fatalf("upload %d: %d %s", i, r.status, r.raw)
		}
	}
	if r := e.upload(small, nil); r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("past the burst: %d %s", r.status, r.raw)
	}
}

// TestUploadPlanStorage: past the upload storage of the owner's plan, an
// upload answers 403 limit_reached on the field file.
func TestUploadPlanStorage(t *testing.T) {
	eachDB(t, options{settings: uploadsOn}, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := e.account("owner@example.com", "Owner")
		plan := store.Plan{Name: "tiny", MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: store.Unlimited, MaxUploadBytes: 100}
		must(t, e.store.CreatePlan(ctx, &plan))
		must(t, e.store.SetUserPlan(ctx, owner.ID, plan.ID))
		_, err := e.raw().Exec(fmt.Sprintf("UPDATE sites SET owner_id = %d WHERE id = %d", owner.ID, e.site.ID))
		must(t, err)
		first := e.upload(pngBytes(t, 8, 8), nil)
		if first.status != 201 || first.num("size") > 100 {
			t.Fatalf("first: %d %s", first.status, first.raw)
		}
		r := e.upload(pngBytes(t, 8, 8), nil)
		if r.status != 403 || r.str("error.code") != "limit_reached" || r.str("error.field") != "file" {
			t.Errorf("past the plan: %d %s", r.status, r.raw)
		}
	})
}

// TestCommentShowsItsUploadUntilDeleted: a comment shows an image uploaded
// by its writer to its site; the same address in someone else's comment
// stays a link; deleting the comment deletes the image.
func TestCommentShowsItsUploadUntilDeleted(t *testing.T) {
	eachDB(t, options{settings: uploadsOn}, func(t *testing.T, e *env) {
		url := e.upload(pngBytes(t, 8, 8), nil).str("url")
		c := e.guestComment("192.0.2.1", "Ann", "", "My cat: ![a grey cat]("+url+")")
		if c.status != 201 || !strings.Contains(c.str("comment.html"), `<img src="`+url+`" alt="a grey cat" loading="lazy">`) {
			t.Fatalf("comment: %d %s", c.status, c.raw)
		}
		again := e.guestComment("192.0.2.2", "Bob", "", "Same cat ![cat]("+url+")")
		if strings.Contains(again.str("comment.html"), "<img") {
			t.Errorf("another comment shows an image it does not own: %s", again.raw)
		}
		token := e.login(e.account("ada@example.com", "Ada").Email, false)
		adas := e.upload(pngBytes(t, 8, 8), bearer(token)).str("url")
		if g := e.guestComment("192.0.2.3", "Eve", "", "![x]("+adas+")"); strings.Contains(g.str("comment.html"), "<img") {
			t.Errorf("a guest shows an account's upload: %s", g.raw)
		}
		if e.served(url).status != 200 {
			t.Fatal("the image is not served")
		}
		del := e.do(req{method: "DELETE", path: fmt.Sprintf("/api/v1/comments/%d", c.num("comment.id")), headers: map[string]string{"X-Parley-Edit-Token": c.str("editToken")}})
		if del.status != 204 {
			t.Fatalf("delete: %d %s", del.status, del.raw)
		}
		if r := e.served(url); r.status != 404 {
			t.Errorf("the deleted comment's image is still served: %d", r.status)
		}
		// Ada's image, which no comment took, expires after the claim window.
		e.now = e.now.Add(store.UploadClaimWindow + time.Minute)
		_, err := e.store.PurgeUnclaimedUploads(context.Background(), e.now.Add(-store.UploadClaimWindow))
		must(t, err)
		if r := e.served(adas); r.status != 404 {
			t.Errorf("an unclaimed image outlived the claim window: %d", r.status)
		}
	})
}

// TestRejectedCommentsImagesAreNotServed: a comment a moderator rejects
// keeps its images (it may be restored) but nobody is served them.
func TestRejectedCommentsImagesAreNotServed(t *testing.T) {
	eachDB(t, options{settings: uploadsOn}, func(t *testing.T, e *env) {
		url := e.upload(pngBytes(t, 8, 8), nil).str("url")
		c := e.guestComment("192.0.2.1", "Ann", "", "![cat]("+url+")")
		mod := e.account("mod@example.com", "Mod")
		_, err := e.store.ModerateComments(context.Background(), store.Moderation{SiteID: e.site.ID, ActorID: mod.ID,
			Action: store.ActionReject, CommentIDs: []int64{c.num("comment.id")}})
		must(t, err)
		if r := e.served(url); r.status != 404 {
			t.Errorf("a rejected comment's image is served: %d", r.status)
		}
		_, err = e.store.ModerateComments(context.Background(), store.Moderation{SiteID: e.site.ID, ActorID: mod.ID,
			Action: store.ActionApprove, CommentIDs: []int64{c.num("comment.id")}})
		must(t, err)
		if r := e.served(url); r.status != 200 {
			t.Errorf("a restored comment's image is not served: %d", r.status)
		}
	})
}

// TestHoldImagesHoldsUploads: the moderation rule "contains an image"
// holds a comment showing an upload.
func TestHoldImagesHoldsUploads(t *testing.T) {
	e := newEnv(t, "sqlite", options{settings: func(s *model.SiteSettings) { s.Uploads, s.HoldImages = true, true }})
	url := e.upload(pngBytes(t, 8, 8), nil).str("url")
	c := e.guestComment("192.0.2.1", "Ann", "", "![cat]("+url+")")
	if c.status != 201 || c.str("comment.status") != "pending" {
		t.Fatalf("comment: %d %s", c.status, c.raw)
	}
	if got := e.stored(c.num("comment.id")); got.HoldReason != string(policy.ReasonImage) || !strings.Contains(got.HTML, "<img") {
		t.Errorf("held for %q, html %s", got.HoldReason, got.HTML)
	}
}

// TestThreadTellsTheWidgetAboutUploads: the widget shows its image button
// only where the site takes uploads.
func TestThreadTellsTheWidgetAboutUploads(t *testing.T) {
	for _, on := range []bool{false, true} {
		e := newEnv(t, "sqlite", options{settings: func(s *model.SiteSettings) { s.Uploads = on }})
		if got, _ := e.thread("path=/p").get("settings.uploads").(bool); got != on {
			t.Errorf("uploads %v: the thread says %v", on, got)
		}
	}
}

// uploadData gives Ada an image shown by her comment and one no comment
// took yet.
func uploadData(t *testing.T, e *env, ada *model.User) {
	ctx := context.Background()
	var commentID int64
	must(t, e.raw().QueryRow(fmt.Sprintf("SELECT MAX(id) FROM comments WHERE author_id = %d", ada.ID)).Scan(&commentID))
	for i, shown := range []bool{true, false} {
		u := &store.Upload{ID: media.NewUploadID(), SiteID: e.site.ID, UserID: ada.ID, ContentType: "image/png", Width: 1 + i, Height: 3 + i, Data: []byte("ada's picture")}
		must(t, e.store.CreateUpload(ctx, u))
		if shown {
			must(t, e.store.AttachUploads(ctx, store.UploadWriter{SiteID: e.site.ID, UserID: ada.ID, CommentID: commentID}, []string{u.ID}))
		}
	}
}

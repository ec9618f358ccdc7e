package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// setUploads ticks or unticks "Commenters may add images" in the site's
// settings on the dashboard, as its owner does.
func setUploads(tb *tab, s *suite, siteID int64, on bool) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(fmt.Sprintf("%s/dashboard/sites/%d/settings", s.parley, siteID)))
	tb.landOn("#uploads")
	if tb.yes(`document.querySelector('#uploads').checked`) != on {
		tb.click("#uploads")
	}
	tb.click(`form[action$="/settings"] button[type=submit]`)
	tb.landOn("p.done[role=status]")
	if got := tb.yes(`document.querySelector('#uploads').checked`); got != on {
		tb.t.Fatalf("uploads saved as %v, want %v", got, on)
	}
}

// TestImageUploadThroughTheWidget: once the owner turns uploads on, a
// guest attaches a picture with the widget's button, posts, and sees the
// picture in the posted comment, loaded from Parley; nothing else is
// contacted, and sites without uploads load no upload module.
func TestImageUploadThroughTheWidget(t *testing.T) {
	s := need(t)
	p := path(t)

	// Before: no button, no module.
	before := newTab(t)
	before.open(s.strict + p)
	before.wait(`document.querySelector('.parley .p-main-form textarea')`)
	if before.yes(`[...document.querySelectorAll('.parley button')].some(b => b.textContent === 'Add image')`) {
		t.Error("the image button shows on a site without uploads")
	}
	for _, r := range before.parleyRequests() {
		if strings.Contains(r, "/upload.js") {
			t.Errorf("a site without uploads loaded %s", r)
		}
	}

	email := s.addOwner(t, s.strictSite, "Ivy Images")
	st := s.openStore(t)
	site, err := st.SiteByHost(context.Background(), s.strictSite)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	owner := signInDashboard(t, s, email)
	setUploads(owner, s, site.ID, true)
	t.Cleanup(func() { setUploads(owner, s, site.ID, false) })

	picture := filepath.Join(t.TempDir(), "sunset.png")
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(picture, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	tb := newTab(t)
	tb.open(s.strict + p)
	tb.wait(`[...document.querySelectorAll('.parley .p-main-form button')].some(b => b.textContent === 'Add image')`)
	tb.setValue(topForm+` input[name=name]`, "Uma")
	tb.setValue(topForm+` input[name=email]`, "uma@example.com")
	tb.setValue(topForm+` textarea`, "Look at this:")
	tb.do(chromedp.SetUploadFiles(topForm+` input[type=file]`, []string{picture}, chromedp.NodeReady))
	tb.wait(`document.querySelector('` + topForm + ` textarea').value.includes('/uploads/')`)
	text := tb.str(`document.querySelector('` + topForm + ` textarea').value`)
	if !strings.HasPrefix(text, "Look at this: ![sunset]("+s.parley+"/uploads/") || !strings.HasSuffix(text, ".png)") {
		t.Errorf("the text box holds %q", text)
	}
	tb.click(topForm + ` button[type=submit]`)
	id := tb.commentID("Look at this:")
	shown := fmt.Sprintf(`document.querySelector('#comment-%d .p-text img')`, id)
	tb.wait(shown + `?.complete && ` + shown + `.naturalWidth === 40`)
	if src := tb.str(shown + `.src`); !strings.HasPrefix(src, s.parley+"/uploads/") || tb.str(shown+`.alt`) != "sunset" {
		t.Errorf("the comment shows %q", src)
	}
	tb.assertOnlyOrigins(s.strict + p)
}

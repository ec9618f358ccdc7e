package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/live"
)

// announced is one call of Deps.CommentsChanged.
type announced struct {
	site  int64
	pages int
	kind  string
	ids   []int64
}

// TestModerationAnnouncesLiveEvents: the dashboard tells the live streams
// what a moderation or an edit did to which comments: approving is
// "approved", deleting "deleted", pinning "changed", editing "edited".
func TestModerationAnnouncesLiveEvents(t *testing.T) {
	var got []announced
	e := newEnv(t, "sqlite", func(d *admin.Deps) {
		changed := d.Changed
		d.CommentsChanged = func(ctx context.Context, site int64, pages []int64, kind string, ids []int64) {
			got = append(got, announced{site, len(pages), kind, ids})
			for _, p := range pages {
				changed(ctx, site, p)
			}
		}
	})
	queue := fmt.Sprintf("/dashboard/sites/%d/moderation", e.siteA.ID)
	post := func(path string, f url.Values) {
		t.Helper()
		if w := e.do(req{method: "POST", path: path, token: e.modTok, form: f}); w.Code != http.StatusSeeOther {
			t.Fatalf("%s %v: %d %s", path, f, w.Code, w.Body)
		}
	}
	a1, a2 := e.heldA1.ID, e.heldA2.ID
	post(queue, url.Values{"action": {"approve"}, "id": {fmt.Sprint(a1), fmt.Sprint(a2)}, "status": {"pending"}})
	post(queue, url.Values{"one": {fmt.Sprintf("pin %d", a1)}, "status": {"approved"}})
	post(fmt.Sprintf("/dashboard/sites/%d/comments/%d/edit", e.siteA.ID, a1), url.Values{"text": {"Edited by a moderator."}})
	post(queue, url.Values{"one": {fmt.Sprintf("delete %d", a2)}, "status": {"approved"}})
	want := []announced{
		{e.siteA.ID, 1, live.Approved, []int64{a1, a2}},
		{e.siteA.ID, 1, live.Changed, []int64{a1}},
		{e.siteA.ID, 1, live.Edited, []int64{a1}},
		{e.siteA.ID, 1, live.Deleted, []int64{a2}},
	}
	if !slices.EqualFunc(got, want, func(a, b announced) bool {
		return a.site == b.site && a.pages == b.pages && a.kind == b.kind && slices.Equal(a.ids, b.ids)
	}) {
		t.Errorf("announced %+v, want %+v", got, want)
	}
}

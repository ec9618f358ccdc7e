package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestRepliesArePaged: one root with 2,000 replies (some nested) gives a
// thread response of at most 51 comments, whatever the limit, and the
// replies endpoint hands out the rest page by page, each exactly once and
// after its parent.
func TestRepliesArePaged(t *testing.T) {
	const replies = 2000
	eachDB(t, options{}, func(t *testing.T, e *env) {
		root, _ := e.post("/big", 0, "the root")
		parent := root
		for i := range replies {
			c := &model.Comment{SiteID: e.site.ID, ParentID: parent, GuestName: "Bo", Text: "r", HTML: fmt.Sprintf("<p>reply %d</p>", i), Status: model.StatusApproved}
			if err := e.store.CreateComment(context.Background(), c, store.NewComment{Path: "/big"}); err != nil {
				t.Fatal(err)
			}
			if parent = c.ID; i%3 == 2 {
				parent = root // every third reply starts a new chain under the root
			}
		}
		for _, q := range []string{"path=/big", "path=/big&limit=1", "path=/big&sort=top&limit=200"} {
			th := e.thread(q)
			if n := len(th.get("comments").([]any)); n != 51 {
				t.Errorf("%s: %d comments, want the root and its first 50 replies", q, n)
			}
		}
		th := e.thread("path=/big")
		seen := map[int64]bool{}
		for _, c := range th.get("comments").([]any) {
			seen[int64(c.(map[string]any)["id"].(float64))] = true
		}
		key := "moreReplies." + strconv.FormatInt(root, 10)
		left, cursor := th.num(key+".count"), th.str(key+".cursor")
		if left != replies-50 {
			t.Fatalf("moreReplies: %s", th.get("moreReplies"))
		}
		for pages := 0; left > 0; pages++ {
			r := e.do(req{method: "GET", path: "/api/v1/thread/replies?site=blog.example&path=/big&root=" + strconv.FormatInt(root, 10) + "&cursor=" + url.QueryEscape(cursor)})
			list, _ := r.get("comments").([]any)
			if r.status != 200 || len(list) == 0 || len(list) > 100 || pages > replies/100 {
				t.Fatalf("replies page %d: %d, %d comments: %.300s", pages, r.status, len(list), r.raw)
			}
			for _, c := range list {
				m := c.(map[string]any)
				id, parent := int64(m["id"].(float64)), int64(m["parentId"].(float64))
				if seen[id] || !seen[parent] {
					t.Fatalf("reply %d: seen before %v, parent %d seen before %v", id, seen[id], parent, seen[parent])
				}
				seen[id] = true
			}
			left -= int64(len(list))
			if r.get("more") == nil {
				break
			}
			if r.num("more.count") != left {
				t.Fatalf("more.count %d, but %d are left", r.num("more.count"), left)
			}
			cursor = r.str("more.cursor")
		}
		if left != 0 || len(seen) != replies+1 {
			t.Errorf("%d comments seen, %d left, want all %d", len(seen), left, replies+1)
		}
	})
}

func TestRepliesErrors(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	root, _ := e.post("/p", 0, "root")
	reply, _ := e.post("/p", root, "reply")
	base := "/api/v1/thread/replies?site=blog.example"
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"&path=/p&root=x", 400, "root"},
		{"&path=/p", 400, "root"},
		{"&root=1", 400, "path"},
		{"&path=/p&root=" + strconv.FormatInt(reply, 10), 404, "root"},
		{"&path=/p&root=999999", 404, "root"},
		{"&path=/p&root=" + strconv.FormatInt(root, 10) + "&cursor=garbage", 400, "cursor"},
		{"&path=/other&root=" + strconv.FormatInt(root, 10), 404, "root"},
	} {
		r := e.do(req{method: "GET", path: base + tc.query})
		if r.status != tc.status || r.str("error.field") != tc.field {
			t.Errorf("%s: %d %s, want %d naming %s", tc.query, r.status, r.raw, tc.status, tc.field)
		}
	}
	r := e.do(req{method: "GET", path: base + "&path=/p&root=" + strconv.FormatInt(root, 10)})
	if r.status != 200 || r.get("more") != nil || len(r.get("comments").([]any)) != 1 {
		t.Errorf("all replies of a small thread: %d %s", r.status, r.raw)
	}
}

// TestThreadHoldsAtMost1000Comments: 30 roots with 40 replies each are 1,230
// comments; the thread response stops at 1,000, and the roots whose replies
// did not fit say how many are left.
func TestThreadHoldsAtMost1000Comments(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	for range 30 {
		root, _ := e.post("/wide", 0, "a root")
		for range 40 {
			c := &model.Comment{SiteID: e.site.ID, ParentID: root, GuestName: "Bo", Text: "r", HTML: "<p>r</p>", Status: model.StatusApproved}
			if err := e.store.CreateComment(context.Background(), c, store.NewComment{Path: "/wide"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	th := e.thread("path=/wide")
	more, _ := th.get("moreReplies").(map[string]any)
	left := 0
	for _, m := range more {
		left += int(m.(map[string]any)["count"].(float64))
	}
	if n := len(th.get("comments").([]any)); n != 1000 || len(more) != 6 || n+left != 1230 {
		t.Errorf("%d comments and %d roots with %d replies left, want 1,000 and 6 roots with 230 left", n, len(more), left)
	}
}

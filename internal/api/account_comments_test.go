package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// badges returns the badges of a comment's author in a decoded answer.
func badges(r *resp, path string) []string {
	var out []string
	list, _ := r.get(path).([]any)
	for _, b := range list {
		out = append(out, b.(string))
	}
	return out
}

func TestCommentAsSignedInUser(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := e.account("olga@example.com", "Olga")
		mod := e.account("mo@example.com", "Mo")
		plain := e.account("pat@example.com", "Pat")
		verified := e.now
		for _, u := range []*model.User{mod, plain} {
			u.Website, u.AvatarURL, u.ProfileURL = "https://"+u.Name+".example", "https://img.example/"+u.Name+".png", "https://people.example/"+u.Name
			if err := e.store.UpdateProfile(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		e.store.SetEmailVerified(ctx, mod.ID, verified)
		e.site.OwnerID = owner.ID
		if err := e.store.UpdateSite(ctx, e.site); err != nil {
			t.Fatal(err)
		}
		e.store.SetSiteMember(ctx, e.site.ID, mod.ID, model.RoleModerator)

		post := func(token, text string) *resp {
			r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token),
				body: newComment(text, map[string]any{"name": "Someone Else", "email": "fake@example.com", "website": "https://fake.example"})})
			if r.status != 201 {
				t.Fatalf("post as user: %d %s", r.status, r.raw)
			}
			return r
		}
		r := post(e.login("mo@example.com", false), "from the moderator")
		if r.str("comment.author.name") != "Mo" || r.str("comment.author.website") != "https://Mo.example" || r.str("editToken") != "" {
			t.Errorf("created as user: %s", r.raw)
		}
		post(e.login("olga@example.com", false), "from the owner")
		post(e.login("pat@example.com", false), "from a commenter")
		e.post("/post", 0, "from a guest")

		thread := e.thread("path=/post")
		want := []struct {
			name, avatar string
			badges       []string
		}{
			{"Mo", "https://img.example/Mo.png", []string{"moderator", "verified"}},
			{"Olga", "", []string{"owner"}},
			{"Pat", "https://img.example/Pat.png", nil},
			{"Ann", "", nil},
		}
		for i, w := range want {
			p := fmt.Sprintf("comments.%d.author.", i)
			if thread.str(p+"name") != w.name || thread.str(p+"avatarUrl") != w.avatar || !slices.Equal(badges(thread, p+"badges"), w.badges) {
				t.Errorf("comment %d author: %v; want %+v", i, thread.get(p[:len(p)-1]), w)
			}
		}
		if thread.str("comments.0.author.profileUrl") != "https://people.example/Mo" {
			t.Errorf("profile URL: %s", thread.raw)
		}
		raw := string(thread.raw)
		for _, secret := range []string{"@example.com", "fake.example", "Someone Else", "argon2"} {
			if strings.Contains(raw, secret) {
				t.Errorf("thread JSON contains %q: %s", secret, raw)
			}
		}
		if thread.get("me") != nil || thread.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("thread without a token has me or is private: %v %s", thread.header, raw)
		}

		// A new display name shows at once on the account's comments.
		token := e.login("pat@example.com", false)
		e.do(req{method: "PATCH", path: "/api/v1/me", headers: bearer(token), body: map[string]any{"name": "Patricia"}})
		if r := e.thread("path=/post"); r.str("comments.2.author.name") != "Patricia" {
			t.Errorf("after a name change: %s", r.raw)
		}
		// Deleting the account keeps the comment, anonymous.
		if err := e.store.DeleteUser(ctx, plain.ID); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(6 * time.Second) // as parley user remove in another process: cached threads expire
		if r := e.thread("path=/post"); r.str("comments.2.author.name") != "" || r.get("comments.2.author.avatarUrl") != nil || r.str("comments.2.html") == "" {
			t.Errorf("comment of a deleted account: %v", r.get("comments.2"))
		}
	})
}

func TestThreadMe(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		mod := e.account("mo@example.com", "Mo")
		e.store.SetSiteMember(context.Background(), e.site.ID, mod.ID, model.RoleModerator)
		e.post("/post", 0, "hello")
		public := e.thread("path=/post")
		token := e.login("mo@example.com", false)
		r := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: bearer(token)})
		if r.status != 200 || r.num("me.id") != mod.ID || r.str("me.name") != "Mo" || !slices.Equal(badges(r, "me.badges"), []string{"moderator"}) {
			t.Fatalf("thread with a token: %d %s", r.status, r.raw)
		}
		if r.header.Get("Cache-Control") != "private, no-store" || r.header.Get("ETag") == public.header.Get("ETag") {
			t.Errorf("thread with me: %v", r.header)
		}
		if strings.Contains(string(r.raw), "mo@example.com") {
			t.Errorf("thread me carries the email: %s", r.raw)
		}
		// The shared cache never hands me to another reader.
		if again := e.thread("path=/post"); again.get("me") != nil || string(again.raw) != string(public.raw) {
			t.Errorf("a reader without a token after one with: %s", again.raw)
		}
		// An ended session: the thread still loads, without me, unstored.
		e.do(req{method: "POST", path: "/api/v1/auth/logout", headers: bearer(token)})
		r = e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: bearer(token)})
		if r.status != 200 || r.get("me") != nil || r.header.Get("Cache-Control") != "private, no-store" || len(r.get("comments").([]any)) != 1 {
			t.Errorf("thread with an ended session: %d %v %s", r.status, r.header, r.raw)
		}
		// It says so with "me": null, which signs the widget out; the shared
		// answer has no "me" at all, so a CDN that hands it to a signed-in
		// reader (ignoring Vary) signs no one out.
		if !hasKey(r.json, "me") {
			t.Errorf("thread with an ended session has no \"me\": null: %s", r.raw)
		}
		if hasKey(public.json, "me") {
			t.Errorf("the shared thread answer names \"me\": %s", public.raw)
		}
	})
}

func TestEditAndDeleteOwnCommentWithSession(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		e.account("bob@example.com", "Bob")
		ada, bob := e.login("ada@example.com", false), e.login("bob@example.com", false)
		created := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(ada), body: newComment("mine", nil)})
		if created.status != 201 {
			t.Fatalf("post: %d %s", created.status, created.raw)
		}
		id := created.num("comment.id")
		path := fmt.Sprintf("/api/v1/comments/%d", id)
		missing := "/api/v1/comments/999999"
		guestID, guestToken := e.post("/post", 0, "a guest's")
		guestPath := fmt.Sprintf("/api/v1/comments/%d", guestID)

		if r := e.do(req{method: "GET", path: path, headers: bearer(ada)}); r.status != 200 || r.str("comment.text") != "mine" {
			t.Errorf("read own with session: %d %s", r.status, r.raw)
		}
		r := e.do(req{method: "PATCH", path: path, headers: bearer(ada), body: map[string]any{"text": "mine, edited"}})
		if r.status != 200 || r.str("comment.text") != "mine, edited" || r.str("comment.author.name") != "Ada" {
			t.Errorf("edit own with session: %d %s", r.status, r.raw)
		}

		// Another account, a guest's edit token and no credentials at all
		// get what a missing comment gets.
		for _, w := range []struct {
			method string
			body   any
		}{{"GET", nil}, {"PATCH", map[string]any{"text": "hijacked"}}, {"DELETE", nil}} {
			for name, h := range map[string]map[string]string{
				"another account":  bearer(bob),
				"a guest's token":  {"X-Parley-Edit-Token": guestToken},
				"no credentials":   nil,
				"bob on the guest": bearer(bob),
			} {
				target := path
				if name == "bob on the guest" {
					target = guestPath
				}
				base := e.do(req{method: w.method, path: missing, headers: h, body: w.body})
				if base.status != 404 {
					t.Errorf("%s %s missing: %d %s", w.method, name, base.status, base.raw)
				}
				if diff := sameAnswer(base, e.do(req{method: w.method, path: target, headers: h, body: w.body})); diff != "" {
					t.Errorf("%s by %s answers unlike a missing comment: %s", w.method, name, diff)
				}
			}
			// An ended or forged session is refused before any comment is
			// looked up: the same 401 for every id.
			for _, token := range []string{strings.Repeat("A", 43), "x"} {
				a := e.do(req{method: w.method, path: path, headers: bearer(token), body: w.body})
				b := e.do(req{method: w.method, path: missing, headers: bearer(token), body: w.body})
				if a.status != 401 || sameAnswer(a, b) != "" {
					t.Errorf("%s with a bad session: %d %s / %s", w.method, a.status, a.raw, sameAnswer(a, b))
				}
			}
		}
		if c, _ := e.store.Comment(context.Background(), id); c.Text != "mine, edited" {
			t.Errorf("comment changed by others: %q", c.Text)
		}
		// The guest's edit token path still works for guests.
		if r := e.do(req{method: "PATCH", path: guestPath, headers: map[string]string{"X-Parley-Edit-Token": guestToken}, body: map[string]any{"text": "guest edit"}}); r.status != 200 {
			t.Errorf("guest edit: %d %s", r.status, r.raw)
		}
		// The edit window holds for accounts too.
		e.now = e.now.Add(15*time.Minute + time.Second)
		if r := e.do(req{method: "DELETE", path: path, headers: bearer(ada)}); r.status != 403 || r.str("error.code") != "edit_window_closed" {
			t.Errorf("delete after the window: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(-time.Minute)
		if r := e.do(req{method: "DELETE", path: path, headers: bearer(ada)}); r.status != 204 {
			t.Errorf("delete own with session: %d %s", r.status, r.raw)
		}
		// Posting with an ended session is refused, not posted as a guest.
		e.do(req{method: "POST", path: "/api/v1/auth/logout", headers: bearer(ada)})
		if r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(ada), body: newComment("as whom?", map[string]any{"name": "Ann"})}); r.status != 401 {
			t.Errorf("post with an ended session: %d %s", r.status, r.raw)
		}
	})
}

func TestModerationFirstTrustsAnAccountWithAnApprovedComment(t *testing.T) {
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.Moderation = model.ModerationFirst }}, func(t *testing.T, e *env) {
		u := e.account("ada@example.com", "Ada")
		token := e.login("ada@example.com", false)
		first := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token), body: newComment("first", nil)})
		if first.str("comment.status") != "pending" {
			t.Fatalf("first comment: %s", first.raw)
		}
		if err := e.store.SetCommentStatus(context.Background(), first.num("comment.id"), model.StatusApproved); err != nil {
			t.Fatal(err)
		}
		// A guest typing the account's email is no account: still held.
		guest := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("guest", map[string]any{"name": "Ada", "email": u.Email})})
		if guest.str("comment.status") != "pending" {
			t.Errorf("guest with the account's email: %s", guest.raw)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token), body: newComment("second", nil)}); r.str("comment.status") != "approved" {
			t.Errorf("second comment of an approved account: %s", r.raw)
		}
	})
}

// TestNamelessAccountOnASiteWithoutAnonymous: an account without a display
// name cannot post where anonymous comments are off (it would show as
// "Anonymous"); where they are on, it posts anonymously.
func TestNamelessAccountOnASiteWithoutAnonymous(t *testing.T) {
	for _, anonymous := range []bool{false, true} {
		e := newEnv(t, "sqlite", options{settings: func(s *model.SiteSettings) { s.AllowAnonymous = anonymous }})
		e.account("nameless@example.com", "")
		token := e.login("nameless@example.com", false)
		r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(token), body: newComment("hello", nil)})
		switch {
		case !anonymous && (r.status != http.StatusBadRequest || r.str("error.field") != "author.name"):
			t.Errorf("anonymous off: %d %s, want 400 on author.name", r.status, r.raw)
		case anonymous && r.status != http.StatusCreated:
			t.Errorf("anonymous on: %d %s, want 201", r.status, r.raw)
		}
	}
}

// hasKey reports whether m has key k, whatever its value (null included).
func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

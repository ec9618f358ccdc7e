package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestBanForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	ban := fmt.Sprintf("/dashboard/sites/%d/comments/%d/ban", e.siteA.ID, e.heldA1.ID)
	if code, body := e.page(e.ownerTok, ban); code != http.StatusOK || strings.Contains(body, `value="everywhere"`) ||
		!strings.Contains(body, "cannot be blocked") {
		t.Errorf("ban page for the owner: %d %s", code, body)
	}
	if _, body := e.page(e.opTok, ban); !strings.Contains(body, `value="everywhere"`) {
		t.Error("the operator is not offered every site")
	}
	for _, tt := range []struct {
		name   string
		token  string
		form   url.Values
		status int
		field  string
		msg    string
	}{
		{"no duration", e.ownerTok, url.Values{"scope": {"site"}}, 400, "ban-duration-error", "Choose how long."},
		{"custom without days", e.ownerTok, url.Values{"duration": {"custom"}, "days": {"x"}}, 400, "ban-days-error", "Enter a number of days from 1 to 3650."},
		{"custom too long", e.modTok, url.Values{"duration": {"custom"}, "days": {fmt.Sprint(admin.MaxBanDays + 1)}}, 400, "ban-days-error", "Enter a number"},
		{"owner bans everywhere", e.ownerTok, url.Values{"scope": {"everywhere"}, "duration": {"forever"}}, 403, "ban-scope-error", "Only the operator"},
		{"moderator bans everywhere", e.modTok, url.Values{"scope": {"everywhere"}, "duration": {"7"}}, 403, "ban-scope-error", "Only the operator"},
		{"unknown scope", e.ownerTok, url.Values{"scope": {"moon"}, "duration": {"7"}}, 400, "ban-scope-error", "Choose this site or every site."},
	} {
		w := e.do(req{method: "POST", path: ban, token: tt.token, form: tt.form})
		body := w.Body.String()
		if w.Code != tt.status || !strings.Contains(body, `aria-describedby="`+tt.field+`"`) || !strings.Contains(body, `id="`+tt.field+`">`+tt.msg) {
			t.Errorf("%s: %d %s", tt.name, w.Code, body)
		}
	}
	// A guest with no email and no kept address leaves nothing to ban or block.
	nobody := &model.Comment{SiteID: e.siteA.ID, Text: "Anonymous.", HTML: "<p>Anonymous.</p>", Status: model.StatusApproved, CreatedAt: time.Now()}
	if err := e.st.CreateComment(ctx, nobody, store.NewComment{Path: "/post"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ action, id, msg string }{
		{"ban", "ban-error", "There is nothing left to ban this commenter by"},
		{"block", "block-error", "The address of this comment is no longer kept."},
	} {
		w := e.do(req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/comments/%d/%s", e.siteA.ID, nobody.ID, tt.action), token: e.ownerTok,
			form: url.Values{"duration": {"forever"}}})
		if body := w.Body.String(); w.Code != http.StatusBadRequest || !strings.Contains(body, tt.msg) {
			t.Errorf("%s an anonymous guest without an address: %d %s", tt.action, w.Code, body)
		}
	}
	if w := e.do(req{method: "POST", path: ban, token: e.ownerTok, form: url.Values{"duration": {"custom"}, "days": {"12"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("ban for 12 days: %d %s", w.Code, w.Body)
	}
	bans, _ := e.st.Bans(ctx, e.siteA.ID)
	if len(bans) != 1 || bans[0].SiteID != e.siteA.ID || bans[0].ExpiresAt == nil || time.Until(*bans[0].ExpiresAt) < 11*24*time.Hour ||
		time.Until(*bans[0].ExpiresAt) > 12*24*time.Hour {
		t.Fatalf("bans after the form: %+v", bans)
	}
	if w := e.do(req{method: "POST", path: ban, token: e.opTok, form: url.Values{"scope": {"everywhere"}, "duration": {"forever"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("the operator bans everywhere: %d %s", w.Code, w.Body)
	}
	if _, err := e.st.Banned(ctx, store.BanCheck{SiteID: e.siteB.ID, EmailIndexes: [][]byte{bans[0].EmailIndex}}); err != nil {
		t.Errorf("the operator's ban does not hold on site B: %v", err)
	}
	log, _ := e.st.AuditLog(ctx, e.siteA.ID, 10)
	if len(log) != 2 || log[0].Detail != "every site, forever" || log[1].Detail != "this site, 12 days" || log[1].ActorID != e.owner.ID {
		t.Errorf("audit: %+v", log)
	}

	// The list: the site's ban can be lifted by its moderator, the operator's cannot.
	code, body := e.page(e.modTok, fmt.Sprintf("/dashboard/sites/%d/bans", e.siteA.ID))
	if code != http.StatusOK || strings.Count(body, "<td>Gus (") != 2 || strings.Count(body, ">Lift<") != 1 || !strings.Contains(body, "set by the operator") {
		t.Errorf("bans page: %d %s", code, body)
	}
	all, _ := e.st.Bans(ctx, e.siteA.ID)
	lift := func(token string, id int64) int {
		return e.do(req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/bans/%d/lift", e.siteA.ID, id), token: token}).Code
	}
	if code := lift(e.modTok, all[0].ID); code != http.StatusNotFound {
		t.Errorf("the moderator lifts the operator's ban: %d, want 404", code)
	}
	if code := lift(e.modTok, all[1].ID); code != http.StatusSeeOther {
		t.Errorf("the moderator lifts the site's ban: %d", code)
	}
	if code := lift(e.opTok, all[0].ID); code != http.StatusSeeOther {
		t.Errorf("the operator lifts their ban: %d", code)
	}
	if code := lift(e.opTok, all[0].ID); code != http.StatusNotFound {
		t.Errorf("a ban lifted twice: %d", code)
	}
}

func TestBlockForms(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	blocks := fmt.Sprintf("/dashboard/sites/%d/blocks", e.siteA.ID)
	for _, tt := range []struct {
		address, msg string
	}{
		{"", "Enter an IP address"},
		{"not an address", "This is not an IP address"},
		{"0.0.0.0/0", fmt.Sprintf("A range may be at most /%d for IPv4", admin.MinIPv4BlockBits)},
		{"2001::/16", "A range may be at most"},
	} {
		w := e.do(req{method: "POST", path: blocks, token: e.ownerTok, form: url.Values{"address": {tt.address}, "duration": {"7"}}})
		body := w.Body.String()
		if w.Code != http.StatusBadRequest || !strings.Contains(body, `aria-describedby="address-error"`) || !strings.Contains(body, `id="address-error">`+tt.msg) ||
			!strings.Contains(body, `value="`+tt.address+`"`) {
			t.Errorf("%q: %d %s", tt.address, w.Code, body)
		}
	}
	if w := e.do(req{method: "POST", path: blocks, token: e.ownerTok, form: url.Values{"address": {"203.0.113.9/24"}, "scope": {"everywhere"}, "duration": {"7"}}}); w.Code != http.StatusForbidden {
		t.Errorf("the owner blocks everywhere: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: blocks, token: e.modTok, form: url.Values{"address": {"203.0.113.9/24"}, "duration": {"forever"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("block a range: %d %s", w.Code, w.Body)
	}
	if list, err := e.st.IPBlocks(ctx, e.siteA.ID); err != nil || len(list) != 1 || list[0].Prefix.String() != "203.0.113.0/24" || list[0].ExpiresAt != nil {
		t.Errorf("the block: %+v %v", list, err)
	}
	if _, err := e.st.BlockedIP(ctx, e.siteA.ID, "203.0.113.200"); err != nil {
		t.Errorf("an address of the range is not blocked: %v", err)
	}

	// From a comment: the address is never shown.
	c := e.withAddress(e.siteA, "198.51.100.23")
	code, body := e.page(e.modTok, fmt.Sprintf("/dashboard/sites/%d/comments/%d/ban", e.siteA.ID, c.ID))
	if code != http.StatusOK || !strings.Contains(body, "Block the address") || strings.Contains(body, "198.51.100") {
		t.Errorf("ban page of a comment with an address: %d %s", code, body)
	}
	w := e.do(req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/comments/%d/block", e.siteA.ID, c.ID), token: e.modTok,
		form: url.Values{"duration": {"1"}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("block from a comment: %d %s", w.Code, w.Body)
	}
	_, body = e.page(e.modTok, fmt.Sprintf("/dashboard/sites/%d/bans", e.siteA.ID))
	if strings.Contains(body, "198.51.100") || !strings.Contains(body, fmt.Sprintf("the address of comment %d", c.ID)) || !strings.Contains(body, "203.0.113.0/24") {
		t.Errorf("the list shows a hidden address, or not the typed one: %s", body)
	}
	if _, err := e.st.BlockedIP(ctx, e.siteA.ID, "198.51.100.23"); err != nil {
		t.Errorf("the comment's address is not blocked: %v", err)
	}

	// Past the limit, the form says so next to the field.
	for i := range store.MaxIPBlocksPerSite - 2 {
		b := &store.IPBlock{SiteID: e.siteA.ID, Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i / 256), byte(i)}), 32), CreatedAt: time.Now()}
		if err := e.st.CreateIPBlock(ctx, store.Action{SiteID: e.siteA.ID}, b); err != nil {
			t.Fatal(err)
		}
	}
	w = e.do(req{method: "POST", path: blocks, token: e.ownerTok, form: url.Values{"address": {"192.0.2.1"}, "duration": {"7"}}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), fmt.Sprintf(`id="address-error">There are already %d blocks`, store.MaxIPBlocksPerSite)) {
		t.Errorf("a block past the limit: %d %s", w.Code, w.Body)
	}
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	if _, err := e.st.ModerateComments(ctx, store.Moderation{SiteID: e.siteA.ID, ActorID: e.mod.ID, Action: store.ActionApprove, CommentIDs: []int64{e.heldA1.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.BanAuthor(ctx, store.Action{SiteID: e.siteA.ID, ActorID: e.owner.ID, Detail: "this site, 7 days"}, e.heldA1.ID, false, nil); err != nil {
		t.Fatal(err)
	}
	audit := fmt.Sprintf("/dashboard/sites/%d/audit", e.siteA.ID)
	code, body := e.page(e.modTok, audit)
	ban, approve := strings.Index(body, fmt.Sprintf("banned the author of comment %d", e.heldA1.ID)), strings.Index(body, fmt.Sprintf("approved comment %d on /post", e.heldA1.ID))
	if code != http.StatusOK || ban < 0 || approve < ban || !strings.Contains(body, "this site, 7 days") || !strings.Contains(body, "<td>owner</td>") {
		t.Errorf("audit page: %d %s", code, body)
	}
	for range admin.AuditPageSize {
		if err := e.st.LockPage(ctx, e.siteA.ID, e.owner.ID, e.heldA1.PageID, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, body := e.page(e.modTok, audit); strings.Contains(body, "banned the author") || !strings.Contains(body, `rel="next"`) {
		t.Errorf("first page of a long log: %s", body)
	}
	if _, body := e.page(e.modTok, audit+"?page=2"); !strings.Contains(body, "banned the author") || !strings.Contains(body, `rel="prev"`) {
		t.Errorf("second page: %s", body)
	}
	if code, _ := e.page(e.modTok, audit+"?page=0"); code != http.StatusBadRequest {
		t.Errorf("page 0: %d", code)
	}
}

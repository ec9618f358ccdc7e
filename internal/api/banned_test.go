package api_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// comment posts as a guest from ip and returns the response.
func (e *env) guestComment(ip, name, email, text string) *resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/api/v1/comments", ip: ip,
		body: newComment(text, map[string]any{"name": name, "email": email})})
}

// refused fails unless r is the API's 403 banned whose message says what.
func refused(t *testing.T, what string, r *resp, says string) {
	t.Helper()
	if r.status != 403 || r.str("error.code") != "banned" || !strings.Contains(r.str("error.message"), says) {
		t.Errorf("%s: %d %s, want 403 banned saying %q", what, r.status, r.raw, says)
	}
}

// TestBannedAuthorIsRefused: a guest banned from one of their comments is
// refused a new comment from another network (by their email), an edit and
// a vote; anyone on the banned network is refused too; others are not, and
// once the ban expires the guest writes again.
func TestBannedAuthorIsRefused(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.guestComment("192.0.2.1", "Ann", "ann@example.com", "before the ban")
		other := e.guestComment("198.51.100.9", "Bob", "", "Bob's comment")
		if first.status != 201 || other.status != 201 {
			t.Fatalf("setup: %s %s", first.raw, other.raw)
		}
		until := e.now.Add(24 * time.Hour)
		if _, err := e.store.BanAuthor(ctx, store.Action{SiteID: e.site.ID}, first.num("comment.id"), false, &until); err != nil {
			t.Fatal(err)
		}
		refused(t, "her next comment from elsewhere", e.guestComment("198.51.100.7", "Ann", "ANN@example.com ", "again"), "until 23 November 2026")
		refused(t, "anyone from her network", e.guestComment("192.0.2.1", "Cy", "", "hello"), "banned")
		edit := e.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/comments/%d", first.num("comment.id")), ip: "198.51.100.7",
			headers: map[string]string{"X-Parley-Edit-Token": first.str("editToken")}, body: map[string]any{"text": "edited"}})
		refused(t, "her edit", edit, "banned")
		vote := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", other.num("comment.id")), body: map[string]any{"value": 1}})
		refused(t, "a vote from her network", vote, "banned")
		if r := e.guestComment("198.51.100.8", "Dee", "dee@example.com", "unrelated"); r.status != 201 {
			t.Errorf("someone else: %d %s", r.status, r.raw)
		}
		e.now = until.Add(time.Second)
		if r := e.guestComment("192.0.2.1", "Ann", "ann@example.com", "after the ban"); r.status != 201 {
			t.Errorf("after the ban expired: %d %s", r.status, r.raw)
		}
	})
}

// TestBannedAccountIsRefused: a ban by account follows the account to any
// network, on every site when it is the operator's, until it is lifted; a
// ban of another site does not count.
func TestBannedAccountIsRefused(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.account("ada@example.com", "Ada")
		token := e.login("ada@example.com", false)
		post := func(ip string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/comments", ip: ip, headers: bearer(token), body: newComment("from Ada", nil)})
		}
		first := post("192.0.2.1")
		if first.status != 201 {
			t.Fatalf("setup: %s", first.raw)
		}
		ban, err := e.store.BanAuthor(ctx, store.Action{SiteID: e.site.ID}, first.num("comment.id"), true, nil)
		if err != nil || ban.UserID == 0 || ban.SiteID != 0 {
			t.Fatalf("ban: %+v %v", ban, err)
		}
		r := post("203.0.113.50")
		refused(t, "her account on another network", r, "banned from commenting")
		if strings.Contains(r.str("error.message"), "until") {
			t.Errorf("a ban forever has no end: %s", r.raw)
		}
		if err := e.store.LiftBan(ctx, store.Action{SiteID: e.site.ID}, ban.ID, true); err != nil {
			t.Fatal(err)
		}
		if r := post("203.0.113.50"); r.status != 201 {
			t.Errorf("after the ban was lifted: %d %s", r.status, r.raw)
		}
	})
}

// TestBlockedAddressesAreRefused: IP blocks of an address, an IPv4 range
// and an IPv6 range, of the site or of every site, refuse writes from
// inside and only from inside; an expired block refuses nothing.
func TestBlockedAddressesAreRefused(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		past := e.now.Add(-time.Minute)
		for _, b := range []store.IPBlock{
			{SiteID: e.site.ID, Prefix: netip.MustParsePrefix("203.0.113.0/24")},
			{SiteID: e.site.ID, Prefix: netip.MustParsePrefix("2001:db8:1::/48")},
			{Prefix: netip.MustParsePrefix("198.51.100.66/32")}, // every site
			{SiteID: e.site.ID, Prefix: netip.MustParsePrefix("192.0.2.0/24"), ExpiresAt: &past},
		} {
			b.CreatedAt = e.now
			if err := e.store.CreateIPBlock(ctx, store.Action{SiteID: e.site.ID}, &b); err != nil {
				t.Fatal(err)
			}
		}
		for _, ip := range []string{"203.0.113.9", "203.0.113.255", "[2001:db8:1:ff::5]", "198.51.100.66", "[::ffff:203.0.113.4]"} {
			refused(t, ip, e.guestComment(ip, "Eve", "", "hi"), "network are blocked")
		}
		for _, ip := range []string{"203.0.114.1", "[2001:db8:2::1]", "198.51.100.67", "192.0.2.1"} {
			if r := e.guestComment(ip, "Fay", "", "hi"); r.status != 201 {
				t.Errorf("%s: %d %s", ip, r.status, r.raw)
			}
		}
	})
}

// TestBlockCommentAddress: blocking the address of a comment refuses its
// network, without the address ever leaving the store.
func TestBlockCommentAddress(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.guestComment("[2001:db8:5::1]", "Gil", "", "hello")
		if first.status != 201 {
			t.Fatal(first.raw)
		}
		if err := e.store.BlockCommentIP(ctx, store.Action{SiteID: e.site.ID}, first.num("comment.id"), false, nil); err != nil {
			t.Fatal(err)
		}
		refused(t, "the same /64", e.guestComment("[2001:db8:5::abcd]", "Gil", "", "again"), "blocked")
		if r := e.guestComment("[2001:db8:6::1]", "Hal", "", "hi"); r.status != 201 {
			t.Errorf("another network: %d %s", r.status, r.raw)
		}
	})
}

// TestGuestEmailBanHoldsForItsConfirmedAccount: a ban of a guest's email
// refuses the account whose confirmed address it is, and not an account
// that merely claims it.
func TestGuestEmailBanHoldsForItsConfirmedAccount(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.guestComment("192.0.2.1", "Bea", "bea@example.com", "as a guest")
		if first.status != 201 {
			t.Fatal(first.raw)
		}
		if _, err := e.store.BanAuthor(ctx, store.Action{SiteID: e.site.ID}, first.num("comment.id"), false, nil); err != nil {
			t.Fatal(err)
		}
		bea := e.account("bea@example.com", "Bea")
		post := func() *resp {
			return e.do(req{method: "POST", path: "/api/v1/comments", ip: "203.0.113.8", headers: bearer(e.login("bea@example.com", false)),
				body: newComment("as an account", nil)})
		}
		if r := post(); r.status != 201 {
			t.Errorf("an account whose address is not confirmed: %d %s", r.status, r.raw)
		}
		if err := e.store.SetEmailVerified(ctx, bea.ID, e.now); err != nil {
			t.Fatal(err)
		}
		refused(t, "the confirmed account", post(), "banned")
	})
}

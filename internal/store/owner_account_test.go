package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// reference is a column that holds the id of a row of another table.
type reference struct{ table, column, target string }

// references walks the live schema: every foreign key column of every
// table, and each table's own id. A table added later is walked too.
func references(t *testing.T, raw *sql.DB, dialect string) []reference {
	t.Helper()
	out := []reference{{"users", "id", "users"}, {"sites", "id", "sites"}, {"pages", "id", "pages"}, {"comments", "id", "comments"}}
	for _, fk := range foreignKeys(t, raw, dialect) {
		out = append(out, reference{fk.table, fk.column, fk.parent})
	}
	return out
}

// referring counts, per table.column, the rows that refer to one of ids of
// their target table.
func referring(t *testing.T, raw *sql.DB, refs []reference, ids map[string][]int64) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range refs {
		list := ids[r.target]
		if len(list) == 0 {
			continue
		}
		in := fmt.Sprint(list[0])
		for _, id := range list[1:] {
			in += fmt.Sprintf(", %d", id)
		}
		var n int
		if err := raw.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s IN (%s)", r.table, r.column, in)).Scan(&n); err != nil {
			t.Fatalf("count %s.%s: %v", r.table, r.column, err)
		}
		out[r.table+"."+r.column] = n
	}
	return out
}

func idList(t *testing.T, raw *sql.DB, rebind func(string) string, q string, args ...any) []int64 {
	t.Helper()
	rows, err := raw.Query(rebind(q), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustUser(t *testing.T, db *testDB, email string) *model.User {
	t.Helper()
	u := &model.User{Name: email, Email: email, Role: model.RoleCommenter}
	must(t, db.CreateUser(context.Background(), u))
	return u
}

// ownerWithEverything gives the account a row in every table that can
// refer to it or to its sites, and returns its two sites. Others' rows
// (a moderator, a commenter's comment on her site, another owner's site
// where she comments) are made too.
func ownerWithEverything(t *testing.T, db *testDB, raw *sql.DB, rebind func(string) string, ada, bob *model.User, other *model.Site) []*model.Site {
	ctx, now := context.Background(), time.Now().UTC()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var sites []*model.Site
	for _, host := range []string{"ada-one.example", "ada-two.example"} {
		site := &model.Site{Host: host, OwnerID: ada.ID, Settings: model.DefaultSiteSettings()}
		must(t, db.CreateSite(ctx, site))
		sites = append(sites, site)
		root := mustComment(t, db, site, "/p", 0, "a guest's comment")
		reply := &model.Comment{SiteID: site.ID, ParentID: root.ID, AuthorID: ada.ID, Text: "her answer", HTML: "<p>her answer</p>", Status: model.StatusApproved}
		must(t, db.CreateComment(ctx, reply, store.NewComment{Path: "/p"}))
		_, err := db.Vote(ctx, site.ID, root.ID, store.Voter{ID: []byte("voter")}, 1)
		must(t, err)
		_, err = db.AddViews(ctx, map[store.PageView]int{{SiteID: site.ID, Path: "/p", Day: "2026-11-01"}: 2})
		must(t, err)
		must(t, db.SetSiteMember(ctx, site.ID, bob.ID, model.RoleModerator))
		_, err = db.ModerateComments(ctx, store.Moderation{SiteID: site.ID, ActorID: bob.ID, Action: store.ActionPin, CommentIDs: []int64{root.ID}})
		must(t, err)
		_, err = db.EnqueueMail(ctx, model.Mail{Kind: "test", SiteID: site.ID, To: "reader@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"})
		must(t, err)
		must(t, db.CreateLoginState(ctx, []byte("state of "+host), &store.LoginState{Provider: "github", SiteID: site.ID,
			Origin: "https://" + host, Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Hour)}, 100))
		_, err = db.CreatePrivacyRequest(ctx, []byte("privacy of "+host), "reader@example.com", "export", site.ID, now.Add(time.Hour),
			model.Mail{Kind: "privacy", SiteID: site.ID, To: "reader@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"})
		must(t, err)
		exec("INSERT INTO site_sso (site_id, secret_sealed, created_at) VALUES (?, ?, ?)", site.ID, []byte("sealed"), now.UnixMilli())
		sso := mustUser(t, db, "sso-"+host+"@example.com")
		exec("INSERT INTO sso_users (site_id, external_id, user_id, created_at) VALUES (?, ?, ?, ?)", site.ID, "ext", sso.ID, now.UnixMilli())
		must(t, db.CreateImportJob(ctx, &store.ImportJob{SiteID: site.ID, Format: "wxr"}, now))
		must(t, db.CreateSiteInvitation(ctx, &store.SiteInvitation{SiteID: site.ID, Email: "invited@example.com", Role: model.RoleModerator,
			InvitedBy: ada.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, []byte("site invitation of "+host),
			model.Mail{Kind: "test", SiteID: site.ID, To: "invited@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}))
		// A moderator's ban of the guest, and of Ada on the other site, and
		// a block of the guest's address.
		must(t, db.CreateBan(ctx, store.Action{SiteID: site.ID, ActorID: bob.ID}, &store.Ban{SiteID: site.ID, EmailIndex: []byte("guest"), CommentID: root.ID}))
		must(t, db.CreateBan(ctx, store.Action{SiteID: other.ID, ActorID: bob.ID}, &store.Ban{SiteID: other.ID, UserID: ada.ID}))
		must(t, db.CreateIPBlock(ctx, store.Action{SiteID: site.ID, ActorID: bob.ID}, &store.IPBlock{SiteID: site.ID, Prefix: netip.MustParsePrefix("192.0.2.0/24"), CommentID: root.ID}))
		fillNotifications(t, db, site, root, ada)
		fillCountShard(t, db, site)
		fillWebhooks(t, db, site)
		fillUploads(t, db, site, reply, ada)
	}
	// Her own rows: sessions, links, logins, picture, a membership and a
	// comment on another owner's site, an audit entry there, an invitation.
	must(t, db.CreateSession(ctx, &model.Session{UserID: ada.ID, Kind: model.SessionDashboard, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}, []byte("session")))
	must(t, db.CreateAccountToken(ctx, store.AccountToken{UserID: ada.ID, Purpose: store.TokenReset, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, []byte("reset")))
	exec("INSERT INTO identities (subject_index, provider, user_id, created_at, last_login_at) VALUES (?, 'github', ?, ?, ?)", []byte("subject"), ada.ID, now.UnixMilli(), now.UnixMilli())
	must(t, db.SetSiteMember(ctx, other.ID, ada.ID, model.RoleModerator))
	exec("INSERT INTO sso_users (site_id, external_id, user_id, created_at) VALUES (?, ?, ?, ?)", other.ID, "ada", ada.ID, now.UnixMilli())
	c := &model.Comment{SiteID: other.ID, AuthorID: ada.ID, Text: "on bob's site", HTML: "<p>on bob's site</p>", Status: model.StatusApproved}
	must(t, db.CreateComment(ctx, c, store.NewComment{Path: "/elsewhere"}))
	_, err := db.ModerateComments(ctx, store.Moderation{SiteID: other.ID, ActorID: ada.ID, Action: store.ActionPin, CommentIDs: []int64{c.ID}})
	must(t, err)
	must(t, db.CreateInvitation(ctx, &store.Invitation{Email: "friend@example.com", InvitedBy: ada.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		[]byte("invitation"), model.Mail{Kind: "invitation", To: "friend@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}))
	// A usage notice and a broadcast she received.
	crossing := store.UsageCrossing{Owner: ada, Month: store.Month(now), Metric: store.MetricSites, Level: store.NoticeNear, Used: 1, Limit: 2}
	_, err = db.RecordUsageNotice(ctx, crossing, model.Mail{Kind: "usage", To: ada.Email, Subject: "usage", Text: "t", HTML: "h"})
	must(t, err)
	must(t, db.CreateBroadcast(ctx, &store.Broadcast{Subject: "Policy", Body: "We changed it."},
		[]store.BroadcastMail{{UserID: ada.ID, Mail: model.Mail{Kind: "broadcast", To: ada.Email, Subject: "Policy", Text: "t", HTML: "h"}}}))
	return sites
}

// TestDeleteAccountLeavesNoRowReferringToIt is issue 10 item 9: after an
// owner deletes the account, no row of any table refers to the account, its
// sites, or their pages and comments, while other accounts' rows stay.
func TestDeleteAccountLeavesNoRowReferringToIt(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		raw, rebind := rawDB(t, db)
		ada, bob := mustUser(t, db, "ada@example.com"), mustUser(t, db, "bob@example.com")
		bobs := &model.Site{Host: "bob.example", OwnerID: bob.ID, Settings: model.DefaultSiteSettings()}
		must(t, db.CreateSite(ctx, bobs))
		sites := ownerWithEverything(t, db, raw, rebind, ada, bob, bobs)
		doomed := map[string][]int64{"users": {ada.ID}, "sites": {sites[0].ID, sites[1].ID}}
		site := "site_id IN (?, ?)"
		doomed["pages"] = idList(t, raw, rebind, "SELECT id FROM pages WHERE "+site, sites[0].ID, sites[1].ID)
		doomed["comments"] = idList(t, raw, rebind, "SELECT id FROM comments WHERE "+site+" OR author_id = ?", sites[0].ID, sites[1].ID, ada.ID)
		refs := references(t, raw, db.dialect)
		// The setup must reach every table that can refer to her: a table
		// added later fails here until a row of it is made above.
		for col, n := range referring(t, raw, refs, doomed) {
			if n == 0 {
				t.Errorf("setup: no row of %s refers to the account or its sites; add one to ownerWithEverything", col)
			}
		}
		keptSite := idList(t, raw, rebind, "SELECT id FROM comments WHERE site_id = ? AND author_id IS NULL", bobs.ID)

		deleted, err := db.DeleteAccount(ctx, ada.ID, store.EraseDelete)
		must(t, err)
		if len(deleted) != 2 {
			t.Errorf("deleted sites %v, want her two", deleted)
		}
		for col, n := range referring(t, raw, refs, doomed) {
			if n != 0 {
				t.Errorf("%s: %d rows still refer to the deleted account or its sites", col, n)
			}
		}
		if _, err := db.UserByID(ctx, bob.ID); err != nil {
			t.Errorf("the moderator's account went too: %v", err)
		}
		if s, err := db.SiteByID(ctx, bobs.ID); err != nil || s.OwnerID != bob.ID {
			t.Errorf("bob's site: %v %v", s, err)
		}
		if got := idList(t, raw, rebind, "SELECT id FROM comments WHERE site_id = ? AND author_id IS NULL", bobs.ID); len(got) != len(keptSite) {
			t.Errorf("other comments on bob's site changed: %v, want %v", got, keptSite)
		}
		if _, err := db.DeleteAccount(ctx, ada.ID, store.EraseDelete); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
	})
}

func TestSignupIPKeptSealedUntilPurged(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		u := &model.User{Name: "Ada", Email: "ada@example.com", Role: model.RoleCommenter}
		tok := store.AccountToken{Purpose: store.TokenVerify, CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
		mail := model.Mail{Kind: "verify-email", To: u.Email, Subject: "s", Text: "t", HTML: "<p>t</p>"}
		must(t, db.SignUpFrom(ctx, u, store.SignUpOrigin{IP: "203.0.113.9"}, tok, []byte("verify"), mail))
		if ip, err := db.SignupIP(ctx, u.ID); err != nil || ip != "203.0.113.9" {
			t.Fatalf("signup ip: %q %v", ip, err)
		}
		if n, err := db.PurgeSignupIPs(ctx, clk.now()); err != nil || n != 0 {
			t.Errorf("purge of a newer account: %d %v", n, err)
		}
		clk.advance(time.Minute)
		if n, err := db.PurgeSignupIPs(ctx, clk.now()); err != nil || n != 1 {
			t.Errorf("purge: %d %v, want 1", n, err)
		}
		if ip, err := db.SignupIP(ctx, u.ID); err != nil || ip != "" {
			t.Errorf("after purge: %q %v", ip, err)
		}
		if _, err := db.SignupIP(ctx, u.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no account: %v", err)
		}
	})
}

func TestInvitationIsSpentOnceBySignUp(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		mail := model.Mail{Kind: "invitation", To: "bea@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}
		inv := &store.Invitation{Email: "bea@example.com", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
		must(t, db.CreateInvitation(ctx, inv, []byte("invite"), mail))
		if got, err := db.InvitationByToken(ctx, []byte("invite"), clk.now()); err != nil || got.Email != "bea@example.com" {
			t.Fatalf("by token: %+v %v", got, err)
		}
		if list, err := db.PendingInvitations(ctx, clk.now()); err != nil || len(list) != 1 {
			t.Fatalf("pending: %v %v", list, err)
		}
		signUp := func(email string) error {
			u := &model.User{Name: "Bea", Email: email, Role: model.RoleCommenter}
			tok := store.AccountToken{Purpose: store.TokenVerify, CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}
			return db.SignUpFrom(ctx, u, store.SignUpOrigin{Invitation: []byte("invite"), Now: clk.now()}, tok, []byte("v-"+email), mail)
		}
		must(t, signUp("bea@example.com"))
		if err := signUp("eve@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second use: %v, want ErrNotFound", err)
		}
		if _, err := db.UserByEmail(ctx, "eve@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a refused invitation created an account: %v", err)
		}
		// Expired and revoked invitations cannot be used either.
		must(t, db.CreateInvitation(ctx, &store.Invitation{Email: "cy@example.com", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(time.Hour)}, []byte("late"), mail))
		revoked := &store.Invitation{Email: "di@example.com", CreatedAt: clk.now(), ExpiresAt: clk.now().Add(2 * time.Hour)}
		must(t, db.CreateInvitation(ctx, revoked, []byte("revoked"), mail))
		must(t, db.RevokeInvitation(ctx, revoked.ID))
		clk.advance(time.Hour)
		for _, tok := range []string{"late", "revoked"} {
			if _, err := db.InvitationByToken(ctx, []byte(tok), clk.now()); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", tok, err)
			}
		}
		if n, err := db.PurgeInvitations(ctx, clk.now().Add(time.Millisecond)); err != nil || n != 1 {
			t.Errorf("purge: %d %v, want the expired one", n, err)
		}
	})
}

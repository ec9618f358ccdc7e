package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// foreignKey is one column of the live schema that references a table.
type foreignKey struct{ table, column, parent string }

// foreignKeys reads every foreign key of the schema under test.
func foreignKeys(t *testing.T, raw *sql.DB, dialect string) []foreignKey {
	t.Helper()
	q := `SELECT m.name, p."from", p."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) p WHERE m.type = 'table'`
	if dialect == "postgres" {
		q = `SELECT kcu.table_name, kcu.column_name, ccu.table_name
			FROM information_schema.table_constraints tc
			JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
			JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`
	}
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []foreignKey
	for rows.Next() {
		var fk foreignKey
		if err := rows.Scan(&fk.table, &fk.column, &fk.parent); err != nil {
			t.Fatal(err)
		}
		out = append(out, fk)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fillSite gives site a row in every table that refers to a site, a page or
// a comment: a thread with a reply and votes, views, a member, an
// invitation, an SSO secret and account, a login in progress, a privacy
// request, queued mail and an audit entry.
func fillSite(t *testing.T, db *testDB, site *model.Site, owner, member *model.User) {
	t.Helper()
	ctx := context.Background()
	root := mustComment(t, db, site, "/post", 0, "Root")
	mustComment(t, db, site, "/post", root.ID, "Reply")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := db.Vote(ctx, site.ID, root.ID, store.Voter{ID: []byte("voter-" + site.Host)}, 1)
	must("vote", err)
	_, err = db.AddViews(ctx, map[store.PageView]int{{SiteID: site.ID, Path: "/post", Day: "2026-01-02"}: 3})
	must("views", err)
	fillCountShard(t, db, site)
	must("member", db.SetSiteMember(ctx, site.ID, member.ID, model.RoleModerator))
	now := time.Now()
	mail := model.Mail{Kind: "test", SiteID: site.ID, To: "someone@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"}
	must("invitation", db.CreateSiteInvitation(ctx, &store.SiteInvitation{SiteID: site.ID, Email: "invited@example.com", Role: model.RoleModerator,
		InvitedBy: owner.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, []byte("invitation-"+site.Host), mail))
	must("sso", db.SetSSOSecret(ctx, site.ID, "secret-"+site.Host))
	must("sso user", db.CreateSSOUser(ctx, site.ID, "ext-1", "", &model.User{Name: "Sso", Email: "sso@example.com"}))
	must("login state", db.CreateLoginState(ctx, []byte("state-"+site.Host), &store.LoginState{Provider: "github", SiteID: site.ID,
		Origin: "https://" + site.Host, Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Hour)}, 100))
	_, err = db.CreatePrivacyRequest(ctx, []byte("privacy-"+site.Host), "guest@example.com", store.PrivacyExport, site.ID, now.Add(time.Hour), mail)
	must("privacy request", err)
	must("lock", db.LockPage(ctx, site.ID, owner.ID, root.PageID, true))
	act := store.Action{SiteID: site.ID, ActorID: member.ID}
	must("ban", db.CreateBan(ctx, act, &store.Ban{SiteID: site.ID, UserID: member.ID, CommentID: root.ID}))
	must("block", db.CreateIPBlock(ctx, act, &store.IPBlock{SiteID: site.ID, Prefix: netip.MustParsePrefix("198.51.100.0/24"), CommentID: root.ID}))
	must("import job", db.CreateImportJob(ctx, &store.ImportJob{SiteID: site.ID, Format: "wxr"}, now))
	fillNotifications(t, db, site, root, member)
	fillWebhooks(t, db, site)
	fillUploads(t, db, site, root, member)
}

// rowsOf counts the rows of fk.table that belong to site: those naming the
// site, or one of its pages or comments.
func rowsOf(t *testing.T, raw *sql.DB, rebind func(string) string, fk foreignKey, siteID int64) int {
	t.Helper()
	var where string
	switch fk.parent {
	case "sites":
		where = fk.column + " = ?"
	case "pages", "comments":
		where = fmt.Sprintf("%s IN (SELECT id FROM %s WHERE site_id = ?)", fk.column, fk.parent)
	default:
		return -1 // refers to an account, not to a site
	}
	var n int
	if err := raw.QueryRow(rebind("SELECT COUNT(*) FROM "+fk.table+" WHERE "+where), siteID).Scan(&n); err != nil {
		t.Fatalf("%s.%s: %v", fk.table, fk.column, err)
	}
	return n
}

// TestDeleteSiteLeavesNoRow is promise P7 for a site, on both databases:
// walking the live schema's foreign keys, every table that refers to a
// site (or to its pages and comments) has rows of the site before, none
// after its deletion, and another site's rows are all still there. A new
// table that refers to sites fails the test until fillSite gives it a row.
func TestDeleteSiteLeavesNoRow(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		owner, member := mustUser(t, db, "owner@example.com"), mustUser(t, db, "member@example.com")
		gone, kept := mustSite(t, db, "gone.example"), mustSite(t, db, "kept.example")
		fillSite(t, db, gone, owner, member)
		fillSite(t, db, kept, owner, member)
		raw, rebind := rawDB(t, db)
		fks := foreignKeys(t, raw, db.dialect)
		before := map[foreignKey]int{}
		for _, fk := range fks {
			if n := rowsOf(t, raw, rebind, fk, kept.ID); n >= 0 {
				before[fk] = n
				if n == 0 || rowsOf(t, raw, rebind, fk, gone.ID) == 0 {
					t.Errorf("%s.%s refers to %s, but the test gives it no row of the site: fill it in fillSite", fk.table, fk.column, fk.parent)
				}
			}
		}
		if len(before) < 10 {
			t.Fatalf("found only %d foreign keys to sites, pages and comments: %v", len(before), fks)
		}

		if err := db.DeleteSite(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}
		for fk, n := range before {
			if left := rowsOf(t, raw, rebind, fk, gone.ID); left != 0 {
				t.Errorf("%s.%s: %d rows of the deleted site are left", fk.table, fk.column, left)
			}
			if now := rowsOf(t, raw, rebind, fk, kept.ID); now != n {
				t.Errorf("%s.%s: the other site's rows went from %d to %d", fk.table, fk.column, n, now)
			}
		}
		if _, err := db.SiteByID(ctx, gone.ID); err == nil {
			t.Error("the site is still there")
		}
		if _, err := db.UserByID(ctx, owner.ID); err != nil {
			t.Errorf("the owner's account went with the site: %v", err)
		}
	})
}

// fillCountShard gives the pages of site a shard of their count
// (page_count_shards), as a comment on PostgreSQL writes, on both databases.
func fillCountShard(t *testing.T, db *testDB, site *model.Site) {
	t.Helper()
	raw, rebind := rawDB(t, db)
	if _, err := raw.Exec(rebind("INSERT INTO page_count_shards (page_id, shard, n) SELECT id, -1, 0 FROM pages WHERE site_id = ?"), site.ID); err != nil {
		t.Fatalf("count shard: %v", err)
	}
}

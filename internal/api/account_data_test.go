package api_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/inventory"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// class returns how a column is classified in the data inventory (package
// inventory, the one list of every column), "" when it is not.
func class(table, column string) inventory.Class { return inventory.ClassOf(table, column) }

const adaEmail, adaIP = "ada@example.com", "198.51.100.20"

// personWithEverything gives Ada a value in every personal column: a
// confirmed account with a profile, two sessions, a membership and an owned
// site, comments as the account and (before she signed up) as a guest with
// her email, one edited, mail queued to her, a pending privacy request and
// the verified-guest mark. It returns her session token.
func personWithEverything(t *testing.T, e *env) (*model.User, string) {
	ctx := context.Background()
	ada := e.account(adaEmail, "Ada")
	ada.Website, ada.AvatarURL, ada.ProfileURL = "https://ada.example", "https://img.example/ada.png", "https://people.example/ada"
	if err := e.store.UpdateProfile(ctx, ada); err != nil {
		t.Fatal(err)
	}
	must(t, e.store.SetEmailVerified(ctx, ada.ID, e.now))
	// She signs in with GitHub too, has a picture, and asked to change her
	// address to one she has not confirmed yet.
	sum := sha256.Sum256([]byte("ada's picture"))
	must(t, e.store.PutAvatarImage(ctx, sum[:], []byte("ada's picture")))
	must(t, e.store.SetAvatarURL(ctx, ada.ID, media.AvatarPath(sum[:])))
	must(t, e.store.CreateAccountToken(ctx, store.AccountToken{UserID: ada.ID, Purpose: store.TokenEmailChange,
		NewEmail: "ada@new.example", CreatedAt: e.now, ExpiresAt: e.now.Add(24 * time.Hour)}, []byte("hash of an emailed token")))
	_, err := e.raw().Exec(fmt.Sprintf("INSERT INTO identities (subject_index, provider, user_id, created_at, last_login_at) VALUES (%s, 'github', %d, %d, %d)",
		bytesLiteral(e, "subject"), ada.ID, e.now.UnixMilli(), e.now.Add(time.Hour).UnixMilli()))
	must(t, err)
	_, err = e.raw().Exec(fmt.Sprintf("INSERT INTO sso_users (site_id, external_id, user_id, avatar_source, created_at) VALUES (%d, 'ada-42', %d, 'https://blog.example/ada.png', %d)",
		e.site.ID, ada.ID, e.now.UnixMilli()))
	must(t, err)
	must(t, e.store.SetSiteMember(ctx, e.site.ID, ada.ID, model.RoleModerator))
	owned := &model.Site{Host: "ada.example", OwnerID: ada.ID, Settings: model.DefaultSiteSettings()}
	must(t, e.store.CreateSite(ctx, owned))

	asGuest := &model.Comment{SiteID: owned.ID, GuestName: "Ada as a guest", GuestEmail: adaEmail, GuestWebsite: "https://guest-ada.example",
		Text: "written before signing up", HTML: "<p>written before signing up</p>", Status: model.StatusApproved, IP: adaIP, UserAgent: "old-agent"}
	must(t, e.store.CreateComment(ctx, asGuest, store.NewComment{Path: "/guestbook"}))
	// She moderated her site on the dashboard.
	_, err = e.store.ModerateComments(ctx, store.Moderation{SiteID: owned.ID, ActorID: ada.ID, Action: store.ActionPin, CommentIDs: []int64{asGuest.ID}})
	must(t, err)
	// A ban of her account on that site, which she recorded herself.
	until := e.now.Add(48 * time.Hour)
	must(t, e.store.CreateBan(ctx, store.Action{SiteID: owned.ID, ActorID: ada.ID, Detail: "this site, 2 days"},
		&store.Ban{SiteID: owned.ID, UserID: ada.ID, CreatedAt: e.now, ExpiresAt: &until}))
	e.login(adaEmail, true)
	token := e.login(adaEmail, false)
	r := e.do(req{method: "POST", path: "/api/v1/comments", ip: adaIP, headers: bearer(token), body: newComment("ada's account comment", nil)})
	e.now = e.now.Add(time.Minute)
	edit := e.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/comments/%d", r.num("comment.id")), headers: bearer(token),
		body: map[string]any{"text": "ada's edited comment"}})
	reply := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{"site": "blog.example", "path": "/post",
		"parentId": r.num("comment.id"), "text": "Ray answers Ada", "author": map[string]any{"name": "Ray"}}})
	if r.status != 201 || edit.status != 200 || reply.status != 201 {
		t.Fatalf("comments: %s %s %s", r.raw, edit.raw, reply.raw)
	}

	box, b := newMailbox(e), newBrowser(t, e)
	l := askLink(t, e, box, adaEmail, "verify")
	if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, l)}}); p.status != 200 {
		t.Fatalf("verify: %d", p.status)
	}
	if r := e.do(req{method: "POST", path: "/api/v1/privacy/request", body: map[string]any{"email": adaEmail, "action": "export"}}); r.status != 202 {
		t.Fatalf("request: %s", r.raw)
	}
	// She was invited to moderate another site.
	invitation, err := notify.SiteInvitationMail(adaEmail, e.site.ID, notify.Sender{Name: "blog.example", URL: origin},
		notify.InvitationData{Site: "blog.example", Link: origin + "/dashboard/join?token=x", Valid: "7 days"})
	must(t, err)
	must(t, e.store.CreateSiteInvitation(ctx, &store.SiteInvitation{SiteID: e.site.ID, Email: adaEmail, Role: model.RoleModerator,
		CreatedAt: e.now, ExpiresAt: e.now.Add(time.Hour)}, []byte("hash of an invitation token"), invitation))
	m, err := notify.TestMail(adaEmail, notify.Sender{Name: "blog.example", URL: origin})
	must(t, err)
	_, err = e.store.EnqueueMail(ctx, m)
	must(t, err)
	// She signed up from adaIP, was invited to sign up again (an
	// invitation not used yet) and, as an operator, invited someone.
	_, err = e.raw().Exec(fmt.Sprintf("UPDATE users SET signup_ip_sealed = %s WHERE id = %d", bytesLiteral(e, string(e.sealer.Seal(adaIP))), ada.ID))
	must(t, err)
	other, err := notify.TestMail("someone@example.com", notify.Sender{Name: "blog.example", URL: origin})
	must(t, err)
	must(t, e.store.CreateInvitation(ctx, &store.Invitation{Email: adaEmail, CreatedAt: e.now, ExpiresAt: e.now.Add(time.Hour)}, []byte("invitation 1"), other))
	must(t, e.store.CreateInvitation(ctx, &store.Invitation{Email: "invited@example.com", InvitedBy: ada.ID,
		CreatedAt: e.now.Add(time.Minute), ExpiresAt: e.now.Add(time.Hour)}, []byte("invitation 2"), other))
	operatorData(t, e, ada)
	uploadData(t, e, ada)
	return ada, token
}

// operatorData gives Ada what the operator's tools keep: a plan, a usage
// notice, a broadcast received (two more queued mails) and a contact
// message sent with her email.
func operatorData(t *testing.T, e *env, ada *model.User) {
	ctx := context.Background()
	from := notify.InstanceSender(origin)
	plan := store.Plan{Name: "ada's plan", MaxSites: 2, MaxViews: store.Unlimited, MaxComments: 100, MaxUploadBytes: store.Unlimited}
	must(t, e.store.CreatePlan(ctx, &plan))
	must(t, e.store.SetUserPlan(ctx, ada.ID, plan.ID))
	crossing := store.UsageCrossing{Owner: ada, Month: store.Month(time.Now()), Metric: store.MetricSites, Level: store.NoticeNear, Used: 1, Limit: 2}
	notice, err := notify.UsageMail(crossing, from)
	must(t, err)
	_, err = e.store.RecordUsageNotice(ctx, crossing, notice)
	must(t, err)
	bm, err := notify.BroadcastMail(adaEmail, from, "Our policy changed", "Read it.")
	must(t, err)
	must(t, e.store.CreateBroadcast(ctx, &store.Broadcast{Subject: "Our policy changed", Body: "Read it."}, []store.BroadcastMail{{UserID: ada.ID, Mail: bm}}))
	must(t, e.store.CreateContactMessage(ctx, &store.ContactMessage{Name: "Ada at the contact form", Email: adaEmail, Message: "Ada asks the operator"}, nil))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// bytesLiteral is b as an SQL literal of the database under test.
func bytesLiteral(e *env, b string) string {
	if e.dbURL != "" {
		return fmt.Sprintf(`'\x%x'::bytea`, b)
	}
	return fmt.Sprintf("X'%x'", b)
}

// personRows says which rows of a table are Ada's.
func personRows(e *env, ada *model.User) map[string]string {
	hexIndex := bytesLiteral(e, string(e.sealer.EmailIndex(adaEmail)))
	id := fmt.Sprint(ada.ID)
	return map[string]string{
		"users": "id = " + id, "sites": "owner_id = " + id, "site_members": "user_id = " + id, "sessions": "user_id = " + id,
		"comments":         "author_id = " + id + " OR guest_email_index = " + hexIndex,
		"outbox":           "recipient_index = " + hexIndex,
		"privacy_requests": "email_index = " + hexIndex, "verified_guests": "email_index = " + hexIndex,
		"identities": "user_id = " + id, "account_tokens": "user_id = " + id,
		"sso_users": "user_id = " + id, "audit_log": "actor_id = " + id, "bans": "user_id = " + id,
		"invitations": "email_index = " + hexIndex + " OR invited_by = " + id, "site_invitations": "email_index = " + hexIndex,
		"usage_monthly": "user_id = " + id, "usage_notices": "user_id = " + id, "broadcast_recipients": "user_id = " + id,
		"contact_messages": "email_index = " + hexIndex, "uploads": "user_id = " + id,
	}
}

func TestAccountExportHasEveryPersonalField(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ada, token := personWithEverything(t, e)
		r := e.do(req{method: "GET", path: "/api/v1/me/export", headers: bearer(token)})
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || r.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("export: %d %v %s", r.status, r.header, r.raw)
		}
		export := string(r.raw)
		if r.str("account.email") != adaEmail || len(r.get("comments").([]any)) != 2 || len(r.get("sessions").([]any)) != 2 ||
			len(r.get("siteRoles").([]any)) != 2 || len(r.get("queuedMail").([]any)) != 5 || len(r.get("privacyRequests").([]any)) != 1 ||
			len(r.get("siteInvitations").([]any)) != 1 ||
			r.get("verifiedGuestAt") == nil || strings.Contains(export, "argon2") || strings.Contains(export, "Ray answers") {
			t.Errorf("export document:\n%s", export)
		}

		db := e.raw()
		rows := personRows(e, ada)
		for table, cols := range e.schema(db) {
			for _, col := range cols {
				c := class(table, col)
				if c == "" {
					t.Errorf("column %s.%s is new: classify it in the data inventory (internal/inventory/tables.go) and, if it holds personal data, export it", table, col)
					continue
				}
				if c != inventory.Exported {
					continue
				}
				where, ok := rows[table]
				if !ok {
					t.Errorf("%s.%s is exported, but personRows does not say which rows are the person's", table, col)
					continue
				}
				e.checkExported(t, db, table, col, where, export)
			}
		}
	})
}

// checkExported checks that each of the person's values of a column, opened
// if sealed, is in the export; text as JSON encodes it, times as RFC 3339.
func (e *env) checkExported(t *testing.T, db *sql.DB, table, col, where, export string) {
	t.Helper()
	rows, err := db.Query("SELECT " + col + " FROM " + table + " WHERE " + where)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var v any
		must(t, rows.Scan(&v))
		var want string
		switch v := v.(type) {
		case []byte:
			plain, err := e.sealer.Open(v)
			if err != nil {
				plain = string(v) // PostgreSQL TEXT may come as bytes
			}
			want = plain
		case string:
			want = v
		case int64:
			if strings.HasSuffix(col, "_at") {
				want = time.UnixMilli(v).UTC().Format(time.RFC3339)
			}
		}
		if want == "" {
			continue // a number, a flag or empty: the document's shape tests them
		}
		enc, _ := json.Marshal(want)
		needle := strings.Trim(string(enc), `"`)
		if strings.HasSuffix(col, "_at") {
			needle = strings.TrimSuffix(want, "Z")
		}
		if !strings.Contains(export, needle) {
			t.Errorf("%s.%s = %q is not in the export", table, col, want)
		}
	}
}

// TestEraseAccountLeavesNoTrace: DELETE /api/v1/me erases the account, and
// afterwards no table holds Ada's email (itself, sealed or as its blind
// index) or her IP address (itself or sealed); replies to her comments keep
// their place.
func TestEraseAccountLeavesNoTrace(t *testing.T) {
	for _, mode := range []string{"delete", "anonymize"} {
		t.Run(mode, func(t *testing.T) {
			eachDB(t, options{}, func(t *testing.T, e *env) {
				ada, token := personWithEverything(t, e)
				erase := func(body map[string]any) *resp {
					return e.do(req{method: "DELETE", path: "/api/v1/me", headers: bearer(token), body: body})
				}
				for _, c := range []struct {
					body   map[string]any
					status int
					field  string
				}{
					{map[string]any{"password": testPassword}, 400, "comments"},
					{map[string]any{"comments": "shred", "password": testPassword}, 400, "comments"},
					{map[string]any{"comments": mode}, 400, "password"},
					{map[string]any{"comments": mode, "password": "not her password"}, 401, "password"},
				} {
					if r := erase(c.body); r.status != c.status || r.str("error.field") != c.field {
						t.Errorf("%v: %d %s", c.body, r.status, r.raw)
					}
				}
				if len(e.traces(adaEmail, adaIP)) < 8 {
					t.Fatalf("sanity check failed: before erasure the scan finds only %v", e.traces(adaEmail, adaIP))
				}
				if r := erase(map[string]any{"comments": mode, "password": testPassword}); r.status != http.StatusNoContent {
					t.Fatalf("erase: %d %s", r.status, r.raw)
				}
				e.assertNoTrace(t, adaEmail, adaIP)
				if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(token)}); r.status != 401 {
					t.Errorf("her session still works: %d", r.status)
				}
				var owned int
				must(t, e.raw().QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM sites WHERE owner_id = %d", ada.ID)).Scan(&owned))
				if owned != 0 {
					t.Error("a site still names her as owner")
				}
				var pictures, uploads int
				must(t, e.raw().QueryRow("SELECT COUNT(*) FROM avatar_images").Scan(&pictures))
				if pictures != 0 {
					t.Errorf("%d pictures left: hers, which no one else shows, must go with her", pictures)
				}
				must(t, e.raw().QueryRow("SELECT COUNT(*) FROM uploads").Scan(&uploads))
				if uploads != 0 {
					t.Errorf("%d of her uploaded images left, in %s mode", uploads, mode)
				}
				th := e.thread("path=/post")
				if th.str("comments.1.author.name") != "Ray" {
					t.Errorf("the reply lost its place: %s", th.raw)
				}
				switch mode {
				case "delete":
					if th.get("comments.0.deleted") != true || strings.Contains(string(th.raw), "edited comment") {
						t.Errorf("deleted: %s", th.raw)
					}
				case "anonymize":
					if th.get("comments.0.deleted") != false || th.str("comments.0.author.name") != "" || th.get("comments.0.author.website") != nil ||
						!strings.Contains(th.str("comments.0.html"), "edited comment") {
						t.Errorf("anonymised: %s", th.raw)
					}
				}
			})
		})
	}
}

// TestEraseAccountWithoutPasswordNeedsAFreshSession: an account that signs
// in without a password proves it is its owner by a recent sign-in.
func TestEraseAccountWithoutPasswordNeedsAFreshSession(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	ctx := context.Background()
	u := &model.User{Name: "Provider Pat", Email: "pat@example.com", Role: model.RoleCommenter}
	must(t, e.store.CreateUser(ctx, u))
	token, _, err := auth.NewSessions(e.store, func() time.Time { return e.now }).Create(ctx, u.ID, true)
	must(t, err)
	e.now = e.now.Add(api.FreshSessionAge + time.Second)
	body := map[string]any{"comments": "delete"}
	if r := e.do(req{method: "DELETE", path: "/api/v1/me", headers: bearer(token), body: body}); r.status != 403 || r.str("error.code") != "reauthentication_required" {
		t.Fatalf("stale session: %d %s", r.status, r.raw)
	}
	token, _, err = auth.NewSessions(e.store, func() time.Time { return e.now }).Create(ctx, u.ID, false)
	must(t, err)
	if r := e.do(req{method: "DELETE", path: "/api/v1/me", headers: bearer(token), body: body}); r.status != 204 {
		t.Fatalf("fresh session: %d %s", r.status, r.raw)
	}
	if _, err := e.store.UserByID(ctx, u.ID); err == nil {
		t.Error("the account is still there")
	}
}

// TestUnconfirmedAccountDoesNotTakeGuestComments: an account whose email is
// not confirmed proves nothing about the guest comments written with that
// address: they are neither exported nor erased with it.
func TestUnconfirmedAccountDoesNotTakeGuestComments(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/post", 0, "written by the real ann") // ann@example.com as a guest
		e.account("ann@example.com", "Not Ann")
		token := e.login("ann@example.com", false)
		if r := e.do(req{method: "GET", path: "/api/v1/me/export", headers: bearer(token)}); r.status != 200 || len(r.get("comments").([]any)) != 0 {
			t.Errorf("export of an unconfirmed account: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "DELETE", path: "/api/v1/me", headers: bearer(token), body: map[string]any{"comments": "delete", "password": testPassword}}); r.status != 204 {
			t.Fatalf("erase: %d %s", r.status, r.raw)
		}
		if th := e.thread("path=/post"); th.str("comments.0.author.name") != "Ann" {
			t.Errorf("the guest's comment went with the account: %s", th.raw)
		}
	})
}

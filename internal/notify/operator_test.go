package notify_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/store"
)

var instance = notify.Sender{Name: "comments.example", URL: "https://comments.example"}

// TestUsageMailSaysWhatHappens: the 80% mail warns what the limit will do,
// the 100% mail says what it does now, both with the numbers and the month.
func TestUsageMailSaysWhatHappens(t *testing.T) {
	ann := &model.User{Name: "Ann", Email: "ann@example.com"}
	near, err := notify.UsageMail(store.UsageCrossing{Owner: ann, Month: 202611, Metric: store.MetricComments, Level: 80, Used: 800, Limit: 1000}, instance)
	if err != nil {
		t.Fatal(err)
	}
	if near.Subject != "Your sites used 80% of their comments limit" || !strings.Contains(near.Text, "800 of 1000 comments this month (November 2026)") ||
		!strings.Contains(near.Text, "When they reach the limit: Your sites keep showing their comments, but take no new ones until 1 December 2026") ||
		!strings.Contains(near.HTML, "https://comments.example/dashboard") || near.To != "ann@example.com" {
		t.Errorf("80%% mail: %q\n%s", near.Subject, near.Text)
	}
	full, err := notify.UsageMail(store.UsageCrossing{Owner: ann, Month: 202611, Metric: store.MetricSites, Level: 100, Used: 3, Limit: 3}, instance)
	if err != nil {
		t.Fatal(err)
	}
	if full.Subject != "Your sites reached their sites limit" || !strings.Contains(full.Text, "used 3 of 3 sites.") ||
		!strings.Contains(full.Text, "You cannot add another site") {
		t.Errorf("100%% mail: %q\n%s", full.Subject, full.Text)
	}
}

// TestBroadcastAndContactMailsEscapeWhatWasTyped: the operator's and a
// visitor's words reach the HTML part as text.
func TestBroadcastAndContactMailsEscapeWhatWasTyped(t *testing.T) {
	b, err := notify.BroadcastMail("ann@example.com", instance, "Policy <change>", "First <b>paragraph</b>.\r\n\r\nSecond.")
	if err != nil {
		t.Fatal(err)
	}
	if b.Subject != "Policy <change>" || strings.Contains(b.HTML, "<b>paragraph") || strings.Count(b.HTML, "white-space:pre-wrap") != 2 ||
		!strings.Contains(b.Text, "First <b>paragraph</b>.\n\nSecond.") {
		t.Errorf("broadcast: %+v", b)
	}
	c, err := notify.ContactMail("op@example.com", instance, "Eve <script>", "eve@example.org", "Hi <img src=x>", "https://comments.example/dashboard/operator/messages")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.HTML, "<script") || strings.Contains(c.HTML, "<img") || !strings.Contains(c.Text, "eve@example.org") {
		t.Errorf("contact: %+v", c)
	}
}

// TestSendUsageNotices: the periodic job queues each crossing's mail once,
// on both databases.
func TestSendUsageNotices(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			var st *store.Store
			if dialect == "sqlite" {
				st = openSQLite(t, filepath.Join(t.TempDir(), "parley.db"))
			} else {
				st = openPostgres(t, pgtest.URL(t))
			}
			ann := &model.User{Name: "Ann", Email: "ann@example.com", Role: model.RoleCommenter}
			must(t, st.CreateUser(ctx, ann))
			site := &model.Site{Host: "a.example", OwnerID: ann.ID, Settings: model.DefaultSiteSettings()}
			must(t, st.CreateSite(ctx, site))
			plan := store.Plan{Name: "p", MaxSites: 1, MaxViews: store.Unlimited, MaxComments: 5, MaxUploadBytes: store.Unlimited}
			must(t, st.CreatePlan(ctx, &plan))
			must(t, st.SetDefaultPlan(ctx, plan.ID))
			for range 4 {
				must(t, st.CreateComment(ctx, &model.Comment{SiteID: site.ID, GuestName: "G", Text: "x", HTML: "x", Status: model.StatusApproved},
					store.NewComment{Path: "/p"}))
			}
			// Sites 1 of 1 (100%) and comments 4 of 5 (80%): two mails, once.
			for i, want := range []int{2, 0} {
				n, err := notify.SendUsageNotices(ctx, st, instance, time.Now())
				if err != nil || n != want {
					t.Errorf("run %d: %d mails (%v), want %d", i+1, n, err, want)
				}
			}
			if n, _ := st.PendingMailCount(ctx); n != 2 {
				t.Errorf("outbox: %d mails, want 2", n)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

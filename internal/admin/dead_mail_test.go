package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// TestDeadMailPage: a mail the worker gave up on is listed for the
// operator with its kind, its site and the mail server's last error, and
// never with its recipient or its text; a mail still being tried is not.
func TestDeadMailPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		queue := func(subject string) int64 {
			id, err := e.st.EnqueueMail(ctx, model.Mail{Kind: "reply", SiteID: e.siteA.ID, To: "reader@example.com",
				Subject: subject, Text: "the secret text", HTML: "<p>the secret text</p>"})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		queue("still trying")
		dead := queue("given up")
		claimed, err := e.st.ClaimDueMail(ctx, time.Now().Add(time.Minute), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range claimed {
			if m.ID == dead {
				if err := e.st.MarkMailDead(ctx, m.ID, m.Attempt, "550 mailbox unavailable"); err != nil {
					t.Fatal(err)
				}
			}
		}
		code, body := e.page(e.opTok, "/dashboard/operator/mail")
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		if !strings.Contains(body, "550 mailbox unavailable") || strings.Count(body, "<td>reply</td>") != 1 {
			t.Errorf("the page does not list the dead mail alone: %s", body)
		}
		for _, secret := range []string{"reader@example.com", "the secret text", "given up"} {
			if strings.Contains(body, secret) {
				t.Errorf("the page shows %q", secret)
			}
		}
	})
}

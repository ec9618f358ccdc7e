package webhook_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// eachDB runs fn on a migrated SQLite store and a PostgreSQL one.
func eachDB(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			sealer, err := privacy.NewSealer([]byte("webhook-test-secret-webhook-test-secret"))
			if err != nil {
				t.Fatal(err)
			}
			var st *store.Store
			if dialect == "postgres" {
				st, err = store.OpenPostgres(ctx, pgtest.URL(t), sealer)
			} else {
				st, err = store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "parley.db"), sealer)
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, st)
		})
	}
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// siteWithHook creates a site and a webhook of it to url choosing every
// event, with secret.
func siteWithHook(t *testing.T, st *store.Store, url, secret string) (*model.Site, *store.Webhook) {
	t.Helper()
	ctx := context.Background()
	site := &model.Site{Host: "hooks.example", Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	w := &store.Webhook{SiteID: site.ID, URL: url, Events: store.WebhookEvents}
	if err := st.CreateWebhook(ctx, w, secret); err != nil {
		t.Fatal(err)
	}
	return site, w
}

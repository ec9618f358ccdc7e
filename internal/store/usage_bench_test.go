package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// BenchmarkCreateCommentOnPlan is BenchmarkCreateComment on a site whose
// owner is held to a plan: the cost of counting the comment against the
// owner's month (one read of the plan, one upsert of the counter row).
func BenchmarkCreateCommentOnPlan(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var db *testDB
			if name == "sqlite" {
				db = openSQLite(b)
			} else {
				db = openPostgres(b)
			}
			owner := &model.User{Name: "Olive", Email: "olive@example.com", Role: model.RoleCommenter}
			plan := store.Plan{Name: "big", MaxSites: 10, MaxViews: 1 << 40, MaxComments: 1 << 40, MaxUploadBytes: store.Unlimited}
			site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
			for _, err := range []func() error{
				func() error { return db.CreateUser(ctx, owner) },
				func() error { return db.CreatePlan(ctx, &plan) },
				func() error { return db.SetUserPlan(ctx, owner.ID, plan.ID) },
				func() error { site.OwnerID = owner.ID; return db.CreateSite(ctx, site) },
			} {
				if err := err(); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: "ann@example.com", IP: "192.0.2.1", UserAgent: "UA",
					Text: "text", HTML: "<p>text</p>", Status: model.StatusApproved}
				if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

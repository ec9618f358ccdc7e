package store

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// TestUsageShardMigrationKeepsCounts: migration 0038 turns an owner's
// month into shards without losing what was counted, and the month's use
// is then the sum of its shards, including comments counted in a shard
// other than 0 (as a PostgreSQL connection writes them). On both
// databases.
func TestUsageShardMigrationKeepsCounts(t *testing.T) {
	eachInternalDB(t, testUsageShardMigration)
}

func testUsageShardMigration(t *testing.T, s *Store) {
	ctx := context.Background()
	if _, err := s.migrateTo(ctx, 37); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO users (id, name, created_at) VALUES (7, 'Owner', 0)",
		"INSERT INTO usage_monthly (user_id, month, comments, views) VALUES (7, 202611, 40, 900), (7, 202610, 3, 5)",
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, s.q("INSERT INTO usage_monthly (user_id, month, shard, comments) VALUES (7, 202611, 5, 2)")); err != nil {
		t.Fatal(err)
	}
	u, err := s.UsageOf(ctx, 7, 202611)
	if err != nil {
		t.Fatal(err)
	}
	if u.Comments != 42 || u.Views != 900 {
		t.Errorf("November after the migration and a comment shard: %d comments, %d views; want 42 and 900", u.Comments, u.Views)
	}
	site := &model.Site{Host: "owned.example", OwnerID: 7, Settings: model.DefaultSiteSettings()}
	if err := s.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) })
	for range 2 { // the page's first comment, then one on the page
		c := &model.Comment{SiteID: site.ID, GuestName: "G", Text: "x", HTML: "x", Status: model.StatusApproved}
		if err := s.CreateComment(ctx, c, NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
	}
	if u, _ := s.UsageOf(ctx, 7, 202611); u.Comments != 44 {
		t.Errorf("November after two more comments: %d, want 44", u.Comments)
	}
	plan, err := s.accountPlan(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Usage) != 2 || plan.Usage[1].Month != 202611 || plan.Usage[1].Comments != 44 || plan.Usage[0].Views != 5 {
		t.Errorf("the owner's export shows %+v, want October and November summed over shards", plan.Usage)
	}
}

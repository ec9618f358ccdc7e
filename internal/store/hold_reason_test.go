package store_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestApprovalClearsHoldReason: a held comment that a moderator approves,
// in the queue (ModerateComments) or by SetCommentStatus, no longer says
// why it was held; marking one spam keeps the reason.
func TestApprovalClearsHoldReason(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "a.example")
		held := func(reason string) *model.Comment {
			c := &model.Comment{SiteID: site.ID, GuestName: "Gus", Text: "held", HTML: "<p>held</p>",
				Status: model.StatusPending, HoldReason: reason}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		queued, direct, spam := held("links"), held("checker_failed"), held("held_word")
		if _, err := db.ModerateComments(ctx, store.Moderation{SiteID: site.ID, Action: store.ActionApprove, CommentIDs: []int64{queued.ID}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCommentStatus(ctx, direct.ID, model.StatusApproved); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCommentStatus(ctx, spam.ID, model.StatusSpam); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			c    *model.Comment
			want string
		}{{queued, ""}, {direct, ""}, {spam, "held_word"}} {
			got, err := db.Comment(ctx, tt.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.HoldReason != tt.want {
				t.Errorf("comment %d (%s): hold reason %q, want %q", got.ID, got.Status, got.HoldReason, tt.want)
			}
		}
	})
}

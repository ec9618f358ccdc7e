package notify_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestCommentWithNoOneToTellTakesOneStep: a comment whose site's moderators
// want no mail for it and whose thread has no subscriber is done in one
// step (one write on the database every comment needs), not one per stage.
func TestCommentWithNoOneToTellTakesOneStep(t *testing.T) {
	bothStores(t, func(t *testing.T, st *store.Store) {
		r := newNotifyRig(t, st)
		r.comment(t, &model.Comment{GuestName: "Ann"}) // approved: the owner's default mode mails held ones only
		if steps := r.fanOut(t); steps != 1 {
			t.Errorf("%d steps, want 1", steps)
		}
		if n, err := st.PendingNotifyEvents(context.Background()); err != nil || n != 0 {
			t.Errorf("%d events left (%v), want none", n, err)
		}
	})
}

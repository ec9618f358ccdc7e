package notify_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
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

// TestCommentsWithNoOneToTellShareAStep: a burst of comments no one hears
// of is done in one step (one commit for all of them), while a reply whose
// parent's author subscribed among them still gets its mail.
func TestCommentsWithNoOneToTellShareAStep(t *testing.T) {
	bothStores(t, func(t *testing.T, st *store.Store) {
		r := newNotifyRig(t, st)
		for range notify.EventBatch - 1 {
			r.comment(t, &model.Comment{GuestName: "Ann"})
		}
		if steps := r.fanOut(t); steps != 1 {
			t.Errorf("%d steps for %d comments with no one to tell, want 1", steps, notify.EventBatch-1)
		}
		root := r.comment(t, &model.Comment{GuestName: "Sub", GuestEmail: "sub@example.org", NotifyReplies: true})
		verifiedGuest(t, st, "sub@example.org")
		r.fanOut(t)
		r.srv.Reset()
		for range 5 {
			r.comment(t, &model.Comment{GuestName: "Ann"})
		}
		r.comment(t, &model.Comment{GuestName: "Bob", ParentID: root.ID})
		r.comment(t, &model.Comment{GuestName: "Held", Status: model.StatusPending})
		r.fanOut(t)
		var to []string
		for _, m := range r.srv.Messages() {
			to = append(to, m.To...)
		}
		slices.Sort(to)
		if want := []string{"olga@example.com", "sub@example.org"}; !slices.Equal(to, want) {
			t.Errorf("mails to %v, want %v (the owner of the held comment, the subscriber of the reply)", to, want)
		}
		if n, err := st.PendingNotifyEvents(context.Background()); err != nil || n != 0 {
			t.Errorf("%d events left (%v), want none", n, err)
		}
	})
}

package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// commentNotifications follows a new comment c: the notifier hears of it
// (its event was queued with it), and a guest who opted in to reply mail
// with an address not yet confirmed is mailed the confirmation link (the
// verified-guest link, rate limited per address): no reply mail reaches
// an address before it is confirmed. The comment is stored either way, so
// a failure here is logged, not answered.
func (h *Handler) commentNotifications(r *http.Request, site *model.Site, c *model.Comment) {
	if h.WakeNotify != nil {
		h.WakeNotify()
	}
	if !c.NotifyReplies || c.AuthorID != 0 || c.GuestEmail == "" || c.GuestVerified {
		return
	}
	if err := h.mailPrivacyLink(r.Context(), c.GuestEmail, store.PrivacyVerify, site); err != nil {
		h.Log.WarnContext(r.Context(), "mail reply confirmation", "err", err)
	}
}

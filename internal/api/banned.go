package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// refuseBanned answers 403 banned, and returns true, when a write to site
// may not happen: a ban on the site or on every site names the account
// writing (user, nil for a guest), the email the write comes with (a
// guest's; "" for none), the account's confirmed email, or the request's
// network; or an IP block of the site or of every site holds the request's
// address. It is the one check of every write path (comment, edit, vote).
func (h *Handler) refuseBanned(w http.ResponseWriter, r *http.Request, site *model.Site, user *model.User, email string) bool {
	ip := h.ClientIP(r)
	check := store.BanCheck{SiteID: site.ID, EmailIndexes: [][]byte{h.Sealer.EmailIndex(email)}, IPIndex: h.Sealer.NetworkIndex(ip)}
	if user != nil {
		check.UserID = user.ID
		if user.Verified() {
			check.EmailIndexes = append(check.EmailIndexes, h.Sealer.EmailIndex(user.Email))
		}
	}
	ban, blocked, err := h.Store.Refused(r.Context(), check, ip)
	switch {
	case err != nil:
		h.internal(w, r, "check bans", err)
		return true
	case ban != nil:
		msg := "you are banned from commenting on this site"
		if ban.ExpiresAt != nil {
			msg += " until " + ban.ExpiresAt.UTC().Format("2 January 2006 15:04 UTC")
		}
		writeError(w, http.StatusForbidden, "banned", msg, "")
		return true
	case blocked != 0:
		writeError(w, http.StatusForbidden, "banned", "comments from your network are blocked on this site", "")
		return true
	}
	return false
}

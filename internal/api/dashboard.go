package api

import (
	"context"
	"net/http"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/cdnpurge"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The hooks another surface of the same process (the dashboard,
// internal/admin) uses, so that it shares the API's limits and caches
// instead of keeping its own.

// SignIn checks a password sign-in made through another surface, as POST
// /api/v1/auth/login does: the same per-network (LoginsPerMinute) and
// per-address (AccountLoginsPerMinute) buckets, the same bounded password
// hashing, the same uniform failure. It returns the account, or
// auth.ErrBadCredentials, or a *auth.RateLimitedError.
func (h *Handler) SignIn(r *http.Request, email, password string) (*model.User, error) {
	// The per-network bucket, then the per-address one that the API's
	// sign-ins and account mails share.
	if err := h.allowNetwork(r); err != nil {
		return nil, err
	}
	if ok, wait := h.allowAccount(email); !ok {
		return nil, &auth.RateLimitedError{Wait: wait}
	}
	return h.checkCredentials(r.Context(), email, password)
}

// Changed records a change made elsewhere to the comments of one page of a
// site (its page id, or 0 for every page): this process's thread cache
// drops the page at once, and other servers on the same PostgreSQL hear of
// it through a notification.
func (h *Handler) Changed(ctx context.Context, siteID, pageID int64) {
	h.changedPage(ctx, siteID, pageID, "")
}

// CommentsChanged records a change made elsewhere (the dashboard's
// moderation and edits) to comments of the pages pageIDs of a site: their
// cached threads are dropped, and their open streams, on every server, hear
// an event of kind (internal/live) naming ids. When the comments are on
// several pages, which is on which is not known: each page's event then
// names none, and readers are told to reload.
func (h *Handler) CommentsChanged(ctx context.Context, siteID int64, pageIDs []int64, kind string, ids []int64) {
	for _, p := range pageIDs {
		ev := live.Event{Kind: kind}
		if len(pageIDs) == 1 {
			ev.IDs = ids
		}
		h.announce(ctx, siteID, p, "", ev)
	}
}

// SiteSettingsChanged records a change of a site itself, made elsewhere:
// its settings, origins or owner, or the site added, made live or removed
// (siteID 0: any site, as after an email confirmation). This process
// forgets its cached sites and the site's threads at once, and other
// servers on the same PostgreSQL hear of it through a notification.
func (h *Handler) SiteSettingsChanged(ctx context.Context, siteID int64) {
	ch := store.SiteChange{SiteID: siteID, Settings: true}
	h.SiteChanged(ch)
	h.purgeCDN(cdnpurge.Change{SiteID: siteID})
	if err := h.Store.NotifySiteChanged(ctx, ch); err != nil {
		h.Log.WarnContext(ctx, "notify site changed", "err", err)
	}
}

package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// InvitationLifetime is how long an invitation's link can be accepted.
const InvitationLifetime = 7 * 24 * time.Hour

// MaxPendingInvitations bounds the invitations of one site waiting to be
// accepted, so that a site cannot be used to mail many addresses.
const MaxPendingInvitations = 20

// membersData is what site_members.html shows.
type membersData struct {
	frame
	Site        *model.Site
	Owner       *model.User // nil when the site has no owner account
	Members     []store.SiteMember
	Invitations []store.SiteInvitation
	Email       string // the invitation form as typed
	Fields      map[string]string
	Done        string
}

// membersPage serves GET /dashboard/sites/{site}/members.
func (h *Handler) membersPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	d := membersData{frame: frame{a.Site.Host + " members", u}, Site: a.Site, Fields: map[string]string{}}
	d.Done = map[string]string{"invited": "The invitation is on its way.", "removed": "Done: that person has no role on the site any more.",
		"cancelled": "The invitation is withdrawn."}[r.URL.Query().Get("done")]
	h.showMembers(w, r, d, http.StatusOK)
}

func (h *Handler) showMembers(w http.ResponseWriter, r *http.Request, d membersData, status int) {
	var err error
	if d.Site.OwnerID != 0 {
		if d.Owner, err = h.Store.UserByID(r.Context(), d.Site.OwnerID); err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, d.Account, "load owner", err)
			return
		}
	}
	if d.Members, err = h.Store.SiteMembers(r.Context(), d.Site.ID); err != nil {
		h.fail(w, r, d.Account, "list members", err)
		return
	}
	if d.Invitations, err = h.Store.SiteInvitations(r.Context(), d.Site.ID, h.Now()); err != nil {
		h.fail(w, r, d.Account, "list invitations", err)
		return
	}
	h.render(w, r, status, "site_members", d)
}

func membersURL(siteID int64, done string) string {
	return siteURL(siteID) + "/members?done=" + done
}

// inviteSubmit serves POST /dashboard/sites/{site}/members/invite (email):
// an invitation to moderate the site, mailed through the outbox with a
// single-use link valid InvitationLifetime.
func (h *Handler) inviteSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	d := membersData{frame: frame{a.Site.Host + " members", u}, Site: a.Site, Fields: map[string]string{}}
	if !h.limitForm(w, r) {
		d.Fields["email"] = "The form could not be read; try again."
	} else if d.Email = strings.TrimSpace(r.PostForm.Get("email")); !comment.ValidEmail(d.Email) {
		d.Fields["email"] = "Enter an email address such as mod@example.com."
	} else if pending, err := h.Store.SiteInvitations(r.Context(), a.Site.ID, h.Now()); err != nil {
		h.fail(w, r, u, "list invitations", err)
		return
	} else if len(pending) >= MaxPendingInvitations {
		d.Fields["email"] = "The site has " + strconv.Itoa(MaxPendingInvitations) + " invitations waiting; withdraw one first."
	}
	if len(d.Fields) > 0 {
		h.showMembers(w, r, d, http.StatusBadRequest)
		return
	}
	if err := h.inviteToSite(r, a.Site, u, d.Email); err != nil {
		h.fail(w, r, u, "invite", err)
		return
	}
	http.Redirect(w, r, membersURL(a.Site.ID, "invited"), http.StatusSeeOther)
}

// inviteToSite stores an invitation of email to site by u and queues its mail.
func (h *Handler) inviteToSite(r *http.Request, site *model.Site, u *model.User, email string) error {
	token, hash := auth.NewLinkToken()
	now := h.Now().UTC().Truncate(time.Millisecond)
	link := strings.TrimRight(h.PublicURL, "/") + "/dashboard/join?" + url.Values{"token": {token}}.Encode()
	m, err := notify.SiteInvitationMail(email, site.ID, notify.Sender{Name: site.Host, URL: h.PublicURL},
		notify.InvitationData{Site: site.Host, Link: link, Valid: "7 days"})
	if err != nil {
		return err
	}
	inv := &store.SiteInvitation{SiteID: site.ID, Email: email, Role: model.RoleModerator, InvitedBy: u.ID, CreatedAt: now, ExpiresAt: now.Add(InvitationLifetime)}
	if err := h.Store.CreateSiteInvitation(r.Context(), inv, hash, m); err != nil {
		return err
	}
	h.WakeMail()
	return nil
}

// postedID reads the posted id named name; false after answering a form
// that names none.
func (h *Handler) postedID(w http.ResponseWriter, r *http.Request, u *model.User, name string) (int64, bool) {
	if !h.parseForm(w, r, u) {
		return 0, false
	}
	id, err := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	if err != nil || id <= 0 {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, name + " must be an id."})
		return 0, false
	}
	return id, true
}

// memberAction runs act on the site of the path and the id posted as
// name, for the site's owner or the operator: a site or id that act does
// not find (store.ErrNotFound) answers 404; success goes to back.
func (h *Handler) memberAction(name, during string, act func(ctx context.Context, siteID, id int64) error, back func(siteID int64) string) func(http.ResponseWriter, *http.Request, *model.User) {
	return func(w http.ResponseWriter, r *http.Request, u *model.User) {
		a, ok := h.manage(w, r, u)
		if !ok {
			return
		}
		id, ok := h.postedID(w, r, u, name)
		if !ok {
			return
		}
		err := act(r.Context(), a.Site.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			h.notFound(w, r, u)
			return
		}
		if err != nil {
			h.fail(w, r, u, during, err)
			return
		}
		h.Log.InfoContext(r.Context(), "site members changed", "action", during, "site_id", a.Site.ID, "actor_id", u.ID)
		http.Redirect(w, r, back(a.Site.ID), http.StatusSeeOther)
	}
}

// removeMember serves POST /dashboard/sites/{site}/members/remove (user):
// the member loses their role on the site.
func (h *Handler) removeMember() func(http.ResponseWriter, *http.Request, *model.User) {
	return h.memberAction("user", "remove member", func(ctx context.Context, siteID, id int64) error {
		err := h.Store.RemoveSiteMember(ctx, siteID, id)
		if err == nil {
			h.Changed(ctx, siteID, 0) // the member's badge on their comments
		}
		return err
	}, func(siteID int64) string { return membersURL(siteID, "removed") })
}

// cancelInvitation serves POST /dashboard/sites/{site}/members/cancel
// (invitation): the invitation's link stops working.
func (h *Handler) cancelInvitation() func(http.ResponseWriter, *http.Request, *model.User) {
	return h.memberAction("invitation", "cancel invitation", h.Store.DeleteSiteInvitation,
		func(siteID int64) string { return membersURL(siteID, "cancelled") })
}

// transferSite serves POST /dashboard/sites/{site}/members/transfer
// (user, a member of the site): that member becomes the site's owner and
// the previous owner one of its moderators (store.TransferSite). It goes
// to the site's page: the previous owner may manage it no more.
func (h *Handler) transferSite() func(http.ResponseWriter, *http.Request, *model.User) {
	return h.memberAction("user", "transfer site", func(ctx context.Context, siteID, id int64) error {
		err := h.Store.TransferSite(ctx, siteID, id)
		if err == nil {
			h.SiteChanged(ctx, siteID)
		}
		return err
	}, siteURL)
}

package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// joinData is what join.html shows.
type joinData struct {
	frame
	Token string
	Site  string // the site's domain
	Email string // the invited address
	Other bool   // signed in with another address
	// SignIn is the sign-in page that comes back to this link.
	SignIn string
}

// siteInvitation finds the invitation of the request's token (query or form)
// that can still be accepted; on failure it has answered with why not.
func (h *Handler) siteInvitation(w http.ResponseWriter, r *http.Request, u *model.User, token string) (*store.SiteInvitation, *model.Site, bool) {
	hash, ok := auth.LinkTokenHash(token)
	err := store.ErrNotFound
	var inv *store.SiteInvitation
	if ok {
		inv, err = h.Store.SiteInvitationByToken(r.Context(), hash, h.Now())
	}
	var site *model.Site
	if err == nil {
		site, err = h.Store.SiteByID(r.Context(), inv.SiteID)
	}
	switch {
	case errors.Is(err, store.ErrTokenUsed), errors.Is(err, store.ErrTokenExpired):
		h.render(w, r, http.StatusGone, "message", messageData{frame{"This invitation cannot be used", u},
			"It was accepted already or it has expired (an invitation works for 7 days). Ask the site's owner for a new one."})
	case errors.Is(err, store.ErrNotFound):
		h.render(w, r, http.StatusNotFound, "message", messageData{frame{"This invitation is not valid", u},
			"The link may be incomplete (copy the whole link from the mail), or the invitation was withdrawn."})
	case err != nil:
		h.fail(w, r, u, "load invitation", err)
	default:
		return inv, site, true
	}
	return nil, nil, false
}

// joinPage serves GET /dashboard/join?token=: what the invitation is, and
// the button that accepts it for the account signed in with the invited
// address; anyone else is told to sign in (or sign up) with it first.
func (h *Handler) joinPage(w http.ResponseWriter, r *http.Request) {
	u, err := h.account(r)
	if err != nil {
		h.fail(w, r, nil, "authenticate", err)
		return
	}
	token := r.URL.Query().Get("token")
	inv, site, ok := h.siteInvitation(w, r, u, token)
	if !ok {
		return
	}
	d := joinData{frame: frame{"Moderate " + site.Host, u}, Token: token, Site: site.Host, Email: inv.Email,
		SignIn: "/dashboard/signin?" + url.Values{"next": {"/dashboard/join?" + url.Values{"token": {token}}.Encode()}}.Encode()}
	d.Other = u != nil && !privacy.SameEmail(u.Email, inv.Email)
	h.render(w, r, http.StatusOK, "join", d)
}

// joinSubmit serves POST /dashboard/join (token): the signed-in account,
// if its email is the invited address, gets the invitation's role on the
// site; it goes to the site's page.
func (h *Handler) joinSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	if !h.parseForm(w, r, u) {
		return
	}
	inv, _, ok := h.siteInvitation(w, r, u, r.PostForm.Get("token"))
	if !ok {
		return
	}
	hash, _ := auth.LinkTokenHash(r.PostForm.Get("token"))
	_, err := h.Store.AcceptSiteInvitation(r.Context(), hash, u, h.Now())
	switch {
	case errors.Is(err, store.ErrWrongAccount):
		h.render(w, r, http.StatusForbidden, "message", messageData{frame{"This invitation is for another address", u},
			"Sign out, then sign in (or sign up) with the address the invitation was sent to."})
	case errors.Is(err, store.ErrTokenUsed):
		h.render(w, r, http.StatusGone, "message", messageData{frame{"This invitation cannot be used", u}, "It was accepted already."})
	case err != nil:
		h.fail(w, r, u, "accept invitation", err)
	default:
		h.Changed(r.Context(), inv.SiteID, 0) // the moderator badge on the account's comments
		http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d", inv.SiteID), http.StatusSeeOther)
	}
}

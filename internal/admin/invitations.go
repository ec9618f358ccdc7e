package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// invitationsData is what invitations.html shows.
type invitationsData struct {
	frame
	form
	Email     string // as typed
	Pending   []store.Invitation
	InviteOff bool // PARLEY_SIGNUP is not invite: invitations are not needed
	Notice    string
}

func (h *Handler) newInvitationsData(r *http.Request, u *model.User) (invitationsData, error) {
	pending, err := h.Store.PendingInvitations(r.Context(), h.Now())
	return invitationsData{frame: frame{"Invitations", u}, form: form{Fields: map[string]string{}}, Pending: pending,
		InviteOff: h.Signup != config.SignupInvite}, err
}

// invitationsPage serves GET /dashboard/invitations: the form to invite an
// address and the invitations not used yet.
func (h *Handler) invitationsPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, err := h.newInvitationsData(r, u)
	if err != nil {
		h.fail(w, r, u, "list invitations", err)
		return
	}
	if r.URL.Query().Get("done") == "sent" {
		d.Notice = "The invitation is sent."
	} else if r.URL.Query().Get("done") == "revoked" {
		d.Notice = "The invitation is revoked: its link no longer works."
	}
	h.render(w, r, http.StatusOK, "invitations", d)
}

// invite serves POST /dashboard/invitations (email): an invitation mailed
// to the address (auth.Invite), valid auth.InvitationLifetime.
func (h *Handler) invite(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, err := h.newInvitationsData(r, u)
	if err != nil {
		h.fail(w, r, u, "list invitations", err)
		return
	}
	if !parseForm(w, r, &d.form) {
		h.render(w, r, http.StatusBadRequest, "invitations", d)
		return
	}
	d.Email = strings.TrimSpace(r.PostForm.Get("email"))
	if !comment.ValidEmail(d.Email) {
		d.Fields["email"] = "This is not a valid email address."
		h.render(w, r, http.StatusBadRequest, "invitations", d)
		return
	}
	if _, err := auth.Invite(r.Context(), h.Store, d.Email, u.ID, h.PublicURL, h.Now()); err != nil {
		h.fail(w, r, u, "invite", err)
		return
	}
	if h.WakeMail != nil {
		h.WakeMail()
	}
	http.Redirect(w, r, "/dashboard/invitations?done=sent", http.StatusSeeOther)
}

// revokeInvitation serves POST /dashboard/invitations/{id}/revoke.
func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request, u *model.User) {
	var f form
	if !parseForm(w, r, &f) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Invitations", u}, f.Error})
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return
	}
	switch err := h.Store.RevokeInvitation(r.Context(), id); {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r, u)
		return
	case err != nil:
		h.fail(w, r, u, "revoke invitation", err)
		return
	}
	http.Redirect(w, r, "/dashboard/invitations?done=revoked", http.StatusSeeOther)
}

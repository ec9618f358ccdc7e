package admin

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// deleteData is what account_delete.html shows.
type deleteData struct {
	frame
	form
	Sites    []*model.Site // what goes with the account
	Email    string        // as typed
	Comments string        // store.EraseDelete or store.EraseAnonymize
}

// newDeleteData lists the sites u owns.
func (h *Handler) newDeleteData(r *http.Request, u *model.User) (deleteData, error) {
	sites, err := h.Store.SitesOwnedBy(r.Context(), u.ID)
	return deleteData{frame: frame{"Delete your account", u}, form: form{Fields: map[string]string{}},
		Sites: sites, Comments: string(store.EraseAnonymize)}, err
}

// deletePage serves GET /dashboard/account/delete: what deleting takes
// along, and the form that confirms it.
func (h *Handler) deletePage(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, err := h.newDeleteData(r, u)
	if err != nil {
		h.fail(w, r, u, "list sites", err)
		return
	}
	h.render(w, r, http.StatusOK, "account_delete", d)
}

// deleteSubmit serves POST /dashboard/account/delete (email, password,
// comments): with the account's address typed and its password, every
// site it owns is deleted with everything under it, then the account with
// its sessions (store.DeleteAccount); its comments on other sites are
// deleted or anonymised as comments says.
func (h *Handler) deleteSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, err := h.newDeleteData(r, u)
	if err != nil {
		h.fail(w, r, u, "list sites", err)
		return
	}
	if !parseForm(w, r, &d.form) {
		h.render(w, r, http.StatusBadRequest, "account_delete", d)
		return
	}
	d.Email, d.Comments = strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("comments")
	mode := store.EraseMode(d.Comments)
	switch {
	case !strings.EqualFold(d.Email, u.Email):
		err = &comment.FieldError{Field: "email", Message: "Type your account's email address, " + u.Email + ", to confirm."}
	case !mode.Valid():
		err = &comment.FieldError{Field: "comments", Message: "Choose what happens to your comments."}
	default:
		err = h.Accounts.CheckPassword(r, u, r.PostForm.Get("password"), "password")
	}
	if status := refused(w, &d.form, err); status != 0 {
		h.render(w, r, status, "account_delete", d)
		return
	}
	if err == nil {
		_, err = h.Store.DeleteAccount(r.Context(), u.ID, mode)
	}
	if err != nil {
		h.fail(w, r, u, "delete account", err)
		return
	}
	h.Log.InfoContext(r.Context(), "account deleted", "user_id", u.ID, "sites", len(d.Sites))
	h.Accounts.SitesRemoved(r.Context()) // its sites, and its comments on any site
	h.dropCookie(w)
	http.Redirect(w, r, "/dashboard/signin?notice=deleted", http.StatusSeeOther)
}

package admin

import (
	"errors"
	"net/http"
	"slices"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// notifyRoutes are the pages of notification mails' links, which need no
// session (the link's token is the credential), and a moderator's choice of
// which comments mail them.
func (h *Handler) notifyRoutes() []route {
	return []route{
		{"GET /dashboard/mail/moderate", http.HandlerFunc(h.moderateLinkPage)},
		{"POST /dashboard/mail/moderate", http.HandlerFunc(h.moderateLinkSubmit)},
		{"GET /dashboard/mail/unsubscribe", http.HandlerFunc(h.unsubscribePage)},
		{"POST /dashboard/mail/unsubscribe", http.HandlerFunc(h.unsubscribeSubmit)},
		{"GET /dashboard/notifications", h.signedIn(h.notificationsPage)},
		{"POST /dashboard/notifications", h.signedIn(h.notificationsSubmit)},
	}
}

// mailLinkData is the confirmation page of a mail link.
type mailLinkData struct {
	frame
	Token, Action string
}

// linkGone answers a mail link that cannot act: 410 once used, else 404.
func (h *Handler) linkGone(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrLinkUsed) {
		h.render(w, r, http.StatusGone, "message", messageData{frame{"Link already used", nil}, "This link has been used already: each works once. Open the moderation queue to do more."})
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, r, http.StatusNotFound, "message", messageData{frame{"Link not valid", nil}, "This link is not valid or has expired."})
		return
	}
	h.fail(w, r, nil, "mail link", err)
}

// moderateLinkPage asks to confirm a moderator's mail link: opening a link
// (as a mail scanner does) never acts.
func (h *Handler) moderateLinkPage(w http.ResponseWriter, r *http.Request) {
	token, action := r.URL.Query().Get("token"), r.URL.Query().Get("action")
	l, err := h.Store.MailLinkByToken(r.Context(), privacy.HashToken(token), h.Now())
	switch {
	case err == nil && (l.Purpose != store.LinkModerate || !slices.Contains(store.MailActions, action)):
		err = store.ErrNotFound
	case err == nil && l.UsedAt != nil:
		err = store.ErrLinkUsed
	}
	if err != nil {
		h.linkGone(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "mail-moderate", mailLinkData{frame{"Confirm: " + action, nil}, token, action})
}

// moderateLinkSubmit acts on a moderator's mail link, once.
func (h *Handler) moderateLinkSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, nil) {
		return
	}
	action := r.PostForm.Get("action")
	l, pages, err := h.Store.UseModerateLink(r.Context(), privacy.HashToken(r.PostForm.Get("token")), action, h.Now())
	if err != nil {
		h.linkGone(w, r, err)
		return
	}
	for _, p := range pages {
		h.Changed(r.Context(), l.SiteID, p)
	}
	h.render(w, r, http.StatusOK, "message", messageData{frame{"Done", nil}, "The comment is " + pastTense[action] + "."})
}

// unsubscribePage offers the one-click unsubscribe as a button: opening
// the link does nothing.
func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	l, err := h.Store.MailLinkByToken(r.Context(), privacy.HashToken(token), h.Now())
	if err == nil && l.Purpose != store.LinkUnsubscribe {
		err = store.ErrNotFound
	}
	if err != nil {
		h.linkGone(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "mail-unsubscribe", mailLinkData{frame: frame{"Unsubscribe", nil}, Token: token})
}

// unsubscribeSubmit unsubscribes without a session: the POST of the page's
// button, or a mail client's RFC 8058 one-click POST to the link itself
// (List-Unsubscribe=One-Click in the body, the token in the URL).
func (h *Handler) unsubscribeSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, nil) {
		return
	}
	if _, err := h.Store.Unsubscribe(r.Context(), privacy.HashToken(r.Form.Get("token")), h.Now()); err != nil {
		h.linkGone(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "message", messageData{frame{"Unsubscribed", nil}, "You will get no more of these mails."})
}

// notificationsData is the page of a moderator's notification choices.
type notificationsData struct {
	frame
	Sites []siteNotify
	Saved bool
}

type siteNotify struct {
	Site *model.Site
	Mode string
}

// notifyModes are the choices, as the form offers them.
var notifyModes = []string{store.ModeratorAll, store.ModeratorHeld, store.ModeratorNone}

func (h *Handler) notificationsPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	sites, err := h.Store.SitesOfUser(r.Context(), u.ID)
	var modes map[int64]string
	if err == nil {
		modes, err = h.Store.ModeratorNotifyModes(r.Context(), u.ID)
	}
	if err != nil {
		h.fail(w, r, u, "notification choices", err)
		return
	}
	d := notificationsData{frame: frame{"Notifications", u}, Saved: r.URL.Query().Has("saved")}
	for _, s := range sites {
		mode := modes[s.Site.ID]
		if mode == "" {
			mode = store.ModeratorHeld
		}
		d.Sites = append(d.Sites, siteNotify{s.Site, mode})
	}
	h.render(w, r, http.StatusOK, "notifications", d)
}

// notificationsSubmit saves the mode of one site of the account's (field
// site, mode); another site gives 404.
func (h *Handler) notificationsSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	if !h.parseForm(w, r, u) {
		return
	}
	mode := r.PostForm.Get("mode")
	if !slices.Contains(notifyModes, mode) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, "Choose all, held or none."})
		return
	}
	sites, err := h.Store.SitesOfUser(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, u, "notification choices", err)
		return
	}
	i := slices.IndexFunc(sites, func(s store.SiteOfUser) bool { return r.PostForm.Get("site") == s.Site.Host })
	if i < 0 {
		h.notFound(w, r, u)
		return
	}
	if err := h.Store.SetModeratorNotify(r.Context(), sites[i].Site.ID, u.ID, mode); err != nil {
		h.fail(w, r, u, "notification choices", err)
		return
	}
	http.Redirect(w, r, "/dashboard/notifications?saved", http.StatusSeeOther)
}

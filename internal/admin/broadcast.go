package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// broadcastsData is what operator-broadcasts.html shows.
type broadcastsData struct {
	frame
	Broadcasts    []store.Broadcast
	Owners        int
	Subject, Body string
	Fields        map[string]string
	Sent          int // recipients of the broadcast just sent, from ?sent=
}

// broadcasts serves GET /dashboard/operator/broadcasts: the broadcasts
// sent, and the form of a new one.
func (h *Handler) broadcasts(w http.ResponseWriter, r *http.Request, u *model.User) {
	sent, _ := strconv.Atoi(r.URL.Query().Get("sent"))
	h.renderBroadcasts(w, r, u, http.StatusOK, broadcastsData{Sent: sent})
}

func (h *Handler) renderBroadcasts(w http.ResponseWriter, r *http.Request, u *model.User, status int, d broadcastsData) {
	list, err := h.Store.Broadcasts(r.Context())
	var owners []*model.User
	if err == nil {
		owners, err = h.Store.Owners(r.Context())
	}
	if err != nil {
		h.fail(w, r, u, "list broadcasts", err)
		return
	}
	d.frame, d.Broadcasts, d.Owners = frame{"Broadcasts", u}, list, len(owners)
	h.render(w, r, status, "operator-broadcasts", d)
}

// sendBroadcast serves POST /dashboard/operator/broadcasts: subject and
// body (plain text) are queued as one mail to each owner, with a record of
// every recipient, in one transaction. Each send is a broadcast of its own.
func (h *Handler) sendBroadcast(w http.ResponseWriter, r *http.Request, u *model.User) {
	if !h.parseFormMax(w, r, u, MaxTextFormBytes) {
		return
	}
	d := broadcastsData{Subject: strings.TrimSpace(r.PostForm.Get("subject")), Body: strings.TrimSpace(r.PostForm.Get("body")), Fields: map[string]string{}}
	if d.Subject == "" || len(d.Subject) > store.MaxBroadcastSubject || strings.ContainsAny(d.Subject, "\r\n") || !utf8.ValidString(d.Subject) {
		d.Fields["subject"] = "Enter a subject of one line, at most " + strconv.Itoa(store.MaxBroadcastSubject) + " bytes."
	}
	if d.Body == "" || len(d.Body) > store.MaxBroadcastBody || !utf8.ValidString(d.Body) {
		d.Fields["body"] = "Enter the message, at most " + strconv.Itoa(store.MaxBroadcastBody) + " bytes."
	}
	if len(d.Fields) > 0 {
		h.renderBroadcasts(w, r, u, http.StatusBadRequest, d)
		return
	}
	owners, err := h.Store.Owners(r.Context())
	if err != nil {
		h.fail(w, r, u, "list owners", err)
		return
	}
	from := notify.InstanceSender(h.PublicURL)
	mails := make([]store.BroadcastMail, 0, len(owners))
	for _, o := range owners {
		m, err := notify.BroadcastMail(o.Email, from, d.Subject, d.Body)
		if err != nil {
			h.fail(w, r, u, "compose broadcast", err)
			return
		}
		mails = append(mails, store.BroadcastMail{UserID: o.ID, Mail: m})
	}
	b := store.Broadcast{Subject: d.Subject, Body: d.Body}
	if err := h.Store.CreateBroadcast(r.Context(), &b, mails); err != nil {
		h.fail(w, r, u, "send broadcast", err)
		return
	}
	h.wakeMail()
	http.Redirect(w, r, "/dashboard/operator/broadcasts?sent="+strconv.Itoa(len(mails)), http.StatusSeeOther)
}

// wakeMail tells the mail worker that mail was queued.
func (h *Handler) wakeMail() {
	if h.WakeMail != nil {
		h.WakeMail()
	}
}

// broadcastData is what operator-broadcast.html shows.
type broadcastData struct {
	frame
	Broadcast  store.Broadcast
	Recipients []store.BroadcastRecipient
}

// broadcast serves GET /dashboard/operator/broadcasts/{broadcast}: what
// was sent and to whom, with each mail's state.
func (h *Handler) broadcast(w http.ResponseWriter, r *http.Request, u *model.User) {
	id, ok := pathID(r, "broadcast")
	if !ok {
		h.notFound(w, r, u)
		return
	}
	b, err := h.Store.BroadcastByID(r.Context(), id)
	var list []store.BroadcastRecipient
	if err == nil {
		list, err = h.Store.BroadcastRecipients(r.Context(), id)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r, u)
	case err != nil:
		h.fail(w, r, u, "load broadcast", err)
	default:
		h.render(w, r, http.StatusOK, "operator-broadcast", broadcastData{frame{"Broadcast", u}, b, list})
	}
}

package admin

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

// contactCSP is the contact page's Content-Security-Policy: the dashboard's,
// plus the proof-of-work solver (/captcha.js) and its challenge request,
// both from Parley's origin only.
const contactCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// contactData is what contact.html shows.
type contactData struct {
	frame
	Name, Email, Message string
	MaxName, MaxMessage  int
	Captcha              string // the solver's URL; "" when the CAPTCHA is off
	Error                string
	Fields               map[string]string
	Sent                 bool
}

// contactPage serves GET /dashboard/contact, the public contact form.
func (h *Handler) contactPage(w http.ResponseWriter, r *http.Request) {
	h.renderContact(w, r, http.StatusOK, contactData{Sent: r.URL.Query().Get("sent") == "1"})
}

func (h *Handler) renderContact(w http.ResponseWriter, r *http.Request, status int, d contactData) {
	u, _ := h.account(r) // the header names whoever is signed in; the form is the same
	d.frame = frame{"Contact", u}
	d.MaxName, d.MaxMessage = store.MaxContactName, store.MaxContactMessage
	if h.Captcha != nil {
		d.Captcha = captcha.ScriptURL()
		w.Header().Set("Content-Security-Policy", contactCSP)
	}
	h.render(w, r, status, "contact", d)
}

// contactSubmit serves POST /dashboard/contact: name, email, message and
// the proof of work (altcha). The fields are checked first, then the
// network's limit (Deps.AllowContact), then the proof of work; the
// message is stored with the email sealed and mailed to every operator in
// one transaction.
func (h *Handler) contactSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxTextFormBytes)
	d := contactData{Fields: map[string]string{}}
	if err := r.ParseForm(); err != nil {
		d.Error = "The form could not be read: is the message longer than " + strconv.Itoa(store.MaxContactMessage) + " characters?"
		h.renderContact(w, r, http.StatusBadRequest, d)
		return
	}
	if d = readContact(r.PostForm); len(d.Fields) > 0 {
		h.renderContact(w, r, http.StatusBadRequest, d)
		return
	}
	if ok, wait := h.allowContact(r); !ok {
		secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
		w.Header().Set("Retry-After", secs)
		d.Error = "Too many messages from your network. Please try again in " + secs + " seconds."
		h.renderContact(w, r, http.StatusTooManyRequests, d)
		return
	}
	if h.Captcha != nil {
		err := captcha.ErrInvalid // no solution at all
		if solution := r.PostForm.Get("altcha"); solution != "" {
			err = h.Captcha.Verify(r.Context(), solution)
		}
		if captcha.Refused(err) {
			d.Fields["altcha"] = "The check that you are a person did not finish. Wait for it, then send the form again."
			h.renderContact(w, r, http.StatusBadRequest, d)
			return
		}
		if err != nil {
			h.fail(w, r, nil, "verify captcha", err)
			return
		}
	}
	h.storeContact(w, r, d)
}

// readContact reads and checks the contact form's fields: what was typed,
// with the errors by field.
func readContact(f url.Values) contactData {
	d := contactData{Fields: map[string]string{}}
	d.Name, d.Email, d.Message = strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("message"))
	if d.Name == "" || utf8.RuneCountInString(d.Name) > store.MaxContactName || strings.ContainsAny(d.Name, "\r\n") {
		d.Fields["name"] = "Enter your name, at most " + strconv.Itoa(store.MaxContactName) + " characters."
	}
	if !comment.ValidEmail(d.Email) {
		d.Fields["email"] = "Enter a valid email address, so that we can answer."
	}
	if d.Message == "" || utf8.RuneCountInString(d.Message) > store.MaxContactMessage || !utf8.ValidString(d.Message) {
		d.Fields["message"] = "Enter your message, at most " + strconv.Itoa(store.MaxContactMessage) + " characters."
	}
	return d
}

// allowContact applies Deps.AllowContact (no limit without it).
func (h *Handler) allowContact(r *http.Request) (bool, time.Duration) {
	if h.AllowContact == nil {
		return true, 0
	}
	return h.AllowContact(r)
}

// storeContact stores the message and queues its mail to each operator.
func (h *Handler) storeContact(w http.ResponseWriter, r *http.Request, d contactData) {
	ops, err := h.Store.Operators(r.Context())
	if err != nil {
		h.fail(w, r, nil, "list operators", err)
		return
	}
	from := notify.InstanceSender(h.PublicURL)
	mails := make([]model.Mail, 0, len(ops))
	for _, op := range ops {
		m, err := notify.ContactMail(op.Email, from, d.Name, d.Email, d.Message, h.PublicURL+"/dashboard/operator/messages")
		if err != nil {
			h.fail(w, r, nil, "compose contact mail", err)
			return
		}
		mails = append(mails, m)
	}
	msg := store.ContactMessage{Name: d.Name, Email: d.Email, Message: d.Message}
	if err := h.Store.CreateContactMessage(r.Context(), &msg, mails); err != nil {
		h.fail(w, r, nil, "store contact message", err)
		return
	}
	h.wakeMail()
	http.Redirect(w, r, "/dashboard/contact?sent=1", http.StatusSeeOther)
}

// messagesData is what operator-messages.html shows.
type messagesData struct {
	frame
	Messages []store.ContactMessage
}

// contactMessages serves GET /dashboard/operator/messages: the contact
// form's messages, unhandled first.
func (h *Handler) contactMessages(w http.ResponseWriter, r *http.Request, u *model.User) {
	list, err := h.Store.ContactMessages(r.Context())
	if err != nil {
		h.fail(w, r, u, "list contact messages", err)
		return
	}
	h.render(w, r, http.StatusOK, "operator-messages", messagesData{frame{"Contact messages", u}, list})
}

// contactHandled serves POST /dashboard/operator/messages/{message}/handled.
func (h *Handler) contactHandled(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.contactAction(w, r, u, func(id int64) error { return h.Store.MarkContactHandled(r.Context(), id, h.Now()) })
}

// contactDelete serves POST /dashboard/operator/messages/{message}/delete:
// the message goes with the sender's email.
func (h *Handler) contactDelete(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.contactAction(w, r, u, func(id int64) error { return h.Store.DeleteContactMessage(r.Context(), id) })
}

func (h *Handler) contactAction(w http.ResponseWriter, r *http.Request, u *model.User, act func(id int64) error) {
	id, ok := pathID(r, "message")
	if !ok {
		h.notFound(w, r, u)
		return
	}
	err := act(id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r, u)
	case err != nil:
		h.fail(w, r, u, "contact message", err)
	default:
		http.Redirect(w, r, "/dashboard/operator/messages", http.StatusSeeOther)
	}
}

package api

import (
	"context"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// Limits of guests' privacy requests (export, erase, verify by mailed link).
// A network may make PrivacyRequestsPerMinute after a burst of
// PrivacyRequestBurst (past it: 429); one email address gets at most
// PrivacyMailsPerHour mails after a burst of PrivacyMailBurst, whoever asks:
// past that a request is answered as any other but sends nothing, so that
// Parley cannot be used to flood a mailbox and the answer tells nothing. A
// link works once, for PrivacyLinkLifetime.
const (
	PrivacyRequestsPerMinute = 5
	PrivacyRequestBurst      = 5
	PrivacyMailsPerHour      = 3
	PrivacyMailBurst         = 3
	PrivacyLinkLifetime      = 24 * time.Hour
)

// privacyDesk holds what guests' privacy requests need besides the store.
type privacyDesk struct {
	networks *limiter // requests per network
	emails   *limiter // mails per address, keyed by its blind index
}

func newPrivacyDesk(now func() time.Time) *privacyDesk {
	return &privacyDesk{
		networks: newLimiter(PrivacyRequestsPerMinute, PrivacyRequestBurst, now),
		emails:   newLimiter(PrivacyMailsPerHour/60.0, PrivacyMailBurst, now),
	}
}

type privacyRequestBody struct {
	Email  string `json:"email"`
	Action string `json:"action"` // store.PrivacyExport, PrivacyErase or PrivacyVerify
	Site   string `json:"site"`   // optional: the site asked from, whose name the mail carries
}

type privacyAccepted struct {
	Message string `json:"message"`
}

// acceptedMessage is the answer to every valid privacy request, whether or
// not the address has written anything or was sent a mail.
const acceptedMessage = "If this address can receive mail, a link to confirm the request is on its way. It works once, for 24 hours."

// requestPrivacy serves POST /api/v1/privacy/request: a guest asks, by
// email, to export or erase what was written with it, or to confirm it.
// Every valid request gets the same 202 answer (no enumeration); the link
// goes by mail to the address.
func (h *Handler) requestPrivacy(w http.ResponseWriter, r *http.Request) {
	if !h.accountOrigin(w, r) {
		return
	}
	var req privacyRequestBody
	if !decode(w, r, &req) {
		return
	}
	var site *model.Site
	if req.Site != "" {
		var ok bool
		if site, ok = h.site(w, r, req.Site); !ok {
			return
		}
	}
	if err := h.mailPrivacyLink(r.Context(), req.Email, req.Action, site); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	writePrivateJSON(w, http.StatusAccepted, privacyAccepted{Message: acceptedMessage})
}

// mailPrivacyLink checks a request and queues the mail with its link, unless
// the address has had its share of mails (see PrivacyMailsPerHour). Invalid
// fields give comment field errors.
func (h *Handler) mailPrivacyLink(ctx context.Context, email, action string, site *model.Site) error {
	email, err := comment.ValidateEmail(email, "email")
	if err != nil {
		return err
	}
	switch action {
	case store.PrivacyExport, store.PrivacyErase, store.PrivacyVerify:
	default:
		return &comment.FieldError{Field: "action", Message: `action must be "export", "erase" or "verify"`}
	}
	if ok, _ := h.privacy.emails.allow(hex.EncodeToString(h.Sealer.EmailIndex(email))); !ok {
		return nil
	}
	token := privacy.NewToken()
	expires := h.Now().Add(PrivacyLinkLifetime)
	from, siteID := notify.Sender{Name: hostOf(h.PublicURL), URL: h.PublicURL}, int64(0)
	if site != nil {
		from, siteID = notify.Sender{Name: site.Host, URL: "https://" + site.Host}, site.ID
	}
	m, err := notify.PrivacyMail(email, siteID, from, action, h.PublicURL+"/privacy/confirm?token="+token, expires)
	if err != nil {
		return err
	}
	if _, err := h.Store.CreatePrivacyRequest(ctx, privacy.HashToken(token), email, action, siteID, expires, m); err != nil {
		return err
	}
	if h.WakeMail != nil {
		h.WakeMail()
	}
	return nil
}

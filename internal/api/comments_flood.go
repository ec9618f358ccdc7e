package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/model"
)

// floodFields are the fields of a new comment that only the flood limits
// read (docs/moderation.md, "Flood and abuse limits").
type floodFields struct {
	// Honeypot is the widget's hidden field, which people never see nor
	// fill: anything in it is a script filling every field.
	Honeypot string `json:"honeypot"`
	// Elapsed is the milliseconds since the widget showed the form; absent
	// from other clients, and then not checked.
	Elapsed *int64 `json:"elapsed"`
	// Altcha is the proof-of-work solution, when the site requires one.
	Altcha string `json:"altcha"`
}

// floodCheck is a comment that passed the flood limits, to settle once the
// comment is stored or refused.
type floodCheck struct {
	site     int64
	identity string
	text     string
	at       time.Time
}

// commentIdentity is who a comment counts as in the flood limits: the
// account, else the guest's email when it is verified (its keyed index,
// never the address), else the client network.
func (h *Handler) commentIdentity(ctx context.Context, user *model.User, email, ip string) (string, error) {
	if user != nil {
		return "account " + strconv.FormatInt(user.ID, 10), nil
	}
	if verified, err := h.Store.GuestVerified(ctx, email); err != nil || verified {
		return "email " + string(h.Sealer.EmailIndex(email)), err
	}
	return "network " + clientip.NetworkKey(ip), nil
}

// checkFlood runs the flood limits on a new comment before it is stored,
// cheapest first: the honeypot and fill time of a guest's form (400
// comment_refused, the same neutral answer for both; an account signed in
// through a sign-up that had its own proof of work), a duplicate (409 duplicate_comment on
// text), the interval (429 with Retry-After), then the proof-of-work of a
// guest where required (400 captcha_required or captcha_invalid on altcha).
// A refusal before the proof-of-work counts towards the site's burst. On refusal it has written the
// answer; on success the caller settles the check with commentStored.
func (h *Handler) checkFlood(w http.ResponseWriter, r *http.Request, site *model.Site, req *createRequest, user *model.User) (*floodCheck, bool) {
	now := h.Now()
	identity, err := h.commentIdentity(r.Context(), user, req.Author.Email, h.ClientIP(r))
	if err != nil {
		h.internal(w, r, "flood identity", err)
		return nil, false
	}
	fc := &floodCheck{site: site.ID, identity: identity, text: textKey(site.ID, req.Path, identity, req.Text), at: now}
	switch {
	case user == nil && (req.Honeypot != "" || (req.Elapsed != nil && *req.Elapsed < h.Flood.MinFillTime.Milliseconds())):
		writeError(w, http.StatusBadRequest, "comment_refused", "this comment was not accepted; wait a few seconds and send it again", "")
	case h.flood.duplicate(fc.text, now, h.Flood.DuplicateWindow):
		writeError(w, http.StatusConflict, "duplicate_comment", "you already posted this text here", "text")
	default:
		ok, wait := h.flood.takeInterval(site.ID, identity, now, h.Flood.Interval)
		if !ok {
			h.m.rateLimited.Inc()
			setRetryAfter(w, wait)
			writeError(w, http.StatusTooManyRequests, "comment_interval", "you are commenting too fast; wait a few seconds", "")
			break
		}
		if difficulty, required := h.powDifficulty(site); user == nil && required && !h.checkCaptchaOf(w, r, req.Altcha, difficulty) {
			h.flood.releaseInterval(site.ID, identity, now)
			return nil, false // not abuse: the widget learns here that a burst raised the proof-of-work
		}
		return fc, true
	}
	h.flood.abuse(site.ID, now)
	return nil, false
}

// commentStored settles fc: a stored comment is remembered against
// duplicates, and counts towards the burst if marked spam; one that was
// not stored frees the interval it took.
func (h *Handler) commentStored(fc *floodCheck, c *model.Comment) {
	if c == nil {
		h.flood.releaseInterval(fc.site, fc.identity, fc.at)
		return
	}
	h.flood.posted(fc.text, fc.at, h.Flood.DuplicateWindow)
	if c.Status == model.StatusSpam {
		h.flood.abuse(fc.site, fc.at)
	}
}

package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/captcha"
)

// Challenges a client network may fetch (GET /api/v1/captcha/challenge):
// enough for a person reloading a form, few enough that a bot cannot stock
// up on challenges to solve in bulk.
const (
	CaptchaChallengesPerMinute = 10
	CaptchaChallengeBurst      = 20
)

// captchaChallenge serves GET /api/v1/captcha/challenge: a new proof-of-work
// challenge for the solver (captcha.js). Each answer is new: never cached.
// With ?site= it is a challenge for a comment on that site, of the
// difficulty the site requires now (powDifficulty), readable by the site's
// origins (the widget loads the solver on the site's page).
func (h *Handler) captchaChallenge(w http.ResponseWriter, r *http.Request) {
	if h.Captcha == nil {
		writeError(w, http.StatusNotFound, "not_found", "the CAPTCHA is turned off (PARLEY_CAPTCHA)", "")
		return
	}
	difficulty := h.Captcha.Difficulty()
	if host := r.URL.Query().Get("site"); host != "" {
		site, ok := h.site(w, r, host)
		if !ok {
			return
		}
		allowCORS(w, r, site)
		difficulty, _ = h.powDifficulty(site)
	}
	ch, err := h.Captcha.ChallengeOf(difficulty)
	if err != nil {
		h.internal(w, r, "issue captcha challenge", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, ch)
}

// checkCaptcha verifies and spends the solution a form sent in its altcha
// field, when the CAPTCHA is on. On refusal it has written the 400 naming
// the field: captcha_required without a solution, captcha_invalid for a
// wrong, expired, reused or oversized one.
func (h *Handler) checkCaptcha(w http.ResponseWriter, r *http.Request, solution string) bool {
	return h.checkCaptchaOf(w, r, solution, 0)
}

// checkCaptchaOf is checkCaptcha for a form that requires a challenge of
// at least the given difficulty (captcha.Service.VerifyAtLeast).
func (h *Handler) checkCaptchaOf(w http.ResponseWriter, r *http.Request, solution string, difficulty int) bool {
	code, err := h.captchaProblem(r, solution, difficulty)
	switch {
	case err != nil:
		h.internal(w, r, "verify captcha", err)
	case code == "captcha_required":
		writeError(w, http.StatusBadRequest, "captcha_required", "solve the verification first (captcha.js fills this field)", "altcha")
	case code != "":
		writeError(w, http.StatusBadRequest, "captcha_invalid", "the verification failed or expired; solve it again", "altcha")
	default:
		return true
	}
	return false
}

// captchaProblem verifies and spends a solution when the CAPTCHA is on: ""
// when it is accepted (or the CAPTCHA is off), else captcha_required or
// captcha_invalid; err is the store's failure only.
func (h *Handler) captchaProblem(r *http.Request, solution string, difficulty int) (string, error) {
	if h.Captcha == nil {
		return "", nil
	}
	if solution == "" {
		return "captcha_required", nil
	}
	err := h.Captcha.VerifyAtLeast(r.Context(), solution, difficulty)
	switch {
	case err == nil:
		return "", nil
	case captcha.Refused(err):
		return "captcha_invalid", nil
	}
	return "", err
}

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/store"
)

type errorBody struct {
	Error wireError `json:"error"`
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// cachePrivate marks a response that carries the caller's own data (an
// edit token, their votes, their draft): no cache, shared or the
// browser's, may keep it or serve it to anyone.
const cachePrivate = "private, no-store"

// writePrivateJSON answers as writeJSON does, marked cachePrivate.
func writePrivateJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", cachePrivate)
	writeJSON(w, status, v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, errorBody{wireError{Code: code, Message: msg, Field: field}})
}

// decode reads a JSON body of at most MaxBodyBytes into v, refusing unknown
// fields and trailing data. On failure it has written the error response.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Reading on past the object is also where a body just over the
		// limit fails, when the object itself fits (trailing newline).
		if _, extra := dec.Token(); extra != io.EOF {
			err = extra
			var tooLarge *http.MaxBytesError
			if extra == nil || !errors.As(extra, &tooLarge) {
				err = errors.New("unexpected data after the JSON object")
			}
		}
	}
	if err == nil {
		return true
	}
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes), "")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		writeError(w, http.StatusBadRequest, "invalid_field", fmt.Sprintf("%s has the wrong type", field), field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		writeError(w, http.StatusBadRequest, "invalid_field", "unknown field "+field, field)
	default:
		writeError(w, http.StatusBadRequest, "invalid_json", "the request body is not valid JSON", "")
	}
	return false
}

// writeServiceError maps the comment service's errors to responses.
func (h *Handler) writeServiceError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *comment.FieldError
	var limit *comment.LimitError
	switch {
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, "invalid_field", fe.Message, fe.Field)
	case errors.As(err, &limit):
		writeError(w, http.StatusForbidden, "limit_reached", limitMessage(limit.Metric), "")
	case errors.Is(err, comment.ErrSiteSuspended):
		writeError(w, http.StatusForbidden, "site_suspended", "This site is not taking new comments at the moment. The comments here stay readable.", "")
	case errors.Is(err, comment.ErrNotFound):
		writeError(w, http.StatusNotFound, "comment_not_found", "no such comment", "")
	case errors.Is(err, comment.ErrEditWindow):
		writeError(w, http.StatusForbidden, "edit_window_closed", "the time to edit or delete this comment has passed", "")
	case errors.Is(err, comment.ErrLoginRequired):
		writeError(w, http.StatusForbidden, "login_required", "this site takes comments from logged-in people only: log in first", "")
	case errors.Is(err, comment.ErrPageLocked):
		writeError(w, http.StatusForbidden, "page_locked", "this page is closed for new comments", "")
	case errors.Is(err, comment.ErrVotingOff):
		writeError(w, http.StatusForbidden, "voting_off", "this site does not take votes", "")
	case errors.Is(err, comment.ErrVoteLimit):
		writeError(w, http.StatusConflict, "vote_limit", "this comment already has as many votes from your network as it accepts", "")
	default:
		h.internal(w, r, "comment service", err)
	}
}

// limitMessage is what the widget shows (it shows the server's message for
// codes it does not know) when the site's plan reached a monthly limit.
func limitMessage(metric string) string {
	what := "comments"
	if metric == store.MetricViews {
		what = "page views"
	}
	return "This site has reached its monthly limit of " + what + ", so it is not taking new comments until next month. " +
		"The comments here stay readable. Thank you for your patience."
}

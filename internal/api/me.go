package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// wireAccount is the signed-in person's own account, for them only: it has
// the email, so it travels only in private answers (never in a thread).
type wireAccount struct {
	ID         int64     `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Website    string    `json:"website"`
	AvatarURL  string    `json:"avatarUrl"`
	ProfileURL string    `json:"profileUrl"`
	Verified   bool      `json:"verified"`
	Operator   bool      `json:"operator"`
	CreatedAt  time.Time `json:"createdAt"`
}

func account(u *model.User) wireAccount {
	return wireAccount{
		ID: u.ID, Email: u.Email, Name: u.Name, Website: u.Website, AvatarURL: u.AvatarURL, ProfileURL: u.ProfileURL,
		Verified: u.Verified(), Operator: u.Role == model.RoleOperator, CreatedAt: u.CreatedAt,
	}
}

type meResponse struct {
	User wireAccount `json:"user"`
	// NotifyReplies: reply and approval mail on every comment of the
	// account (docs/notifications.md).
	NotifyReplies bool `json:"notifyReplies"`
}

// meAnswer writes u with its notification choice.
func (h *Handler) meAnswer(w http.ResponseWriter, r *http.Request, u *model.User) {
	on, err := h.Store.NotifyReplies(r.Context(), u.ID)
	if err != nil {
		h.internal(w, r, "read notification choice", err)
		return
	}
	writePrivateJSON(w, http.StatusOK, meResponse{User: account(u), NotifyReplies: on})
}

// me serves GET /api/v1/me: the signed-in account.
func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	_, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	h.meAnswer(w, r, u)
}

// profileRequest changes the public profile; an absent field stays as it
// is. The email and the login identity are not here: they cannot change
// through this route.
type profileRequest struct {
	Name    *string `json:"name"`
	Website *string `json:"website"`
	// NotifyReplies opts the account in to (or out of) reply mail on all
	// its comments.
	NotifyReplies *bool `json:"notifyReplies"`
}

// updateMe serves PATCH /api/v1/me: a new display name or website, checked
// as a guest's are.
func (h *Handler) updateMe(w http.ResponseWriter, r *http.Request) {
	_, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	var req profileRequest
	if !decode(w, r, &req) {
		return
	}
	name, website := u.Name, u.Website
	if req.Name != nil {
		name = *req.Name
	}
	if req.Website != nil {
		website = *req.Website
	}
	var err error
	if u.Name, u.Website, err = comment.ValidateProfile(name, website); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	if err := h.Store.UpdateProfile(r.Context(), u); errors.Is(err, store.ErrNotFound) {
		writeNotSignedIn(w) // the account was deleted since the token was checked
		return
	} else if err != nil {
		h.internal(w, r, "update profile", err)
		return
	}
	if req.NotifyReplies != nil {
		if err := h.Store.SetNotifyReplies(r.Context(), u.ID, *req.NotifyReplies); err != nil {
			h.internal(w, r, "set notification choice", err)
			return
		}
	}
	h.changed(r, 0, 0, "") // the profile shows on the account's comments on every site
	h.meAnswer(w, r, u)
}

type wireSession struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Remember   bool      `json:"remember"`
	Current    bool      `json:"current"`
	CreatedAt  time.Time `json:"createdAt"`
	LastUsedAt time.Time `json:"lastUsedAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

type sessionsResponse struct {
	Sessions []wireSession `json:"sessions"`
}

// mySessions serves GET /api/v1/me/sessions: the account's live sessions,
// most recently used first, the caller's own marked current. No token.
func (h *Handler) mySessions(w http.ResponseWriter, r *http.Request) {
	sess, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	list, err := h.sessions.List(r.Context(), u.ID)
	if err != nil {
		h.internal(w, r, "list sessions", err)
		return
	}
	out := sessionsResponse{Sessions: make([]wireSession, 0, len(list))}
	for _, s := range list {
		out.Sessions = append(out.Sessions, wireSession{ID: s.ID, Kind: string(s.Kind), Remember: s.Remember, Current: s.ID == sess.ID,
			CreatedAt: s.CreatedAt, LastUsedAt: s.LastUsedAt, ExpiresAt: s.ExpiresAt})
	}
	writePrivateJSON(w, http.StatusOK, out)
}

// wireMe is the signed-in reader as a thread answer shows them to
// themselves: their public profile and badges on the site, no email.
type wireMe struct {
	ID int64 `json:"id"`
	wireAuthor
}

// threadMe returns the reader that the request's Bearer token signs in, as
// site shows them, or nil when it signs in no one (the thread still loads:
// the widget learns that its session ended).
func (h *Handler) threadMe(r *http.Request, site *model.Site) (*wireMe, error) {
	u, err := h.sessions.Authenticate(r.Context(), bearerToken(r))
	if errors.Is(err, auth.ErrNoSession) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	authors, err := h.Store.Authors(r.Context(), site.ID, []int64{u.ID})
	if err != nil || authors[u.ID] == nil {
		return nil, err
	}
	return &wireMe{ID: u.ID, wireAuthor: *accountAuthor(authors[u.ID])}, nil
}

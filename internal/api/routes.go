package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/captcha"
)

// Register mounts the API routes on outer, behind the database deadline,
// and the pages of the links in account mails (/auth/…).
func (h *Handler) Register(outer *http.ServeMux) {
	mux := http.NewServeMux()
	outer.Handle("/api/", h.withDBDeadline(mux))
	outer.Handle("GET /avatars/{name}", h.withDBDeadline(http.HandlerFunc(h.avatarImage)))
	outer.HandleFunc("GET /avatars/identicon/{name}", h.identicon)
	outer.Handle("GET /uploads/{name}", h.withDBDeadline(http.HandlerFunc(h.uploadImage)))
	outer.HandleFunc("POST /api/v1/uploads", h.limited(h.uploads, h.createUpload)) // its own deadlines (uploads.go)
	outer.HandleFunc("GET "+captcha.ScriptPath, captcha.ServeScript)
	outer.HandleFunc("GET /api/v1/stream", h.stream) // its own deadline: a stream outlives the database's (stream.go)
	mux.HandleFunc("GET /api/v1/thread", h.thread)
	mux.HandleFunc("GET /api/v1/thread/replies", h.replies)
	mux.HandleFunc("GET /api/v1/counts", h.counts)
	mux.HandleFunc("GET /api/v1/messages", h.messages)
	mux.HandleFunc("GET /api/v1/feed", h.feed)
	mux.HandleFunc("POST /api/v1/comments", h.limited(h.writes, h.createComment))
	mux.HandleFunc("GET /api/v1/comments/{id}", h.getOwnComment)
	mux.HandleFunc("PATCH /api/v1/comments/{id}", h.limited(h.writes, h.editComment))
	mux.HandleFunc("DELETE /api/v1/comments/{id}", h.limited(h.writes, h.deleteComment))
	mux.HandleFunc("POST /api/v1/comments/{id}/vote", h.limited(h.writes, h.vote))
	mux.HandleFunc("POST /api/v1/preview", h.limited(h.previews, h.preview))
	mux.HandleFunc("GET /api/v1/auth/{provider}/start", h.limited(h.writes, h.loginStart))
	mux.HandleFunc("GET /api/v1/auth/local/start", h.localStart)
	mux.HandleFunc("GET /api/v1/auth/{provider}/callback", h.limited(h.writes, h.loginCallback))
	mux.HandleFunc("POST /api/v1/auth/login", h.limited(h.logins, h.login))
	mux.HandleFunc("POST /api/v1/auth/sso", h.limited(h.logins, h.sso))
	mux.HandleFunc("POST /api/v1/auth/logout", h.limited(h.writes, h.logout))
	mux.HandleFunc("POST /api/v1/auth/logout-all", h.limited(h.writes, h.logoutAll))
	mux.HandleFunc("POST /api/v1/auth/signup", h.limited(h.logins, h.signup))
	mux.HandleFunc("GET /api/v1/captcha/challenge", h.limited(h.captchas, h.captchaChallenge))
	mux.HandleFunc("POST /api/v1/auth/reset", h.limited(h.logins, h.requestReset))
	mux.HandleFunc("GET /api/v1/me", h.me)
	mux.HandleFunc("PATCH /api/v1/me", h.limited(h.writes, h.updateMe))
	mux.HandleFunc("GET /api/v1/me/sessions", h.mySessions)
	mux.HandleFunc("POST /api/v1/me/email", h.limited(h.logins, h.changeEmail))
	mux.HandleFunc("POST /api/v1/me/verify", h.limited(h.writes, h.resendVerification))
	mux.HandleFunc("GET /api/v1/me/export", h.exportMe)
	mux.HandleFunc("DELETE /api/v1/me", h.limited(h.logins, h.eraseMe))
	mux.HandleFunc("POST /api/v1/privacy/request", h.limited(h.privacy.networks, h.requestPrivacy))
	mux.HandleFunc("OPTIONS /api/v1/", h.preflight)
	mux.HandleFunc("/api/", h.notFound)

	h.registerPages(outer) // the pages of mailed links (/auth/verify, /auth/reset, /auth/email), the sign-in popup (/auth/local) and /account

	// The privacy pages, on the Parley origin (privacy_pages.go).
	pages := http.NewServeMux()
	pages.HandleFunc("GET /privacy", h.privacyForm)
	pages.HandleFunc("POST /privacy", h.privacyFormPost)
	pages.HandleFunc("GET /privacy/confirm", h.privacyConfirm)
	pages.HandleFunc("POST /privacy/confirm", h.privacyConfirmPost)
	outer.Handle("/privacy", h.withDBDeadline(pages))
	outer.Handle("/privacy/", h.withDBDeadline(pages))
}

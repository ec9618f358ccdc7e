package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// FreshSessionAge is how recently an account without a password must have
// signed in to delete itself: deleting is for the person, not for whoever
// finds their browser open.
const FreshSessionAge = 10 * time.Minute

// ExportFormat names the document of GET /api/v1/me/export and of a guest's
// export link (docs/privacy.md); ExportVersion changes when a field's
// meaning does.
const (
	ExportFormat  = "parley-personal-data"
	ExportVersion = 1
)

// exportDocument is everything Parley holds about one person, for them
// only. Its fields are documented in docs/privacy.md.
type exportDocument struct {
	Format          string           `json:"format"`
	Version         int              `json:"version"`
	ExportedAt      time.Time        `json:"exportedAt"`
	Instance        string           `json:"instance"`
	Account         *exportAccount   `json:"account"`  // null for a guest
	Sessions        []wireSession    `json:"sessions"` // the one that asked for the export is current
	SiteRoles       []exportSiteRole `json:"siteRoles"`
	Comments        []exportComment  `json:"comments"`
	VerifiedGuestAt *time.Time       `json:"verifiedGuestAt"`
	QueuedMail      []exportMail     `json:"queuedMail"`
	PrivacyRequests []exportRequest  `json:"privacyRequests"`
	Logins          []exportLogin    `json:"logins"`       // providers the account signs in with
	SiteLogins      []exportSSO      `json:"siteLogins"`   // sites whose SSO signs the account in
	AccountLinks    []exportLink     `json:"accountLinks"` // confirm, reset and email-change links mailed
	// ModerationActions are what the account did on the dashboard.
	ModerationActions []exportModeration `json:"moderationActions"`
	// Plan is the account's plan, suspension and usage (null for a guest);
	// ContactMessages are the contact form's messages sent with the email.
	Plan            *exportPlan     `json:"plan"`
	ContactMessages []exportContact `json:"contactMessages"`
	// Invitations are pending invitations to sign up mailed to the address;
	// InvitationsSent the ones the account (an operator) sent.
	Invitations     []exportInvitation `json:"invitations"`
	InvitationsSent []exportInvitation `json:"invitationsSent"`
	// Bans are the account's bans that have not expired.
	Bans []exportBan `json:"bans"`
	// SiteInvitations are the invitations to moderate a site mailed to
	// the account's address.
	SiteInvitations []exportSiteInvitation `json:"siteInvitations"`
	// Uploads are the images the account uploaded into comments; each
	// can be downloaded at its url until it is deleted.
	Uploads []exportUpload `json:"uploads"`
}

type exportUpload struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	SiteID      int64     `json:"siteId"`
	CommentID   *int64    `json:"commentId"` // null: no comment showed it yet
	ContentType string    `json:"contentType"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"createdAt"`
}

type exportSiteInvitation struct {
	Site      string     `json:"site"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt time.Time  `json:"expiresAt"`
	UsedAt    *time.Time `json:"usedAt"`
}

type exportInvitation struct {
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type exportBan struct {
	Site      string     `json:"site,omitempty"` // none: every site
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt"` // null: forever
}

type exportModeration struct {
	ID        int64     `json:"id"`
	Site      string    `json:"site"`
	Action    string    `json:"action"`
	CommentID int64     `json:"commentId,omitempty"`
	PageID    int64     `json:"pageId,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportLogin struct {
	Provider    string    `json:"provider"`
	CreatedAt   time.Time `json:"createdAt"`
	LastLoginAt time.Time `json:"lastLoginAt"`
}

type exportSSO struct {
	Site         string    `json:"site"`
	ExternalID   string    `json:"externalId"`   // the site's id for the person
	AvatarSource string    `json:"avatarSource"` // the picture URL the site sent last
	CreatedAt    time.Time `json:"createdAt"`
}

type exportLink struct {
	Purpose   string     `json:"purpose"`
	NewEmail  string     `json:"newEmail,omitempty"` // an email change: the address asked for
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt time.Time  `json:"expiresAt"`
	UsedAt    *time.Time `json:"usedAt"`
}

type exportAccount struct {
	wireAccount
	Role            string     `json:"role"`
	HasPassword     bool       `json:"hasPassword"` // the hash itself is never exported
	EmailVerifiedAt *time.Time `json:"emailVerifiedAt"`
	SignedUp        bool       `json:"signedUp"` // made by sign-up (not by the operator or a provider)
	SignupIP        string     `json:"signupIp"` // where the sign-up came from; "" once purged (PARLEY_SIGNUP_IP_RETENTION)

	NotifyReplies bool `json:"notifyReplies"` // reply mail on every comment of the account
}

type exportSiteRole struct {
	Site  string     `json:"site"`
	Role  string     `json:"role"`
	Since *time.Time `json:"since"` // null for the site's owner of record
}

type exportComment struct {
	ID        int64      `json:"id"`
	Site      string     `json:"site"`
	Path      string     `json:"path"`
	PageURL   string     `json:"pageUrl"`
	ParentID  *int64     `json:"parentId"`
	AccountID *int64     `json:"accountId"` // null: written as a guest
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Website   string     `json:"website"`
	Verified  bool       `json:"verified"` // written as a verified guest
	Text      string     `json:"text"`
	HTML      string     `json:"html"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"createdAt"`
	EditedAt  *time.Time `json:"editedAt"`
	DeletedAt *time.Time `json:"deletedAt"`
	Score     int        `json:"score"`
	Upvotes   int        `json:"upvotes"`
	Downvotes int        `json:"downvotes"`
	Sticky    bool       `json:"sticky"`
	IP        string     `json:"ip"`        // "" once purged (PARLEY_IP_RETENTION)
	UserAgent string     `json:"userAgent"` // as the browser sent it
	// HoldReason says why a pending comment waits other than for a
	// moderator ("email_unverified"); absent otherwise.
	HoldReason string `json:"holdReason,omitempty"`
	// SpamVerdict is what the site's spam checker (Akismet) believes of
	// the comment, "ham" or "spam"; absent when none was asked.
	SpamVerdict string `json:"spamVerdict,omitempty"`

	// NotifyReplies: reply and approval mail was asked for with it.
	NotifyReplies bool `json:"notifyReplies"`
}

type exportMail struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportRequest struct {
	Action    string    `json:"action"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// newExportDocument converts what the store holds about a person; current
// is the id of the session that asks (0 for a guest).
func (h *Handler) newExportDocument(d *store.PersonalData, current int64) exportDocument {
	doc := exportDocument{
		Format: ExportFormat, Version: ExportVersion, ExportedAt: h.Now().UTC(), Instance: h.PublicURL,
		Sessions: []wireSession{}, SiteRoles: []exportSiteRole{}, Comments: []exportComment{},
		VerifiedGuestAt: d.VerifiedAt, QueuedMail: []exportMail{}, PrivacyRequests: []exportRequest{},
		Logins: []exportLogin{}, SiteLogins: []exportSSO{}, AccountLinks: []exportLink{}, ModerationActions: []exportModeration{},
		Bans: []exportBan{}, SiteInvitations: []exportSiteInvitation{},
	}
	for _, i := range d.SiteInvitations {
		doc.SiteInvitations = append(doc.SiteInvitations, exportSiteInvitation{Site: i.Site, Role: string(i.Role),
			CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, UsedAt: i.UsedAt})
	}
	if u := d.Account; u != nil {
		doc.Account = &exportAccount{wireAccount: account(u), Role: string(u.Role), HasPassword: u.PasswordHash != "",
			EmailVerifiedAt: u.EmailVerifiedAt, SignedUp: u.SignedUp, SignupIP: d.SignupIP, NotifyReplies: d.NotifyReplies}
	}
	doc.Invitations, doc.InvitationsSent = exportInvitations(d.Invitations), exportInvitations(d.InvitationsSent)
	for _, l := range d.Logins {
		doc.Logins = append(doc.Logins, exportLogin(l))
	}
	for _, m := range d.Moderation {
		doc.ModerationActions = append(doc.ModerationActions, exportModeration(m))
	}
	for _, b := range d.Bans {
		doc.Bans = append(doc.Bans, exportBan(b))
	}
	for _, l := range d.SiteLogins {
		doc.SiteLogins = append(doc.SiteLogins, exportSSO(l))
	}
	for _, l := range d.Links {
		doc.AccountLinks = append(doc.AccountLinks, exportLink{Purpose: string(l.Purpose), NewEmail: l.NewEmail,
			CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, UsedAt: l.UsedAt})
	}
	for _, s := range d.Sessions {
		doc.Sessions = append(doc.Sessions, wireSession{ID: s.ID, Kind: string(s.Kind), Remember: s.Remember, Current: s.ID == current,
			CreatedAt: s.CreatedAt, LastUsedAt: s.LastUsedAt, ExpiresAt: s.ExpiresAt})
	}
	for _, r := range d.SiteRoles {
		doc.SiteRoles = append(doc.SiteRoles, exportSiteRole{Site: r.Host, Role: string(r.Role), Since: r.Since})
	}
	for _, c := range d.Comments {
		doc.Comments = append(doc.Comments, exportedComment(c))
	}
	for _, m := range d.Mail {
		doc.QueuedMail = append(doc.QueuedMail, exportMail{ID: m.ID, Kind: m.Kind, Status: m.Status, To: m.To,
			Subject: m.Subject, Text: m.Text, CreatedAt: m.CreatedAt})
	}
	for _, r := range d.Requests {
		doc.PrivacyRequests = append(doc.PrivacyRequests, exportRequest{Action: r.Action, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt})
	}
	doc.Plan, doc.ContactMessages = exportedPlan(d.Plan), exportedContacts(d.ContactMessages)
	doc.Uploads = h.exportedUploads(d.Uploads)
	return doc
}

func (h *Handler) exportedUploads(in []store.Upload) []exportUpload {
	out := []exportUpload{}
	for _, u := range in {
		e := exportUpload{ID: u.ID, URL: h.PublicURL + media.UploadPath(u.ID, u.ContentType), SiteID: u.SiteID,
			ContentType: u.ContentType, Width: u.Width, Height: u.Height, Size: u.Size, CreatedAt: u.CreatedAt}
		if u.CommentID != 0 {
			e.CommentID = &u.CommentID
		}
		out = append(out, e)
	}
	return out
}

func exportInvitations(in []store.Invitation) []exportInvitation {
	out := []exportInvitation{}
	for _, inv := range in {
		out = append(out, exportInvitation{Email: inv.Email, CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt})
	}
	return out
}

func exportedComment(c store.PersonalComment) exportComment {
	out := exportComment{
		ID: c.ID, Site: c.Host, Path: c.Path, PageURL: "https://" + c.Host + c.Path,
		Name: c.GuestName, Email: c.GuestEmail, Website: c.GuestWebsite, Verified: c.GuestVerified,
		Text: c.Text, HTML: c.HTML, Status: string(c.Status), CreatedAt: c.CreatedAt, EditedAt: c.EditedAt, DeletedAt: c.DeletedAt,
		Score: c.Score, Upvotes: c.Upvotes, Downvotes: c.Downvotes, Sticky: c.Sticky, IP: c.IP, UserAgent: c.UserAgent,
		HoldReason: c.HoldReason, SpamVerdict: c.SpamVerdict, NotifyReplies: c.NotifyReplies,
	}
	if c.ParentID != 0 {
		out.ParentID = &c.ParentID
	}
	if c.AuthorID != 0 {
		out.AccountID = &c.AuthorID
	}
	return out
}

// writeExport sends doc as a download that no cache keeps.
func writeExport(w http.ResponseWriter, doc exportDocument) {
	w.Header().Set("Content-Disposition", `attachment; filename="parley-personal-data.json"`)
	w.Header().Set("Cache-Control", cachePrivate)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// exportMe serves GET /api/v1/me/export: every personal field Parley holds
// about the signed-in account, as one JSON document (docs/privacy.md).
func (h *Handler) exportMe(w http.ResponseWriter, r *http.Request) {
	sess, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	d, err := h.Store.AccountData(r.Context(), u.ID)
	if errors.Is(err, store.ErrNotFound) {
		writeNotSignedIn(w) // deleted since the token was checked
		return
	}
	if err != nil {
		h.internal(w, r, "export account", err)
		return
	}
	writeExport(w, h.newExportDocument(d, sess.ID))
}

type eraseMeRequest struct {
	Comments string `json:"comments"` // store.EraseDelete or store.EraseAnonymize
	Password string `json:"password"` // required when the account has one
}

// eraseMe serves DELETE /api/v1/me: the signed-in account is erased, with
// its comments deleted or anonymised as the body says (store.EraseAccount).
// The person proves it is them again: with the password, or, for an
// account without one, a session younger than FreshSessionAge.
func (h *Handler) eraseMe(w http.ResponseWriter, r *http.Request) {
	sess, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	var req eraseMeRequest
	if !decode(w, r, &req) {
		return
	}
	mode := store.EraseMode(req.Comments)
	if !mode.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_field", `comments must be "delete" or "anonymize"`, "comments")
		return
	}
	if !h.reauthenticated(w, r, sess, u, req.Password) {
		return
	}
	if err := h.Store.EraseAccount(r.Context(), u.ID, mode); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.internal(w, r, "erase account", err)
		return
	}
	h.changed(r, 0, 0, "") // the account's comments may be on any site
	w.Header().Set("Cache-Control", cachePrivate)
	w.WriteHeader(http.StatusNoContent)
}

// reauthenticated checks that the person deleting u is its owner now (see
// eraseMe). On refusal it has written the answer.
func (h *Handler) reauthenticated(w http.ResponseWriter, r *http.Request, sess *model.Session, u *model.User, password string) bool {
	if u.PasswordHash == "" {
		if h.Now().Sub(sess.CreatedAt) > FreshSessionAge {
			writeError(w, http.StatusForbidden, "reauthentication_required", "sign in again, then delete the account within 10 minutes", "")
			return false
		}
		return true
	}
	if password == "" {
		writeError(w, http.StatusBadRequest, "invalid_field", "your password is required to delete the account", "password")
		return false
	}
	_, err := h.checkCredentials(r.Context(), u.Email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "the password is wrong", "password")
		return false
	}
	if err != nil {
		h.internal(w, r, "check password", err)
		return false
	}
	return true
}

package notify

import "github.com/parleyhq/parley/internal/model"

// LinkData is what an account mail says: the single-use link on the Parley
// origin and how long it works ("24 hours"). Account mails carry nothing a
// requester typed, not even a display name: whoever signs up or asks for an
// email change chooses the address mailed, and must not be able to put
// words (or a look-alike link) in a mail from Parley to a stranger.
type LinkData struct {
	Link  string
	Valid string
}

// VerifyEmailMail asks a new account to confirm its address.
func VerifyEmailMail(to string, siteID int64, from Sender, d LinkData) (model.Mail, error) {
	return compose("verify-email", to, siteID, from, d)
}

// SignUpExistsMail tells the owner of an address that someone tried to sign
// up with it, and offers a password reset link.
func SignUpExistsMail(to string, siteID int64, from Sender, d LinkData) (model.Mail, error) {
	return compose("signup-exists", to, siteID, from, d)
}

// PasswordResetMail carries a link to choose a new password.
func PasswordResetMail(to string, siteID int64, from Sender, d LinkData) (model.Mail, error) {
	return compose("password-reset", to, siteID, from, d)
}

// EmailChangeMail asks the new address of an account to confirm it.
func EmailChangeMail(to string, siteID int64, from Sender, d LinkData) (model.Mail, error) {
	return compose("email-change", to, siteID, from, d)
}

// EmailChangeNoticeMail tells the current address that a change was asked
// for; d.Link and d.Valid are unused.
func EmailChangeNoticeMail(to string, siteID int64, from Sender, d LinkData) (model.Mail, error) {
	return compose("email-change-notice", to, siteID, from, d)
}

// VerifyOwnerMail asks an account made on the dashboard to confirm its
// address; its sites are not live until it does.
func VerifyOwnerMail(to string, from Sender, d LinkData) (model.Mail, error) {
	return compose("verify-owner", to, 0, from, d)
}

// InvitationMail invites an address to sign up on the dashboard
// (PARLEY_SIGNUP=invite).
func InvitationMail(to string, from Sender, d LinkData) (model.Mail, error) {
	return compose("invitation", to, 0, from, d)
}

// InvitationData is what an invitation to a site says: the site's name
// (its domain), the link to accept and how long it works. Like the account
// mails, it carries nothing the inviting owner typed but the address.
type InvitationData struct {
	Site  string
	Link  string
	Valid string
}

// SiteInvitationMail invites an address to moderate a site.
func SiteInvitationMail(to string, siteID int64, from Sender, d InvitationData) (model.Mail, error) {
	return compose("site-invitation", to, siteID, from, d)
}

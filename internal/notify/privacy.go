package notify

import (
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// privacyData is what templates/privacy.tmpl sees.
type privacyData struct {
	Action  string // export, erase or verify
	Link    string
	Expires string
}

// PrivacyMail is the mail carrying the link of a guest's privacy request
// (action export, erase or verify) to the address it is about; siteID is
// the site it was asked from (0: the instance).
func PrivacyMail(to string, siteID int64, from Sender, action, link string, expires time.Time) (model.Mail, error) {
	return compose("privacy", to, siteID, from, privacyData{
		Action: action, Link: link, Expires: expires.UTC().Format("2 January 2006, 15:04 UTC"),
	})
}

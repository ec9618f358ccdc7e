package api

import (
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// SiteAuthorFormat names the document a site's owner downloads of one
// commenter's data on their site, version SiteAuthorVersion.
const (
	SiteAuthorFormat  = "parley-site-author-data"
	SiteAuthorVersion = 1
)

// SiteAuthorExport is that document (docs/privacy.md, "Owners"): the
// commenter's comments on one site, each as the person's own export lists
// it, and nothing of other sites.
type SiteAuthorExport struct {
	Format     string          `json:"format"`
	Version    int             `json:"version"`
	ExportedAt time.Time       `json:"exportedAt"`
	Instance   string          `json:"instance"`
	Site       string          `json:"site"`
	Comments   []exportComment `json:"comments"`
}

// NewSiteAuthorExport builds the document of comments of site, taken at now
// on the instance at publicURL.
func NewSiteAuthorExport(publicURL, site string, comments []store.PersonalComment, now time.Time) SiteAuthorExport {
	doc := SiteAuthorExport{Format: SiteAuthorFormat, Version: SiteAuthorVersion, ExportedAt: now.UTC(), Instance: publicURL,
		Site: site, Comments: []exportComment{}}
	for _, c := range comments {
		doc.Comments = append(doc.Comments, exportedComment(c))
	}
	return doc
}

package exportformat

import "time"

// Name and Version identify the format; Name is the value of the first
// key, "format", so that a file is recognised from its first bytes.
const (
	Name    = "parley-export"
	Version = 1
)

// Header is the start of the document. The writer emits its keys, then
// "pages" and "comments" arrays, one element per line:
//
//	{"format":"parley-export","version":1,"exportedAt":"…","site":{"host":"example.com"},
//	"pages":[
//	{…},
//	…],
//	"comments":[
//	{…},
//	…]}
type Header struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exportedAt"`
	Site       Site      `json:"site"`
	// PersonalData is false when the export was made without emails, IP
	// addresses and user agents.
	PersonalData bool `json:"personalData"`
}

// Site names the site the export came from.
type Site struct {
	Host string `json:"host"`
}

// Page is one thread.
type Page struct {
	ID        int64     `json:"id"`
	Path      string    `json:"path"`
	Title     string    `json:"title"`
	Locked    bool      `json:"locked"`
	CreatedAt time.Time `json:"createdAt"`
}

// Comment is one comment in any state. Comments come in id order, so a
// parent always precedes its replies.
type Comment struct {
	ID            int64      `json:"id"`
	PageID        int64      `json:"pageId"`
	ParentID      *int64     `json:"parentId"`
	Author        Author     `json:"author"`
	Text          string     `json:"text"` // markdown source
	HTML          string     `json:"html"` // its sanitized rendering, for readers of the file
	Status        string     `json:"status"`
	CreatedAt     time.Time  `json:"createdAt"`
	EditedAt      *time.Time `json:"editedAt"`
	DeletedAt     *time.Time `json:"deletedAt"`
	Score         int        `json:"score"`
	Upvotes       int        `json:"upvotes"`
	Downvotes     int        `json:"downvotes"`
	Sticky        bool       `json:"sticky"`
	IP            string     `json:"ip,omitempty"`
	UserAgent     string     `json:"userAgent,omitempty"`
	EditTokenHash []byte     `json:"editTokenHash,omitempty"`
	// Import and ParentImport keep where an imported comment (and its
	// parent) came from, so that importing this file, or the original
	// export again, later merges instead of duplicating.
	Import       *ImportKey `json:"import,omitempty"`
	ParentImport *ImportKey `json:"parentImport,omitempty"`
}

// Author is who wrote a comment: as a guest, and with an account if any.
type Author struct {
	Name    string   `json:"name"`
	Email   string   `json:"email,omitempty"`
	Website string   `json:"website,omitempty"`
	Account *Account `json:"account,omitempty"`
}

// Account is the user account a comment was written with.
type Account struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// ImportKey is a comment's source system and its id there.
type ImportKey struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

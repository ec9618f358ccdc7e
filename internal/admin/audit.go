package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// AuditPageSize is how many entries one page of the audit log shows.
const AuditPageSize = 50

// auditWords say what each action of the audit log did.
var auditWords = map[string]string{
	store.ActionApprove: "approved", store.ActionReject: "rejected", store.ActionSpam: "marked as spam",
	store.ActionDelete: "deleted", store.ActionPin: "pinned", store.ActionUnpin: "unpinned",
	store.ActionLock: "locked the page", store.ActionUnlock: "unlocked the page", store.ActionEdit: "edited",
	store.ActionBan: "banned the author of", store.ActionUnban: "lifted the ban on the author of",
	store.ActionBlock: "blocked an address", store.ActionUnblock: "lifted the block of an address",
	store.ActionExportAuthor: "downloaded the data of the author of", store.ActionEraseAuthor: "erased the data of the author of",
}

// auditRow is one entry as audit.html lists it.
type auditRow struct {
	store.AuditEntry
	Who, What, Datetime, When string
}

// auditData is what audit.html shows.
type auditData struct {
	frame
	Site             *model.Site
	Entries          []auditRow
	PrevURL, NextURL string
}

// auditPage serves GET /dashboard/sites/{site}/audit?page=N: the site's
// audit log, newest first, AuditPageSize a page, at most MaxQueuePage pages.
func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	page := 1
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > MaxQueuePage {
			h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, fmt.Sprintf("page must be a number from 1 to %d", MaxQueuePage)})
			return
		}
		page = n
	}
	entries, err := h.Store.AuditEntries(r.Context(), store.AuditQuery{SiteID: a.Site.ID, Offset: (page - 1) * AuditPageSize, Limit: AuditPageSize + 1})
	if err != nil {
		h.fail(w, r, u, "audit log", err)
		return
	}
	d := auditData{frame: frame{a.Site.Host + " audit log", u}, Site: a.Site}
	base := fmt.Sprintf("/dashboard/sites/%d/audit?page=", a.Site.ID)
	if len(entries) > AuditPageSize {
		entries, d.NextURL = entries[:AuditPageSize], base+strconv.Itoa(page+1)
	}
	if page > 1 {
		d.PrevURL = base + strconv.Itoa(page-1)
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRowOf(e))
	}
	h.render(w, r, http.StatusOK, "audit", d)
}

// auditRowOf says an entry in words.
func auditRowOf(e store.AuditEntry) auditRow {
	row := auditRow{AuditEntry: e, Who: e.ActorName, What: auditWords[e.Action],
		Datetime: e.CreatedAt.UTC().Format(time.RFC3339), When: e.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")}
	if e.ActorID == 0 {
		row.Who = "a deleted account"
	}
	if row.What == "" {
		row.What = e.Action
	}
	return row
}

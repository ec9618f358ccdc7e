package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/store"
)

// QueuePageSize is how many comments one page of a moderation tab shows.
const QueuePageSize = 25

// MaxQueuePage is the last page number a tab serves: QueuePageSize ×
// MaxQueuePage comments deep (the offset scan stays bounded).
const MaxQueuePage = 1000

// tabs are the moderation tabs, in order.
var tabs = []struct {
	Status model.Status
	Label  string
}{{model.StatusPending, "Pending"}, {model.StatusApproved, "Approved"}, {model.StatusSpam, "Spam"}, {model.StatusDeleted, "Deleted"}}

// action is a button of the moderation screen.
type action struct{ Name, Label string }

// tabActions are the actions offered on the comments of each tab (pin and
// unpin, on approved comments, are offered per comment).
var tabActions = map[model.Status][]action{
	model.StatusPending:  {{store.ActionApprove, "Approve"}, {store.ActionReject, "Reject"}, {store.ActionSpam, "Spam"}},
	model.StatusApproved: {{store.ActionSpam, "Spam"}, {store.ActionDelete, "Delete"}},
	model.StatusSpam:     {{store.ActionApprove, "Approve"}, {store.ActionDelete, "Delete"}},
	model.StatusDeleted:  {{store.ActionApprove, "Approve"}},
}

// pastTense says what an action did, for the note after it.
var pastTense = map[string]string{
	store.ActionApprove: "approved", store.ActionReject: "rejected", store.ActionSpam: "marked as spam",
	store.ActionDelete: "deleted", store.ActionPin: "pinned", store.ActionUnpin: "unpinned",
	store.ActionEraseAuthor: "erased with their author's data",
}

// liveKinds say what each action did for readers of the thread, in the
// events of its live streams (internal/live).
var liveKinds = map[string]string{
	store.ActionApprove: live.Approved, store.ActionReject: live.Deleted, store.ActionSpam: live.Deleted,
	store.ActionDelete: live.Deleted, store.ActionPin: live.Changed, store.ActionUnpin: live.Changed,
}

// holdReasons say in words why a comment waits although the site's
// moderation would have published it (model.Comment.HoldReason).
var holdReasons = map[string]string{
	"email_unverified": "its author has not confirmed their email address yet",
}

// holdReason is the words for a hold reason; an unknown code shows as is.
func holdReason(code string) string {
	if words, ok := holdReasons[code]; ok {
		return words
	}
	if words := policy.Sentence(code); words != "" {
		return words
	}
	return code
}

type homeData struct {
	frame
	Sites []store.SiteOfUser
	Usage *usageView // the account's plan and usage, when it owns a site
}

// home serves GET /dashboard: the sites the account owns or moderates; an
// operator sees every site.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, u *model.User) {
	sites, err := h.Store.SitesOfUser(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, u, "list sites", err)
		return
	}
	if u.Role == model.RoleOperator {
		all, err := h.Store.Sites(r.Context())
		if err != nil {
			h.fail(w, r, u, "list sites", err)
			return
		}
		sites = withOperatorSites(sites, all)
	}
	d := homeData{frame: frame{"Your sites", u}, Sites: sites}
	if d.Usage, err = h.ownerUsage(r, u, sites); err != nil {
		h.fail(w, r, u, "load usage", err)
		return
	}
	h.render(w, r, http.StatusOK, "home", d)
}

// withOperatorSites returns every site of all, with the role of mine where
// the operator has one and RoleOperator elsewhere.
func withOperatorSites(mine []store.SiteOfUser, all []*model.Site) []store.SiteOfUser {
	roles := map[int64]model.Role{}
	for _, s := range mine {
		roles[s.Site.ID] = s.Role
	}
	out := make([]store.SiteOfUser, 0, len(all))
	for _, s := range all {
		role := roles[s.ID]
		if role == "" {
			role = model.RoleOperator
		}
		out = append(out, store.SiteOfUser{Site: s, Role: role})
	}
	return out
}

type tab struct {
	Label, URL string
	Count      int
	Current    bool
}

// queuedView is one comment as queue.html shows it.
type queuedView struct {
	store.QueuedComment
	HTML     template.HTML // sanitized when the comment was written
	Datetime string
	When     string
}

type queueData struct {
	frame
	Site             *model.Site
	Role             model.Role
	Status           model.Status
	Page             int
	Tabs             []tab
	Actions          []action
	Comments         []queuedView
	ActionURL        string
	PagesURL         string
	PrevURL, NextURL string
	Done, Error      string
	Search           searchForm
	ShowsEmail       bool // the search may take an exact email
}

// queue serves GET /dashboard/sites/{site}/moderation?status=&page=: one
// page of the site's comments in one status, newest first.
func (h *Handler) queue(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	status, page, err := queueParams(r.URL.Query())
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	d := queueData{frame: frame{a.Site.Host + " moderation", u}, Site: a.Site, Role: a.Role, Status: status, Page: page}
	if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && pastTense[r.URL.Query().Get("done")] != "" {
		d.Done = fmt.Sprintf("%d %s %s.", n, plural(n, "comment", "comments"), pastTense[r.URL.Query().Get("done")])
	} else if r.URL.Query().Get("done") == "edit" {
		d.Done = "The comment was edited."
	}
	var search store.Search
	d.Search, search = searchParams(r.URL.Query(), a.showsEmail())
	code := http.StatusOK
	if len(d.Search.Fields) > 0 {
		code = http.StatusBadRequest
	}
	h.showQueue(w, r, a, d, search, code)
}

// showQueue fills d with the tab's comments (those search finds) and
// counts and renders it.
func (h *Handler) showQueue(w http.ResponseWriter, r *http.Request, a siteAccess, d queueData, search store.Search, status int) {
	counts, err := h.Store.StatusCounts(r.Context(), a.Site.ID)
	if err != nil {
		h.fail(w, r, d.Account, "count comments", err)
		return
	}
	list, err := h.Store.ModerationQueue(r.Context(), store.QueueQuery{SiteID: a.Site.ID, Status: d.Status,
		Offset: (d.Page - 1) * QueuePageSize, Limit: QueuePageSize + 1, Search: search})
	if err != nil {
		h.fail(w, r, d.Account, "load queue", err)
		return
	}
	base := fmt.Sprintf("/dashboard/sites/%d", a.Site.ID)
	d.ActionURL, d.PagesURL = base+"/moderation", base+"/pages"
	for _, t := range tabs {
		d.Tabs = append(d.Tabs, tab{t.Label, queueURL(a.Site.ID, t.Status, 1, d.Search), counts[t.Status], t.Status == d.Status})
	}
	d.ShowsEmail = a.showsEmail()
	d.Actions = tabActions[d.Status]
	if len(list) > QueuePageSize {
		list = list[:QueuePageSize]
		d.NextURL = queueURL(a.Site.ID, d.Status, d.Page+1, d.Search)
	}
	if d.Page > 1 {
		d.PrevURL = queueURL(a.Site.ID, d.Status, d.Page-1, d.Search)
	}
	for _, c := range list {
		d.Comments = append(d.Comments, view(c, a.showsEmail()))
	}
	h.render(w, r, status, "queue", d)
}

// queueParams reads status (default pending) and page (default 1, at
// most MaxQueuePage).
func queueParams(q url.Values) (model.Status, int, error) {
	status := model.Status(q.Get("status"))
	if status == "" {
		status = model.StatusPending
	}
	if !status.Valid() {
		return "", 0, errors.New("status must be pending, approved, spam or deleted")
	}
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > MaxQueuePage {
			return "", 0, fmt.Errorf("page must be a number from 1 to %d", MaxQueuePage)
		}
		page = n
	}
	return status, page, nil
}

// queueURL is the address of a page of a tab, with the search.
func queueURL(siteID int64, status model.Status, page int, search searchForm) string {
	u := fmt.Sprintf("/dashboard/sites/%d/moderation?status=%s", siteID, status)
	if page > 1 {
		u += "&page=" + strconv.Itoa(page)
	}
	return u + search.query()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// moderate serves POST /dashboard/sites/{site}/moderation: one button of
// a comment ("one" = "ACTION ID") or a bulk action ("action") on the
// checked comments ("id", at most QueuePageSize). It goes back to the tab.
func (h *Handler) moderate(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	if !h.parseForm(w, r, u) {
		return
	}
	status, page, err := queueParams(r.PostForm)
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	act, ids, msg := moderationForm(r.PostForm)
	sf, search := searchParams(r.PostForm, a.showsEmail())
	if msg != "" {
		d := queueData{frame: frame{a.Site.Host + " moderation", u}, Site: a.Site, Role: a.Role, Status: status, Page: page, Error: msg, Search: sf}
		h.showQueue(w, r, a, d, search, http.StatusBadRequest)
		return
	}
	pages, err := h.Store.ModerateComments(r.Context(), store.Moderation{SiteID: a.Site.ID, ActorID: u.ID, Action: act, CommentIDs: ids})
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return
	}
	if err != nil {
		h.fail(w, r, u, "moderate", err)
		return
	}
	h.CommentsChanged(r.Context(), a.Site.ID, pages, liveKinds[act], ids)
	h.reportOverrides(a.Site, act, ids)
	http.Redirect(w, r, fmt.Sprintf("%s&done=%s&n=%d", queueURL(a.Site.ID, status, page, sf), act, len(ids)), http.StatusSeeOther)
}

// moderationForm reads the action and the comment ids of a moderation
// form, or says what is wrong with it.
func moderationForm(f url.Values) (act string, ids []int64, problem string) {
	if one := f.Get("one"); one != "" {
		name, id, _ := strings.Cut(one, " ")
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || pastTense[name] == "" {
			return "", nil, "Unknown action."
		}
		return name, []int64{n}, ""
	}
	act = f.Get("action")
	if pastTense[act] == "" {
		return "", nil, "Choose an action."
	}
	if len(f["id"]) == 0 {
		return "", nil, "Select at least one comment."
	}
	if len(f["id"]) > QueuePageSize {
		return "", nil, fmt.Sprintf("Select at most %d comments.", QueuePageSize)
	}
	for _, s := range f["id"] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", nil, "A selected comment is not a comment."
		}
		ids = append(ids, n)
	}
	return act, ids, ""
}

// lockPage serves POST /dashboard/sites/{site}/pages/{page}/lock with
// locked=1 (lock) or 0 (unlock), then goes back to the tab, or with
// from=pages to the site's pages list.
func (h *Handler) lockPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	pageID, err := strconv.ParseInt(r.PathValue("page"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	locked := r.PostFormValue("locked")
	status, page, err := queueParams(r.PostForm)
	if err == nil && locked != "0" && locked != "1" {
		err = errors.New("locked must be 0 or 1")
	}
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	err = h.Store.LockPage(r.Context(), a.Site.ID, u.ID, pageID, locked == "1")
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return
	}
	if err != nil {
		h.fail(w, r, u, "lock page", err)
		return
	}
	h.Changed(r.Context(), a.Site.ID, pageID)
	sf, _ := searchParams(r.PostForm, a.showsEmail())
	back := queueURL(a.Site.ID, status, page, sf)
	if r.PostForm.Get("from") == "pages" {
		back = sitePagesURL(a.Site.ID, page)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

package admin

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// MaxOperatorPage is the last page number the operator's lists serve:
// store.OperatorPageSize × MaxOperatorPage rows deep.
const MaxOperatorPage = 1000

// operatorSections are the operator area's pages, in the order its
// navigation lists them.
var operatorSections = []struct{ Key, Label, URL string }{
	{"accounts", "Accounts", "/dashboard/operator"},
	{"plans", "Plans", "/dashboard/operator/plans"},
	{"sites", "Sites", "/dashboard/operator/sites"},
	{"settings", "Settings", "/dashboard/operator/settings"},
	{"audit", "Audit log", "/dashboard/operator/audit"},
	{"mail", "Undelivered mail", "/dashboard/operator/mail"},
	{"broadcasts", "Broadcasts", "/dashboard/operator/broadcasts"},
	{"messages", "Messages", "/dashboard/operator/messages"},
}

func init() {
	funcs["operatorNav"] = operatorNav
}

// operatorNav is the operator area's navigation, current marking the page
// shown (aria-current). Every string in it is a constant.
func operatorNav(current string) template.HTML {
	var b strings.Builder
	b.WriteString(`<nav class="tabs" aria-label="Operator area">`)
	for _, s := range operatorSections {
		b.WriteString(`<a href="` + s.URL + `"`)
		if s.Key == current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>` + s.Label + `</a>`)
	}
	b.WriteString(`</nav>`)
	return template.HTML(b.String())
}

// operator wraps a handler of the operator area: a session is needed
// (signedIn), and every account but an operator gets 404, as for a page
// that does not exist.
func (h *Handler) operator(next func(http.ResponseWriter, *http.Request, *model.User)) http.HandlerFunc {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request, u *model.User) {
		if u.Role != model.RoleOperator {
			h.notFound(w, r, u)
			return
		}
		next(w, r, u)
	})
}

// pathID is the positive id in the path's {name}, or false.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// listPage is the ?page= of a list (1 when absent or wrong) and its offset.
func listPage(r *http.Request) (page, offset int) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 || page > MaxOperatorPage {
		page = 1
	}
	return page, (page - 1) * store.OperatorPageSize
}

// pager links to the pages before and after page of a list at base (with
// its query), the next only when this one was full.
type pager struct{ Prev, Next string }

func newPager(base url.Values, path string, page, rows int) pager {
	link := func(p int) string {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p))
		return path + "?" + q.Encode()
	}
	var p pager
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if rows == store.OperatorPageSize && page < MaxOperatorPage {
		p.Next = link(page + 1)
	}
	return p
}

// MaxTextFormBytes bounds the body of the forms that carry a long text (a
// broadcast, a contact message): their longest text, each character
// percent-encoded (up to 12 bytes for a 4-byte character), and the other
// fields.
const MaxTextFormBytes = 256 << 10

// parseForm limits and parses a dashboard form; on failure it has answered 400.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request, u *model.User) bool {
	return h.parseFormMax(w, r, u, MaxFormBytes)
}

// parseFormMax is parseForm with a body of at most limit bytes.
func (h *Handler) parseFormMax(w http.ResponseWriter, r *http.Request, u *model.User, limit int64) bool {
	if !readForm(w, r, limit) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, "The form could not be read; try again."})
		return false
	}
	return true
}

// accountsData is what operator-accounts.html shows.
type accountsData struct {
	frame
	Query    string
	Accounts []store.Account
	Pager    pager
}

// accounts serves GET /dashboard/operator: the accounts, searched by ?q=
// (an exact email, or part of a name).
func (h *Handler) accounts(w http.ResponseWriter, r *http.Request, u *model.User) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page, offset := listPage(r)
	list, err := h.Store.Accounts(r.Context(), q, offset)
	if err != nil {
		h.fail(w, r, u, "list accounts", err)
		return
	}
	base := url.Values{}
	if q != "" {
		base.Set("q", q)
	}
	h.render(w, r, http.StatusOK, "operator-accounts", accountsData{frame{"Accounts", u}, q, list,
		newPager(base, "/dashboard/operator", page, len(list))})
}

// operatorAccountData is what operator-account.html shows.
type operatorAccountData struct {
	frame
	Target store.Account
	Plans  []store.PlanUse
	Usage  *usageView
	Sites  []store.SiteOfUser
	Self   bool   // the operator's own account: no suspension or deletion
	Note   string // what the last action did
	Error  string
	Fields map[string]string
}

// loadAccount resolves {account} and what its page shows; on failure it
// has answered (404 for no such account).
func (h *Handler) loadAccount(w http.ResponseWriter, r *http.Request, u *model.User) (operatorAccountData, bool) {
	d := operatorAccountData{frame: frame{"Account", u}, Fields: map[string]string{}}
	id, ok := pathID(r, "account")
	if !ok {
		h.notFound(w, r, u)
		return d, false
	}
	var err error
	d.Target, err = h.Store.AccountByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return d, false
	}
	if err == nil {
		d.Plans, err = h.Store.Plans(r.Context())
	}
	if err == nil {
		d.Usage, err = h.usageOf(r, id)
	}
	if err == nil {
		d.Sites, err = h.Store.SitesOfUser(r.Context(), id)
	}
	if err != nil {
		h.fail(w, r, u, "load account", err)
		return d, false
	}
	d.Self, d.Title = id == u.ID, d.Target.User.Name
	return d, true
}

// operatorAccountPage serves GET /dashboard/operator/accounts/{account}.
func (h *Handler) operatorAccountPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.loadAccount(w, r, u)
	if !ok {
		return
	}
	d.Note = accountNotes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "operator-account", d)
}

// accountNotes say what an action on an account did, by ?done=.
var accountNotes = map[string]string{
	"plan": "The plan was changed.", "suspended": "The account is suspended: its sessions ended.",
	"unsuspended": "The suspension was lifted.",
}

// accountPlan serves POST /dashboard/operator/accounts/{account}/plan: plan
// (an id, or 0 for the default plan).
func (h *Handler) accountPlan(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.loadAccount(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	plan, err := strconv.ParseInt(r.PostForm.Get("plan"), 10, 64)
	if err == nil && plan >= 0 {
		err = h.Store.SetUserPlan(r.Context(), d.Target.User.ID, plan)
		if err == nil {
			http.Redirect(w, r, accountURL(d.Target.User.ID)+"?done=plan", http.StatusSeeOther)
			return
		}
		if !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, u, "set plan", err)
			return
		}
	}
	d.Fields["plan"] = "Choose one of the plans."
	h.render(w, r, http.StatusBadRequest, "operator-account", d)
}

func accountURL(id int64) string { return "/dashboard/operator/accounts/" + strconv.FormatInt(id, 10) }

// accountSuspend serves POST /dashboard/operator/accounts/{account}/suspend:
// suspended=1 suspends (its sessions end), suspended=0 lifts it. The
// operator cannot suspend their own account.
func (h *Handler) accountSuspend(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.loadAccount(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	var err error
	done := "suspended"
	switch r.PostForm.Get("suspended") {
	case "1":
		if d.Self {
			d.Error = "You cannot suspend your own account."
			h.render(w, r, http.StatusBadRequest, "operator-account", d)
			return
		}
		err = h.Store.SuspendUser(r.Context(), d.Target.User.ID, h.Now())
	case "0":
		done = "unsuspended"
		err = h.Store.UnsuspendUser(r.Context(), d.Target.User.ID)
	default:
		d.Error = "Choose to suspend the account or to lift its suspension."
		h.render(w, r, http.StatusBadRequest, "operator-account", d)
		return
	}
	if err != nil {
		h.fail(w, r, u, "suspend account", err)
		return
	}
	http.Redirect(w, r, accountURL(d.Target.User.ID)+"?done="+done, http.StatusSeeOther)
}

// accountDelete serves POST /dashboard/operator/accounts/{account}/delete:
// with confirm set to the account's email, its sites go with everything
// under them (promise P7) and the account with its comments, in one
// transaction (store.DeleteAccount). The operator's own account is not
// deleted here.
func (h *Handler) accountDelete(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.loadAccount(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	switch {
	case d.Self:
		d.Error = "You cannot delete your own account here."
	case !strings.EqualFold(strings.TrimSpace(r.PostForm.Get("confirm")), d.Target.User.Email):
		d.Fields["confirm"] = "Type the account's email address to confirm."
	}
	if d.Error != "" || len(d.Fields) > 0 {
		h.render(w, r, http.StatusBadRequest, "operator-account", d)
		return
	}
	// One transaction, as when owners delete their own account.
	if _, err := h.Store.DeleteAccount(r.Context(), d.Target.User.ID, store.EraseDelete); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, u, "delete account", err)
		return
	}
	h.Accounts.SitesRemoved(r.Context()) // its sites, and its comments on any site
	http.Redirect(w, r, "/dashboard/operator?deleted=1", http.StatusSeeOther)
}

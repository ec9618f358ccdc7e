package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// operatorSitesData is what operator-sites.html shows.
type operatorSitesData struct {
	frame
	Month string
	Sites []store.SiteSummary
	Pager pager
}

// operatorSites serves GET /dashboard/operator/sites: every site with its
// owner and its views and comments this month.
func (h *Handler) operatorSites(w http.ResponseWriter, r *http.Request, u *model.User) {
	page, offset := listPage(r)
	now := h.Now().UTC()
	list, err := h.Store.SiteSummaries(r.Context(), store.Month(now), offset)
	if err != nil {
		h.fail(w, r, u, "list sites", err)
		return
	}
	h.render(w, r, http.StatusOK, "operator-sites", operatorSitesData{frame{"All sites", u}, now.Format("January 2006"), list,
		newPager(url.Values{}, "/dashboard/operator/sites", page, len(list))})
}

// instanceSettingsData is what operator-settings.html shows.
type instanceSettingsData struct {
	frame
	Settings []config.Setting
	Plans    []store.PlanUse
	Default  int64 // the default plan's id, 0 for none (unlimited)
	Saved    bool
	Fields   map[string]string
}

// settings serves GET /dashboard/operator/settings: the effective
// configuration (secrets only as "(set)") and the default plan.
func (h *Handler) settings(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.renderSettings(w, r, u, http.StatusOK, nil)
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, u *model.User, status int, errs map[string]string) {
	plans, err := h.Store.Plans(r.Context())
	if err != nil {
		h.fail(w, r, u, "list plans", err)
		return
	}
	d := instanceSettingsData{frame: frame{"Instance settings", u}, Settings: h.Settings, Plans: plans,
		Saved: r.URL.Query().Get("saved") == "1", Fields: errs}
	for _, p := range plans {
		if p.Default {
			d.Default = p.ID
		}
	}
	h.render(w, r, status, "operator-settings", d)
}

// setDefaultPlan serves POST /dashboard/operator/settings: default_plan
// (a plan's id, or 0 for unlimited) holds every account without a plan of
// its own.
func (h *Handler) setDefaultPlan(w http.ResponseWriter, r *http.Request, u *model.User) {
	if !h.parseForm(w, r, u) {
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("default_plan"), 10, 64)
	if err == nil && id >= 0 {
		err = h.Store.SetDefaultPlan(r.Context(), id)
		if err == nil {
			http.Redirect(w, r, "/dashboard/operator/settings?saved=1", http.StatusSeeOther)
			return
		}
		if !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, u, "set default plan", err)
			return
		}
	}
	h.renderSettings(w, r, u, http.StatusBadRequest, map[string]string{"default_plan": "Choose one of the plans, or unlimited."})
}

// operatorAuditData is what operator-audit.html shows.
type operatorAuditData struct {
	frame
	Entries []store.AuditEntry
	Pager   pager
}

// auditAll serves GET /dashboard/operator/audit: the audit log of every
// site, newest first.
func (h *Handler) auditAll(w http.ResponseWriter, r *http.Request, u *model.User) {
	page, offset := listPage(r)
	list, err := h.Store.AuditLogAll(r.Context(), offset)
	if err != nil {
		h.fail(w, r, u, "audit log", err)
		return
	}
	h.render(w, r, http.StatusOK, "operator-audit", operatorAuditData{frame{"Audit log", u}, list,
		newPager(url.Values{}, "/dashboard/operator/audit", page, len(list))})
}

// deadMailData is what operator-mail.html shows.
type deadMailData struct {
	frame
	Mails []store.OutboxEntry
	Pager pager
}

// deadMail serves GET /dashboard/operator/mail: the mails the worker gave
// up on after its retries (the outbox's dead letters), with their last
// error, so that the operator can see what mail never arrived. Recipients
// and contents are not shown.
func (h *Handler) deadMail(w http.ResponseWriter, r *http.Request, u *model.User) {
	page, offset := listPage(r)
	list, err := h.Store.DeadMail(r.Context(), offset)
	if err != nil {
		h.fail(w, r, u, "dead mail", err)
		return
	}
	h.render(w, r, http.StatusOK, "operator-mail", deadMailData{frame{"Undelivered mail", u}, list,
		newPager(url.Values{}, "/dashboard/operator/mail", page, len(list))})
}

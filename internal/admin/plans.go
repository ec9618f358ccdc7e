package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// MaxPlanLimit bounds each limit a plan form takes: far past any real
// use, well inside both databases' integers.
const MaxPlanLimit = 1 << 50

// planForm is a plan's fields as typed, shown again with their errors.
type planForm struct {
	ID                                        int64
	Name, Sites, Views, Comments, UploadBytes string
}

// plansData is what operator-plans.html and operator-plan.html show.
type plansData struct {
	frame
	Plans  []store.PlanUse
	Form   planForm
	Fields map[string]string
	Error  string
}

func limitText(v int64) string {
	if v < 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

func planFormOf(p store.Plan) planForm {
	return planForm{ID: p.ID, Name: p.Name, Sites: limitText(p.MaxSites), Views: limitText(p.MaxViews),
		Comments: limitText(p.MaxComments), UploadBytes: limitText(p.MaxUploadBytes)}
}

// readPlan reads and checks the plan form: the plan, or the errors by field.
func readPlan(r *http.Request) (planForm, store.Plan, map[string]string) {
	f := r.PostForm
	form := planForm{Name: strings.TrimSpace(f.Get("name")), Sites: strings.TrimSpace(f.Get("max_sites")),
		Views: strings.TrimSpace(f.Get("max_views")), Comments: strings.TrimSpace(f.Get("max_comments")),
		UploadBytes: strings.TrimSpace(f.Get("max_upload_bytes"))}
	errs := map[string]string{}
	if form.Name == "" || len(form.Name) > store.MaxPlanNameLen || !utf8.ValidString(form.Name) {
		errs["name"] = "Enter a name of 1 to " + strconv.Itoa(store.MaxPlanNameLen) + " bytes."
	}
	limit := func(field, v string) int64 {
		if v == "" {
			return store.Unlimited
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > MaxPlanLimit {
			errs[field] = "Enter a whole number from 0 to " + strconv.Itoa(MaxPlanLimit) + ", or leave it empty for unlimited."
		}
		return n
	}
	p := store.Plan{Name: form.Name, MaxSites: limit("max_sites", form.Sites), MaxViews: limit("max_views", form.Views),
		MaxComments: limit("max_comments", form.Comments), MaxUploadBytes: limit("max_upload_bytes", form.UploadBytes)}
	return form, p, errs
}

// plans serves GET /dashboard/operator/plans: the plans and a form to add one.
func (h *Handler) plans(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.renderPlans(w, r, u, http.StatusOK, planForm{}, nil)
}

func (h *Handler) renderPlans(w http.ResponseWriter, r *http.Request, u *model.User, status int, form planForm, errs map[string]string) {
	list, err := h.Store.Plans(r.Context())
	if err != nil {
		h.fail(w, r, u, "list plans", err)
		return
	}
	h.render(w, r, status, "operator-plans", plansData{frame: frame{"Plans", u}, Plans: list, Form: form, Fields: errs})
}

// createPlan serves POST /dashboard/operator/plans.
func (h *Handler) createPlan(w http.ResponseWriter, r *http.Request, u *model.User) {
	if !h.parseForm(w, r, u) {
		return
	}
	form, p, errs := readPlan(r)
	if h.savePlan(w, r, u, errs, func() error { return h.Store.CreatePlan(r.Context(), &p) }) {
		h.renderPlans(w, r, u, http.StatusBadRequest, form, errs)
	}
}

// savePlan runs save when the form had no errors and answers: the list of
// plans, or a failure. It reports whether the form must be shown again
// with errs (a name taken is added to them).
func (h *Handler) savePlan(w http.ResponseWriter, r *http.Request, u *model.User, errs map[string]string, save func() error) bool {
	if len(errs) > 0 {
		return true
	}
	err := save()
	switch {
	case errors.Is(err, store.ErrExists):
		errs["name"] = "A plan has this name already."
		return true
	case err != nil:
		h.fail(w, r, u, "save plan", err)
	default:
		http.Redirect(w, r, "/dashboard/operator/plans", http.StatusSeeOther)
	}
	return false
}

// loadPlan resolves {plan}; on failure it has answered (404 for none).
func (h *Handler) loadPlan(w http.ResponseWriter, r *http.Request, u *model.User) (store.Plan, bool) {
	id, ok := pathID(r, "plan")
	if !ok {
		h.notFound(w, r, u)
		return store.Plan{}, false
	}
	p, err := h.Store.PlanByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return p, false
	}
	if err != nil {
		h.fail(w, r, u, "load plan", err)
		return p, false
	}
	return p, true
}

// planPage serves GET /dashboard/operator/plans/{plan}: the plan's form.
func (h *Handler) planPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	if p, ok := h.loadPlan(w, r, u); ok {
		h.render(w, r, http.StatusOK, "operator-plans", plansData{frame: frame{"Plan " + p.Name, u}, Form: planFormOf(p)})
	}
}

// updatePlan serves POST /dashboard/operator/plans/{plan}: the accounts on
// the plan are held to the new limits at once.
func (h *Handler) updatePlan(w http.ResponseWriter, r *http.Request, u *model.User) {
	old, ok := h.loadPlan(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	form, p, errs := readPlan(r)
	form.ID, p.ID = old.ID, old.ID
	if !h.savePlan(w, r, u, errs, func() error { return h.Store.UpdatePlan(r.Context(), &p) }) {
		return
	}
	h.render(w, r, http.StatusBadRequest, "operator-plans", plansData{frame: frame{"Plan " + old.Name, u}, Form: form, Fields: errs})
}

// deletePlan serves POST /dashboard/operator/plans/{plan}/delete: its
// accounts fall back to the default plan.
func (h *Handler) deletePlan(w http.ResponseWriter, r *http.Request, u *model.User) {
	p, ok := h.loadPlan(w, r, u)
	if !ok {
		return
	}
	if err := h.Store.DeletePlan(r.Context(), p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, u, "delete plan", err)
		return
	}
	http.Redirect(w, r, "/dashboard/operator/plans", http.StatusSeeOther)
}

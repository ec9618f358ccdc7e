package admin

import (
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// usageView is an account's plan and what its sites used this month, as
// the home page and the operator's account page show it: a bar and the
// numbers in words for each limit.
type usageView struct {
	Plan  string
	Month string // "December 2026"
	Rows  []usageRow
}

// usageRow is one limit of the plan and its use.
type usageRow struct {
	Label     string
	Used      int64
	Limit     int64 // store.Unlimited: no bar
	Unlimited bool
	Percent   int64  // of the limit, 0 to 100 (the bar stops at full)
	Text      string // "40 of 100 (40%)" or "12 (unlimited)"
	Note      string // what this use means, e.g. what upload storage counts
	Full      bool
}

// usageLabels name each limit on the page.
var usageLabels = map[string]string{
	store.MetricSites: "Sites", store.MetricViews: "Page views this month",
	store.MetricComments: "Comments this month", store.MetricUploads: "Upload storage (bytes)",
}

// usageOf is the usage of account userID under its plan, this month (UTC).
func (h *Handler) usageOf(r *http.Request, userID int64) (*usageView, error) {
	ctx := r.Context()
	plan, err := h.Store.UserPlan(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC()
	use, err := h.Store.UsageOf(ctx, userID, store.Month(now))
	if err != nil {
		return nil, err
	}
	v := &usageView{Plan: plan.Name, Month: now.Format("January 2006")}
	for _, m := range store.Metrics() {
		row := usageRow{Label: usageLabels[m], Used: use.Used(m), Limit: plan.Limit(m)}
		used := strconv.FormatInt(row.Used, 10)
		switch {
		case row.Limit < 0:
			row.Unlimited, row.Text = true, used+" (unlimited)"
		case row.Limit == 0:
			row.Percent, row.Full, row.Text = 100, true, used+" of 0"
		default:
			row.Percent = min(100, row.Used*100/row.Limit)
			row.Full = row.Used >= row.Limit
			row.Text = used + " of " + strconv.FormatInt(row.Limit, 10) + " (" + strconv.FormatInt(row.Used*100/row.Limit, 10) + "%)"
		}
		if m == store.MetricUploads {
			row.Note = "The images stored on your sites now: deleting a comment frees its images."
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// ownerUsage is usageOf u when u owns one of sites, else nil: the home
// page shows usage to owners only.
func (h *Handler) ownerUsage(r *http.Request, u *model.User, sites []store.SiteOfUser) (*usageView, error) {
	for _, s := range sites {
		if s.Site.OwnerID == u.ID {
			return h.usageOf(r, u.ID)
		}
	}
	return nil, nil
}

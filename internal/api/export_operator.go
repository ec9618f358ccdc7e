package api

import (
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// exportPlan is what the operator's tools keep about an account
// (store.AccountPlan) in its data export.
type exportPlan struct {
	PlanID      *int64              `json:"planId"` // null: the instance's default plan
	Plan        string              `json:"plan"`   // the plan the account is held to
	SuspendedAt *time.Time          `json:"suspendedAt"`
	Usage       []exportUsage       `json:"usage"`
	Notices     []exportUsageNotice `json:"usageNotices"`
	Broadcasts  []exportBroadcast   `json:"broadcastsReceived"`
}

type exportUsage struct {
	Month    int   `json:"month"` // YYYYMM, UTC
	Views    int64 `json:"views"`
	Comments int64 `json:"comments"`
}

type exportUsageNotice struct {
	Month     int       `json:"month"`
	Limit     string    `json:"limit"`
	Percent   int       `json:"percent"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportBroadcast struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportContact struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Message   string     `json:"message"`
	HandledAt *time.Time `json:"handledAt"`
	CreatedAt time.Time  `json:"createdAt"`
}

func exportedPlan(p *store.AccountPlan) *exportPlan {
	if p == nil {
		return nil
	}
	out := &exportPlan{Plan: p.PlanName, SuspendedAt: p.SuspendedAt, Usage: []exportUsage{}, Notices: []exportUsageNotice{}, Broadcasts: []exportBroadcast{}}
	if p.PlanID != 0 {
		out.PlanID = &p.PlanID
	}
	for _, u := range p.Usage {
		out.Usage = append(out.Usage, exportUsage{Month: u.Month, Views: u.Views, Comments: u.Comments})
	}
	for _, n := range p.Notices {
		out.Notices = append(out.Notices, exportUsageNotice{Month: n.Month, Limit: n.Metric, Percent: n.Level, CreatedAt: n.CreatedAt})
	}
	for _, b := range p.Broadcasts {
		out.Broadcasts = append(out.Broadcasts, exportBroadcast{ID: b.ID, Subject: b.Subject, CreatedAt: b.CreatedAt})
	}
	return out
}

func exportedContacts(list []store.ContactMessage) []exportContact {
	out := []exportContact{}
	for _, m := range list {
		out = append(out, exportContact(m))
	}
	return out
}

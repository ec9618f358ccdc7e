package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// MaxBanDays is the longest ban or block of a custom length; longer is forever.
const MaxBanDays = 3650

// durations are the lengths a ban or block may have, as the form names
// them, in days; "custom" reads the days field, "forever" has no end.
var durations = map[string]int{"1": 1, "7": 7, "30": 30}

// durationForm is the scope and length of a ban or block as typed.
type durationForm struct {
	Scope    string // "site" or "everywhere"
	Duration string // a key of durations, "custom" or "forever"
	Days     string // for "custom"
}

// readDuration reads scope, duration and days, adding the problem of each
// field to fields. It returns when the ban ends (nil: never), and the
// audit log's words for it. A scope of every site from anyone but the
// operator is refused (forbidden reports it).
func readDuration(f url.Values, u *model.User, now time.Time, fields map[string]string) (d durationForm, expires *time.Time, words string, forbidden bool) {
	d = durationForm{Scope: f.Get("scope"), Duration: f.Get("duration"), Days: strings.TrimSpace(f.Get("days"))}
	switch d.Scope {
	case "", "site":
		d.Scope, words = "site", "this site"
	case "everywhere":
		words = "every site"
		if u.Role != model.RoleOperator {
			fields["scope"], forbidden = "Only the operator can ban or block on every site.", true
		}
	default:
		fields["scope"] = "Choose this site or every site."
	}
	days, ok := durations[d.Duration]
	switch {
	case d.Duration == "forever":
		return d, nil, words + ", forever", forbidden
	case d.Duration == "custom":
		n, err := strconv.Atoi(d.Days)
		if err != nil || n < 1 || n > MaxBanDays {
			fields["days"] = fmt.Sprintf("Enter a number of days from 1 to %d.", MaxBanDays)
			return d, nil, "", forbidden
		}
		days = n
	case !ok:
		fields["duration"] = "Choose how long."
		return d, nil, "", forbidden
	}
	end := now.Add(time.Duration(days) * 24 * time.Hour)
	return d, &end, fmt.Sprintf("%s, %d %s", words, days, plural(days, "day", "days")), forbidden
}

// formStatus is the status of a refused form: 403 when it asked for what
// only the operator may do, else 400.
func formStatus(forbidden bool) int {
	if forbidden {
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// durationView is what the "duration" template of ban.html and bans.html
// shows: the scope and length fields of one form, their ids prefixed.
type durationView struct {
	Prefix   string
	Form     durationForm
	Fields   map[string]string
	Operator bool
}

// BanDuration and BlockDuration are the fields of ban.html's two forms.
func (d banData) BanDuration() durationView {
	return durationView{"ban", d.Ban, d.BanFields, d.Operator}
}

func (d banData) BlockDuration() durationView {
	return durationView{"block", d.Block, d.BlockFields, d.Operator}
}

// Duration is the fields of bans.html's block form.
func (d bansData) Duration() durationView {
	return durationView{"block", d.Form, d.Fields, d.Operator}
}

// choice is one radio button of a duration.
type choice struct {
	Value, Label string
	Checked      bool
}

// Choices are the fixed lengths a ban or block may have, the typed one checked.
func (v durationView) Choices() []choice {
	var out []choice
	for _, c := range []choice{{"1", "1 day", false}, {"7", "7 days", false}, {"30", "30 days", false}, {"forever", "Forever", false}} {
		c.Checked = v.Form.Duration == c.Value
		out = append(out, c)
	}
	return out
}

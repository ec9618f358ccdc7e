package notify

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// usageData is what templates/usage.tmpl sees.
type usageData struct {
	Name, Metric, What string
	Level              int
	Full, Monthly      bool
	Used, Limit        string
	MonthName, Reset   string
	Dashboard          string
}

// metricWords name each limit in a mail.
var metricWords = map[string]string{
	store.MetricSites: "sites", store.MetricViews: "page views", store.MetricComments: "comments",
}

// UsageMail tells an owner that their sites reached c.Level percent of a
// limit of their plan.
func UsageMail(c store.UsageCrossing, from Sender) (model.Mail, error) {
	month := time.Date(c.Month/100, time.Month(c.Month%100), 1, 0, 0, 0, 0, time.UTC)
	return compose("usage", c.Owner.Email, 0, from, usageData{
		Name: c.Owner.Name, Metric: c.Metric, What: metricWords[c.Metric], Level: c.Level, Full: c.Level >= store.NoticeFull,
		Monthly: c.Metric != store.MetricSites, Used: strconv.FormatInt(c.Used, 10), Limit: strconv.FormatInt(c.Limit, 10),
		MonthName: month.Format("January 2006"), Reset: month.AddDate(0, 1, 0).Format("2 January 2006"),
		Dashboard: from.URL + "/dashboard",
	})
}

// UsageCheckInterval is how often serve looks for owners who crossed 80% or
// 100% of a limit (SendUsageNotices): a notice leaves at most this long
// after the crossing.
const UsageCheckInterval = 5 * time.Minute

// SendUsageNotices queues the mail of every limit an owner crossed 80% or
// 100% of this month (UTC, by now) and was not told of. Each notice and its
// mail are written in one transaction, so that each is mailed once even
// when several servers run this at once. It returns how many it queued.
func SendUsageNotices(ctx context.Context, st *store.Store, from Sender, now time.Time) (int, error) {
	crossings, err := st.UsageCrossings(ctx, store.Month(now))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range crossings {
		m, err := UsageMail(c, from)
		if err != nil {
			return n, err
		}
		queued, err := st.RecordUsageNotice(ctx, c, m)
		if err != nil {
			return n, err
		}
		if queued {
			n++
		}
	}
	return n, nil
}

// broadcastData is what templates/broadcast.tmpl sees.
type broadcastData struct {
	Subject, Body string
	Paragraphs    []string
}

// BroadcastMail is the operator's message to one owner.
func BroadcastMail(to string, from Sender, subject, body string) (model.Mail, error) {
	body = strings.ReplaceAll(strings.TrimSpace(body), "\r\n", "\n")
	return compose("broadcast", to, 0, from, broadcastData{Subject: subject, Body: body, Paragraphs: strings.Split(body, "\n\n")})
}

// contactData is what templates/contact.tmpl sees.
type contactData struct {
	Name, Email, Message, Link string
}

// ContactMail carries a contact form message to one operator; link is the
// operator area's list of messages.
func ContactMail(to string, from Sender, name, email, message, link string) (model.Mail, error) {
	return compose("contact", to, 0, from, contactData{Name: name, Email: email, Message: message, Link: link})
}

// InstanceSender is the sender of mail about the instance itself: its
// host, and Parley's own address.
func InstanceSender(publicURL string) Sender {
	name := publicURL
	if u, err := url.Parse(publicURL); err == nil && u.Host != "" {
		name = u.Host
	}
	return Sender{Name: name, URL: publicURL}
}

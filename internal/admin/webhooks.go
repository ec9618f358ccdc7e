package admin

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// WebhookSettings configure the webhook pages (docs/webhooks.md).
type WebhookSettings struct {
	// AllowPrivate accepts endpoints on loopback and private addresses,
	// and http:// ones (PARLEY_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// Wake, optional, wakes the delivery worker after a delivery was
	// queued (webhook.Worker.Wake).
	Wake func()
}

// webhookEvents are the events a webhook may choose, as the form words them.
var webhookEvents = []option{
	{store.WebhookCommentCreated, "A comment is written, published or held (its status says which)"},
	{store.WebhookCommentApproved, "A held comment, or one marked spam, is approved"},
	{store.WebhookCommentDeleted, "A comment is deleted by its author, or rejected or deleted by a moderator"},
	{store.WebhookCommentEdited, "A comment is edited, by its author or a moderator"},
}

// webhooksData is what site_webhooks.html shows.
type webhooksData struct {
	frame
	Site          *model.Site
	Hooks         []store.Webhook
	Events        []option
	Max, URLMax   int
	URL           string          // as typed
	Chosen        map[string]bool // events as ticked
	Fields        map[string]string
	Done          string
	AllowsPrivate bool
}

// webhookData is what site_webhook.html shows.
type webhookData struct {
	frame
	Site    *model.Site
	Hook    *store.Webhook
	Events  []option
	Secret  string // on request (?show=secret) only
	Log     []store.WebhookDelivery
	LogRows int
	Done    string
}

// webhookDone are the messages of ?done= after a webhook form.
var webhookDone = map[string]string{
	"created": "The webhook is added. Give its secret to the endpoint, which checks every delivery's signature with it.",
	"test":    "A test event (ping) is on its way; it shows below once sent.",
	"resent":  "The delivery is queued again.",
	"deleted": "The webhook and its delivery log are deleted.",
}

// webhooksPage serves GET /dashboard/sites/{site}/webhooks: the site's
// webhooks and the form adding one (owner and operator).
func (h *Handler) webhooksPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	d := h.newWebhooksData(u, a.Site)
	d.Done = webhookDone[r.URL.Query().Get("done")]
	h.showWebhooks(w, r, d, http.StatusOK)
}

func (h *Handler) newWebhooksData(u *model.User, site *model.Site) webhooksData {
	return webhooksData{frame: frame{site.Host + " webhooks", u}, Site: site, Events: webhookEvents, Max: store.MaxWebhooksPerSite,
		URLMax: store.MaxWebhookURLLength, Chosen: map[string]bool{}, Fields: map[string]string{}, AllowsPrivate: h.Webhooks.AllowPrivate}
}

func (h *Handler) showWebhooks(w http.ResponseWriter, r *http.Request, d webhooksData, status int) {
	var err error
	if d.Hooks, err = h.Store.SiteWebhooks(r.Context(), d.Site.ID); err != nil {
		h.fail(w, r, d.Account, "list webhooks", err)
		return
	}
	h.render(w, r, status, "site_webhooks", d)
}

// webhookCreate serves POST /dashboard/sites/{site}/webhooks: url and the
// events ticked (event, repeated); the new webhook's page then shows its
// secret.
func (h *Handler) webhookCreate(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	d := h.newWebhooksData(u, a.Site)
	d.URL = strings.TrimSpace(r.PostForm.Get("url"))
	if msg := webhook.CheckURL(d.URL, h.Webhooks.AllowPrivate); msg != "" {
		d.Fields["url"] = msg
	}
	hook := &store.Webhook{SiteID: a.Site.ID, URL: d.URL}
	for _, e := range webhookEvents {
		if d.Chosen[e.Value] = slices.Contains(r.PostForm["event"], e.Value); d.Chosen[e.Value] {
			hook.Events = append(hook.Events, e.Value)
		}
	}
	if len(hook.Events) == 0 {
		d.Fields["event"] = "Choose at least one event."
	}
	if len(d.Fields) == 0 {
		err := h.Store.CreateWebhook(r.Context(), hook, privacy.NewToken())
		switch {
		case errors.Is(err, store.ErrWebhookLimit):
			d.Fields["url"] = fmt.Sprintf("This site has %d webhooks, as many as it may have; delete one first.", store.MaxWebhooksPerSite)
		case err != nil:
			h.fail(w, r, u, "create webhook", err)
			return
		default:
			http.Redirect(w, r, webhookURL(hook)+"?show=secret&done=created", http.StatusSeeOther)
			return
		}
	}
	h.showWebhooks(w, r, d, http.StatusBadRequest)
}

func webhookURL(hook *store.Webhook) string {
	return fmt.Sprintf("%s/webhooks/%d", siteURL(hook.SiteID), hook.ID)
}

// hook resolves the {hook} of the path for a site u manages; anything
// else gets the site's 404.
func (h *Handler) hook(w http.ResponseWriter, r *http.Request, u *model.User) (*model.Site, *store.Webhook, bool) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return nil, nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("hook"), 10, 64)
	if err != nil {
		h.notFound(w, r, u)
		return nil, nil, false
	}
	hook, err := h.Store.SiteWebhook(r.Context(), a.Site.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return nil, nil, false
	} else if err != nil {
		h.fail(w, r, u, "load webhook", err)
		return nil, nil, false
	}
	return a.Site, hook, true
}

// webhookPage serves GET /dashboard/sites/{site}/webhooks/{hook}: the
// webhook, its secret on request (?show=secret) and its delivery log.
func (h *Handler) webhookPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	site, hook, ok := h.hook(w, r, u)
	if !ok {
		return
	}
	d := webhookData{frame: frame{site.Host + " webhook", u}, Site: site, Hook: hook, Events: webhookEvents,
		LogRows: store.WebhookLogRows, Done: webhookDone[r.URL.Query().Get("done")]}
	var err error
	if r.URL.Query().Get("show") == "secret" {
		if d.Secret, err = h.Store.WebhookSecret(r.Context(), site.ID, hook.ID); err != nil {
			h.fail(w, r, u, "read webhook secret", err)
			return
		}
	}
	if d.Log, err = h.Store.WebhookDeliveries(r.Context(), site.ID, hook.ID); err != nil {
		h.fail(w, r, u, "read webhook log", err)
		return
	}
	h.render(w, r, http.StatusOK, "site_webhook", d)
}

// webhookTest serves POST /dashboard/sites/{site}/webhooks/{hook}/test:
// a ping to the endpoint, through the outbox like any event.
func (h *Handler) webhookTest(w http.ResponseWriter, r *http.Request, u *model.User) {
	site, hook, ok := h.hook(w, r, u)
	if !ok {
		return
	}
	if _, err := h.Store.QueueWebhookPing(r.Context(), site.ID, hook.ID); err != nil {
		h.fail(w, r, u, "queue webhook ping", err)
		return
	}
	h.wakeWebhooks()
	http.Redirect(w, r, webhookURL(hook)+"?done=test", http.StatusSeeOther)
}

// webhookResend serves POST /dashboard/sites/{site}/webhooks/{hook}/resend:
// the dead delivery named by the form's delivery is queued again, its
// attempts counted anew; any other answers 404.
func (h *Handler) webhookResend(w http.ResponseWriter, r *http.Request, u *model.User) {
	site, hook, ok := h.hook(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("delivery"), 10, 64)
	err := h.Store.ResendDelivery(r.Context(), site.ID, hook.ID, id, h.Now())
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return
	} else if err != nil {
		h.fail(w, r, u, "resend webhook delivery", err)
		return
	}
	h.wakeWebhooks()
	http.Redirect(w, r, webhookURL(hook)+"?done=resent", http.StatusSeeOther)
}

// webhookDelete serves POST /dashboard/sites/{site}/webhooks/{hook}/delete:
// the webhook goes, with its pending deliveries and its log.
func (h *Handler) webhookDelete(w http.ResponseWriter, r *http.Request, u *model.User) {
	site, hook, ok := h.hook(w, r, u)
	if !ok {
		return
	}
	if err := h.Store.DeleteWebhook(r.Context(), site.ID, hook.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, u, "delete webhook", err)
		return
	}
	http.Redirect(w, r, siteURL(site.ID)+"/webhooks?done=deleted", http.StatusSeeOther)
}

func (h *Handler) wakeWebhooks() {
	if h.Webhooks.Wake != nil {
		h.Webhooks.Wake()
	}
}

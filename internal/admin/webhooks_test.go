package admin_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// The webhook routes, for the permission walk (permissions_test.go): the
// owner's and the operator's only; a moderator gets 404 as a stranger does.
func init() {
	hookRoute := func(pattern, method, suffix string, form func(e *env, hook *store.Webhook) url.Values) {
		siteRoutes = append(siteRoutes, siteRoute{pattern, func(e *env, id int64) req {
			hook := e.webhook("https://hooks.example/parley")
			r := req{method: method, path: fmt.Sprintf("/dashboard/sites/%d/webhooks/%d%s", id, hook.ID, suffix)}
			if form != nil {
				r.form = form(e, hook)
			}
			return r
		}})
		ownerOnlyRoutes[pattern] = true
	}
	siteRoutes = append(siteRoutes,
		siteRoute{"GET /dashboard/sites/{site}/webhooks", func(e *env, id int64) req {
			return req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/webhooks", id)}
		}},
		siteRoute{"POST /dashboard/sites/{site}/webhooks", func(e *env, id int64) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/webhooks", id),
				form: url.Values{"url": {"https://hooks.example/new"}, "event": {store.WebhookCommentCreated}}}
		}})
	ownerOnlyRoutes["GET /dashboard/sites/{site}/webhooks"] = true
	ownerOnlyRoutes["POST /dashboard/sites/{site}/webhooks"] = true
	hookRoute("GET /dashboard/sites/{site}/webhooks/{hook}", "GET", "", nil)
	hookRoute("POST /dashboard/sites/{site}/webhooks/{hook}/test", "POST", "/test", func(*env, *store.Webhook) url.Values { return url.Values{} })
	hookRoute("POST /dashboard/sites/{site}/webhooks/{hook}/delete", "POST", "/delete", func(*env, *store.Webhook) url.Values { return url.Values{} })
	hookRoute("POST /dashboard/sites/{site}/webhooks/{hook}/resend", "POST", "/resend", func(e *env, hook *store.Webhook) url.Values {
		return url.Values{"delivery": {fmt.Sprint(e.deadDelivery(hook))}}
	})
}

// webhook returns site A's webhook to u, added if there is none,
// choosing every event.
func (e *env) webhook(u string) *store.Webhook {
	e.t.Helper()
	hooks, err := e.st.SiteWebhooks(context.Background(), e.siteA.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, w := range hooks {
		if w.URL == u {
			return &w
		}
	}
	w := &store.Webhook{SiteID: e.siteA.ID, URL: u, Events: store.WebhookEvents}
	if err := e.st.CreateWebhook(context.Background(), w, "secret"); err != nil {
		e.t.Fatal(err)
	}
	return w
}

// deadDelivery queues a ping to hook and records it dead, as the worker
// does after its last attempt; it returns the delivery's id.
func (e *env) deadDelivery(hook *store.Webhook) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.QueueWebhookPing(ctx, hook.SiteID, hook.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	due, err := e.st.ClaimDueDeliveries(ctx, time.Now().Add(time.Second), store.MaxWebhookClaim, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range due { // the ping dies; events of other requests' comments are delivered
		o := store.DeliveryOutcome{Status: store.DeliveryDelivered, At: time.Now(), HTTPStatus: 200}
		if d.ID == id {
			o = store.DeliveryOutcome{Status: store.DeliveryDead, At: time.Now(), HTTPStatus: 500, Error: "HTTP 500"}
		}
		if err := e.st.FinishDelivery(ctx, d.ID, d.Attempt, o); err != nil {
			e.t.Fatal(err)
		}
	}
	return id
}

// endpoint is a receiver of deliveries: it verifies each signature with
// secret (set once known) and answers status.
type endpoint struct {
	mu       sync.Mutex
	secret   string
	status   int
	events   []string
	verified int
}

func (p *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, r.Header.Get(webhook.HeaderEvent))
	if webhook.Verify(p.secret, body, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance) == nil {
		p.verified++
	}
	w.WriteHeader(p.status)
}

// TestWebhooksDashboard: the owner adds a webhook (each mistake next to its
// field, the typed values kept), reads its secret, and a comment posted
// through the API reaches a real endpoint, which verifies its signature;
// the test button sends a ping; a delivery given up shows in the log and
// is sent again from it; deleting the webhook takes its log. A moderator
// of the site gets 404 on every webhook page and changes nothing.
func TestWebhooksDashboard(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect, func(d *admin.Deps) { d.Webhooks.AllowPrivate = true })
			ctx := context.Background()
			p := &endpoint{status: http.StatusOK}
			srv := httptest.NewServer(p)
			t.Cleanup(srv.Close)
			base := fmt.Sprintf("/dashboard/sites/%d/webhooks", e.siteA.ID)
			post := func(path, token string, form url.Values) *httptest.ResponseRecorder {
				return e.do(req{method: "POST", path: path, token: token, form: form})
			}

			for _, tt := range []struct {
				form         url.Values
				field, error string
			}{
				{url.Values{"url": {"ftp://hooks.example/"}, "event": {"comment.created"}}, "url", "The address must start with https://."},
				{url.Values{"url": {"https://hooks.example/" + strings.Repeat("x", store.MaxWebhookURLLength)}, "event": {"comment.created"}}, "url", "Use an address of at most 2000 characters."},
				{url.Values{"url": {srv.URL + "/typed"}}, "event", "Choose at least one event."},
			} {
				w := post(base, e.ownerTok, tt.form)
				if w.Code != http.StatusBadRequest {
					t.Errorf("%.60v: %d, want 400", tt.form, w.Code)
				}
				fieldError(t, w.Body.String(), tt.field, tt.error)
				if u := tt.form.Get("url"); len(u) < 100 && !strings.Contains(w.Body.String(), `value="`+u+`"`) {
					t.Errorf("%v: the typed address is not kept", tt.form)
				}
			}

			w := post(base, e.ownerTok, url.Values{"url": {srv.URL + "/hook"}, "event": {store.WebhookCommentCreated, store.WebhookCommentApproved}})
			if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "?show=secret") {
				t.Fatalf("add: %d %s", w.Code, w.Header().Get("Location"))
			}
			hooks, _ := e.st.SiteWebhooks(ctx, e.siteA.ID)
			if len(hooks) != 1 || hooks[0].URL != srv.URL+"/hook" || len(hooks[0].Events) != 2 {
				t.Fatalf("stored %+v", hooks)
			}
			hook := hooks[0]
			page := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.ownerTok}).Body.String()
			secret, _ := e.st.WebhookSecret(ctx, e.siteA.ID, hook.ID)
			if len(secret) < 32 || !strings.Contains(page, `<code class="secret">`+secret+`</code>`) {
				t.Fatalf("the new webhook's page does not show its secret")
			}
			if page := e.do(req{method: "GET", path: webhookPath(hook), token: e.ownerTok}).Body.String(); strings.Contains(page, secret) {
				t.Errorf("the secret is shown without being asked for")
			}
			p.mu.Lock()
			p.secret = secret
			p.mu.Unlock()

			// A moderator is refused as a stranger, and changes nothing.
			for _, r := range []req{{method: "GET", path: base}, {method: "GET", path: webhookPath(hook) + "?show=secret"},
				{method: "POST", path: base, form: url.Values{"url": {"https://hooks.example/mod"}, "event": {"comment.created"}}},
				{method: "POST", path: webhookPath(hook) + "/test", form: url.Values{}},
				{method: "POST", path: webhookPath(hook) + "/delete", form: url.Values{}}} {
				r.token = e.modTok
				if w := e.do(r); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), secret) {
					t.Errorf("moderator %s %s: %d, want 404", r.method, r.path, w.Code)
				}
			}
			if hooks, _ := e.st.SiteWebhooks(ctx, e.siteA.ID); len(hooks) != 1 {
				t.Errorf("a moderator changed the webhooks: %+v", hooks)
			}

			worker := webhook.NewWorker(e.st, webhook.WorkerOptions{AllowPrivate: true, MaxAttempts: 1})
			deliver := func() {
				t.Helper()
				if _, err := worker.DeliverDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			e.postComment("Ann", "Hello hooks") // held: site A holds every comment
			if w := post(webhookPath(hook)+"/test", e.ownerTok, url.Values{}); w.Code != http.StatusSeeOther {
				t.Fatalf("test: %d", w.Code)
			}
			deliver()
			p.mu.Lock()
			if strings.Join(p.events, " ") != "comment.created ping" || p.verified != 2 {
				t.Errorf("the endpoint got %v, %d verified", p.events, p.verified)
			}
			p.status = http.StatusServiceUnavailable
			p.mu.Unlock()

			// Given up after its one attempt, then sent again from the log.
			if w := post(webhookPath(hook)+"/test", e.ownerTok, url.Values{}); w.Code != http.StatusSeeOther {
				t.Fatalf("test: %d", w.Code)
			}
			deliver()
			log := e.do(req{method: "GET", path: webhookPath(hook), token: e.ownerTok}).Body.String()
			for _, want := range []string{"given up", "HTTP 503", "Send again", "delivered", "HTTP 200"} {
				if !strings.Contains(log, want) {
					t.Errorf("the delivery log lacks %q", want)
				}
			}
			logged, _ := e.st.WebhookDeliveries(ctx, e.siteA.ID, hook.ID)
			if w := post(webhookPath(hook)+"/resend", e.ownerTok, url.Values{"delivery": {fmt.Sprint(logged[1].ID)}}); w.Code != http.StatusNotFound {
				t.Errorf("resending a delivered one: %d, want 404", w.Code)
			}
			p.mu.Lock()
			p.status = http.StatusOK
			p.mu.Unlock()
			if w := post(webhookPath(hook)+"/resend", e.ownerTok, url.Values{"delivery": {fmt.Sprint(logged[0].ID)}}); w.Code != http.StatusSeeOther {
				t.Fatalf("resend: %d", w.Code)
			}
			deliver()
			if logged, _ := e.st.WebhookDeliveries(ctx, e.siteA.ID, hook.ID); logged[0].Status != store.DeliveryDelivered {
				t.Errorf("resent: %+v", logged[0])
			}

			if w := post(webhookPath(hook)+"/delete", e.ownerTok, url.Values{}); w.Code != http.StatusSeeOther {
				t.Fatalf("delete: %d", w.Code)
			}
			if w := e.do(req{method: "GET", path: webhookPath(hook), token: e.ownerTok}); w.Code != http.StatusNotFound {
				t.Errorf("a deleted webhook's page: %d", w.Code)
			}
		})
	}
}

func webhookPath(hook store.Webhook) string {
	return fmt.Sprintf("/dashboard/sites/%d/webhooks/%d", hook.SiteID, hook.ID)
}

// TestWebhookFormLimits: without PARLEY_WEBHOOK_ALLOW_PRIVATE a loopback
// or private endpoint is refused next to its field; a site takes at most
// store.MaxWebhooksPerSite webhooks, and the form says so.
func TestWebhookFormLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	base := fmt.Sprintf("/dashboard/sites/%d/webhooks", e.siteA.ID)
	for _, u := range []string{"https://127.0.0.1:8443/hook", "https://10.0.0.8/hook", "http://hooks.example/"} {
		w := e.do(req{method: "POST", path: base, token: e.ownerTok, form: url.Values{"url": {u}, "event": {"comment.created"}}})
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", u, w.Code)
		}
		if !strings.Contains(w.Body.String(), `id="url-error"`) {
			t.Errorf("%s: no error next to the address", u)
		}
	}
	for i := range store.MaxWebhooksPerSite + 1 {
		w := e.do(req{method: "POST", path: base, token: e.ownerTok, form: url.Values{"url": {fmt.Sprintf("https://hooks.example/%d", i)}, "event": {"comment.deleted"}}})
		if i < store.MaxWebhooksPerSite && w.Code != http.StatusSeeOther {
			t.Fatalf("webhook %d: %d", i+1, w.Code)
		}
		if i == store.MaxWebhooksPerSite {
			if w.Code != http.StatusBadRequest {
				t.Errorf("webhook %d: %d, want 400", i+1, w.Code)
			}
			fieldError(t, w.Body.String(), "url", fmt.Sprintf("This site has %d webhooks, as many as it may have; delete one first.", store.MaxWebhooksPerSite))
		}
	}
}

package admin_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

// The operator area's routes (operator only, everyone else 404) and the
// public contact form, for TestEveryRouteChecksPermissions.
func init() {
	get := func(path string) func(e *env) req {
		return func(e *env) req { return req{method: "GET", path: path} }
	}
	post := func(path string, form url.Values) func(e *env) req {
		return func(e *env) req { return req{method: "POST", path: path, form: form} }
	}
	account := func(suffix string, form url.Values) func(e *env) req {
		return func(e *env) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/operator/accounts/%d%s", e.owner.ID, suffix), form: form}
		}
	}
	plan := func(method, suffix string, form url.Values) func(e *env) req {
		return func(e *env) req {
			return req{method: method, path: fmt.Sprintf("/dashboard/operator/plans/%d%s", e.plan("small").ID, suffix), form: form}
		}
	}
	message := func(suffix string) func(e *env) req {
		return func(e *env) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/operator/messages/%d/%s", e.contactMessage().ID, suffix), form: url.Values{}}
		}
	}
	limits := url.Values{"name": {"pro"}, "max_sites": {"3"}, "max_views": {""}, "max_comments": {"100"}, "max_upload_bytes": {""}}
	operatorRoutes = append(operatorRoutes,
		otherRoute{"GET /dashboard/operator", get("/dashboard/operator?q=owner"), 0},
		otherRoute{"GET /dashboard/operator/accounts/{account}", func(e *env) req {
			return req{method: "GET", path: fmt.Sprintf("/dashboard/operator/accounts/%d", e.owner.ID)}
		}, 0},
		otherRoute{"POST /dashboard/operator/accounts/{account}/plan", account("/plan", url.Values{"plan": {"0"}}), 0},
		otherRoute{"POST /dashboard/operator/accounts/{account}/suspend", account("/suspend", url.Values{"suspended": {"1"}}), 0},
		otherRoute{"POST /dashboard/operator/accounts/{account}/delete", account("/delete", url.Values{"confirm": {"owner@example.com"}}), 0},
		otherRoute{"GET /dashboard/operator/plans", get("/dashboard/operator/plans"), 0},
		otherRoute{"POST /dashboard/operator/plans", post("/dashboard/operator/plans", limits), 0},
		otherRoute{"GET /dashboard/operator/plans/{plan}", plan("GET", "", nil), 0},
		otherRoute{"POST /dashboard/operator/plans/{plan}", plan("POST", "", limits), 0},
		otherRoute{"POST /dashboard/operator/plans/{plan}/delete", plan("POST", "/delete", url.Values{}), 0},
		otherRoute{"GET /dashboard/operator/sites", get("/dashboard/operator/sites"), 0},
		otherRoute{"GET /dashboard/operator/settings", get("/dashboard/operator/settings"), 0},
		otherRoute{"POST /dashboard/operator/settings", post("/dashboard/operator/settings", url.Values{"default_plan": {"0"}}), 0},
		otherRoute{"GET /dashboard/operator/audit", get("/dashboard/operator/audit"), 0},
		otherRoute{"GET /dashboard/operator/mail", get("/dashboard/operator/mail"), 0},
		otherRoute{"GET /dashboard/operator/broadcasts", get("/dashboard/operator/broadcasts"), 0},
		otherRoute{"POST /dashboard/operator/broadcasts", post("/dashboard/operator/broadcasts", url.Values{"subject": {"Policy"}, "body": {"Changed."}}), 0},
		otherRoute{"GET /dashboard/operator/broadcasts/{broadcast}", func(e *env) req {
			return req{method: "GET", path: fmt.Sprintf("/dashboard/operator/broadcasts/%d", e.broadcast().ID)}
		}, 0},
		otherRoute{"GET /dashboard/operator/messages", get("/dashboard/operator/messages"), 0},
		otherRoute{"POST /dashboard/operator/messages/{message}/handled", message("handled"), 0},
		otherRoute{"POST /dashboard/operator/messages/{message}/delete", message("delete"), 0},
	)
	publicRoutes = append(publicRoutes,
		otherRoute{"GET /dashboard/contact", get("/dashboard/contact"), 0},
		otherRoute{"POST /dashboard/contact", post("/dashboard/contact", contactForm("")), 0},
	)
}

func contactForm(altcha string) url.Values {
	return url.Values{"name": {"Vera Visitor"}, "email": {"vera@example.org"}, "message": {"Do you host in the EU?"}, "altcha": {altcha}}
}

// plan creates a plan of that name, with at most 10 comments a month.
func (e *env) plan(name string) store.Plan {
	list, _ := e.st.Plans(context.Background())
	for _, p := range list {
		if p.Name == name {
			return p.Plan
		}
	}
	p := store.Plan{Name: name, MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: 10, MaxUploadBytes: store.Unlimited}
	if err := e.st.CreatePlan(context.Background(), &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) contactMessage() store.ContactMessage {
	m := store.ContactMessage{Name: "Vera", Email: "vera@example.org", Message: "Hello"}
	if err := e.st.CreateContactMessage(context.Background(), &m, nil); err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) broadcast() store.Broadcast {
	b := store.Broadcast{Subject: "Policy", Body: "Changed."}
	mail := model.Mail{Kind: "broadcast", To: "owner@example.com", Subject: "Policy", Text: "t", HTML: "h"}
	if err := e.st.CreateBroadcast(context.Background(), &b, []store.BroadcastMail{{UserID: e.owner.ID, Mail: mail}}); err != nil {
		e.t.Fatal(err)
	}
	return b
}

// withOperatorDeps rebuilds the server of e with the dashboard's optional
// dependencies: a proof-of-work CAPTCHA, the API's contact limit, and the
// configuration the settings page shows.
func (e *env) withOperatorDeps(cfg *config.Config) *captcha.Service {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	apiHandler := api.New(api.Deps{Store: e.st, Comments: comment.NewService(e.st, markup.New(), time.Now),
		Views: stats.NewViewCounter(e.st, time.Now, log), ClientIP: clientip.New(nil).IP, WriteRate: 1000, Burst: 1000, Log: log, Now: time.Now,
		PublicURL: "https://comments.example"})
	cap, err := captcha.New([]byte("operator-test-captcha-key-0123456789"), captcha.MinDifficulty, e.st, time.Now)
	if err != nil {
		e.t.Fatal(err)
	}
	dash, err := admin.New(admin.Deps{Store: e.st, Sessions: e.sessions, SignIn: apiHandler.SignIn, Changed: apiHandler.Changed,
		PublicURL: "https://comments.example", Log: log, Captcha: cap, AllowContact: apiHandler.AllowContact, Settings: cfg.Shown()})
	if err != nil {
		e.t.Fatal(err)
	}
	e.handler = server.Handler(log, e.st, nil, apiHandler, dash)
	return cap
}

// TestPlanFormErrorsNextToFields: each wrong limit is named next to its
// field, the typed values stay, nothing is saved; a correct form adds the
// plan and an edit changes it.
func TestPlanFormErrorsNextToFields(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.do(req{method: "POST", path: "/dashboard/operator/plans", token: e.opTok,
		form: url.Values{"name": {""}, "max_sites": {"-1"}, "max_views": {"lots"}, "max_comments": {"5"}, "max_upload_bytes": {"9999999999999999999"}}})
	b := w.Body.String()
	for _, field := range []string{"name", "max_sites", "max_views", "max_upload_bytes"} {
		if !strings.Contains(b, `id="`+field+`-error"`) || !strings.Contains(b, field+`-error"`) {
			t.Errorf("no error next to %s", field)
		}
	}
	if w.Code != http.StatusBadRequest || strings.Contains(b, `id="max_comments-error"`) || !strings.Contains(b, `value="lots"`) ||
		!strings.Contains(b, `aria-describedby="limit-hint max_views-error"`) {
		t.Errorf("bad plan form: %d %s", w.Code, b)
	}
	if list, _ := e.st.Plans(context.Background()); len(list) != 0 {
		t.Errorf("a refused form saved %v", list)
	}
	good := url.Values{"name": {"Starter"}, "max_sites": {"1"}, "max_views": {""}, "max_comments": {"100"}, "max_upload_bytes": {""}}
	if w := e.do(req{method: "POST", path: "/dashboard/operator/plans", token: e.opTok, form: good}); w.Code != http.StatusSeeOther {
		t.Fatalf("good plan: %d %s", w.Code, w.Body)
	}
	if w := e.do(req{method: "POST", path: "/dashboard/operator/plans", token: e.opTok, form: good}); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), `id="name-error">A plan has this name already.`) {
		t.Errorf("same name again: %d %s", w.Code, w.Body)
	}
	list, _ := e.st.Plans(context.Background())
	if len(list) != 1 || list[0].MaxSites != 1 || list[0].MaxViews != store.Unlimited || list[0].MaxComments != 100 {
		t.Fatalf("plans: %+v", list)
	}
	good.Set("max_comments", "")
	if w := e.do(req{method: "POST", path: fmt.Sprintf("/dashboard/operator/plans/%d", list[0].ID), token: e.opTok, form: good}); w.Code != http.StatusSeeOther {
		t.Errorf("edit: %d %s", w.Code, w.Body)
	}
	if p, _ := e.st.PlanByID(context.Background(), list[0].ID); p.MaxComments != store.Unlimited {
		t.Errorf("edited plan: %+v", p)
	}
}

// TestSuspendAndDeleteAccount: a suspended owner is signed out at once and
// cannot sign in again; lifting it lets them in; deletion needs the email
// typed and removes the account with its sites.
func TestSuspendAndDeleteAccount(t *testing.T) {
	e := newEnv(t, "sqlite")
	path := fmt.Sprintf("/dashboard/operator/accounts/%d", e.owner.ID)
	if w := e.do(req{method: "POST", path: path + "/suspend", token: e.opTok, form: url.Values{"suspended": {"1"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("suspend: %d %s", w.Code, w.Body)
	}
	if w := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}); w.Code != http.StatusSeeOther {
		t.Errorf("the suspended owner's session still works: %d", w.Code)
	}
	in := e.do(signIn("owner@example.com", password, false))
	if in.Code != http.StatusForbidden || !strings.Contains(in.Body.String(), "This account is suspended.") || len(in.Result().Cookies()) != 0 {
		t.Errorf("suspended sign-in: %d %s", in.Code, in.Body)
	}
	if w := e.do(req{method: "GET", path: path, token: e.opTok}); !strings.Contains(w.Body.String(), "suspended since") {
		t.Errorf("account page does not say suspended: %s", w.Body)
	}
	// The operator cannot suspend themselves.
	self := fmt.Sprintf("/dashboard/operator/accounts/%d/suspend", e.operator.ID)
	if w := e.do(req{method: "POST", path: self, token: e.opTok, form: url.Values{"suspended": {"1"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("self-suspension: %d", w.Code)
	}
	e.do(req{method: "POST", path: path + "/suspend", token: e.opTok, form: url.Values{"suspended": {"0"}}})
	if in := e.do(signIn("owner@example.com", password, false)); in.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the suspension was lifted: %d", in.Code)
	}

	w := e.do(req{method: "POST", path: path + "/delete", token: e.opTok, form: url.Values{"confirm": {"someone@example.com"}}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `aria-describedby="confirm-error"`) {
		t.Errorf("delete without the email: %d %s", w.Code, w.Body)
	}
	if w := e.do(req{method: "POST", path: path + "/delete", token: e.opTok, form: url.Values{"confirm": {"Owner@Example.com"}}}); w.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	ctx := context.Background()
	if _, err := e.st.UserByID(ctx, e.owner.ID); err == nil {
		t.Error("the account is still there")
	}
	if _, err := e.st.SiteByID(ctx, e.siteA.ID); err == nil {
		t.Error("the account's site is still there")
	}
	if _, err := e.st.SiteByID(ctx, e.siteB.ID); err != nil {
		t.Errorf("another owner's site went too: %v", err)
	}
}

// TestHomeShowsUsageBars: an owner sees each limit of their plan with a
// bar and its numbers in words; a moderator who owns nothing sees none.
func TestHomeShowsUsageBars(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	p := e.plan("small") // 10 comments a month
	if err := e.st.SetUserPlan(ctx, e.owner.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	b := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}).Body.String()
	// Site A has two held comments of this month.
	for _, want := range []string{"Your usage in", "Your plan: small.", "Comments this month", "2 of 10 (20%)", `<meter min="0" max="100" value="20"`,
		"Page views this month", "0 (unlimited)", "The images stored on your sites now"} {
		if !strings.Contains(b, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	if b := e.do(req{method: "GET", path: "/dashboard", token: e.modTok}).Body.String(); strings.Contains(b, "Your usage") {
		t.Error("a moderator who owns no site sees usage")
	}
}

// TestBroadcastToOwners: the form's errors are next to its fields; a
// broadcast queues one mail per owner and lists its recipients.
func TestBroadcastToOwners(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.do(req{method: "POST", path: "/dashboard/operator/broadcasts", token: e.opTok, form: url.Values{"subject": {""}, "body": {"Kept text"}}})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `id="subject-error"`) || !strings.Contains(w.Body.String(), "Kept text") {
		t.Errorf("no subject: %d %s", w.Code, w.Body)
	}
	w = e.do(req{method: "POST", path: "/dashboard/operator/broadcasts", token: e.opTok, form: url.Values{"subject": {"New policy"}, "body": {"We changed it."}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/operator/broadcasts?sent=2" {
		t.Fatalf("send: %d %q", w.Code, w.Header().Get("Location"))
	}
	list, _ := e.st.Broadcasts(context.Background())
	if len(list) != 1 || list[0].Recipients != 2 {
		t.Fatalf("broadcasts: %+v", list)
	}
	page := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/operator/broadcasts/%d", list[0].ID), token: e.opTok}).Body.String()
	if !strings.Contains(page, "owner@example.com") || !strings.Contains(page, "stranger@example.com") || strings.Contains(page, "mod@example.com") {
		t.Errorf("recipients: %s", page)
	}
	if n, _ := e.st.PendingMailCount(context.Background()); n != 2 {
		t.Errorf("%d mails queued, want 2", n)
	}
}

// TestContactForm: the page allows the solver's script only; fields are
// checked next to them; without a solved puzzle the message is refused; a
// solved one stores it (email sealed), mails the operator and shows it in
// the operator area; the network's limit stops a flood with 429.
func TestContactForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	cfg := &config.Config{SMTPURL: "smtp://user:secret-password@mail.example:587", LogLevel: "info"}
	cap := e.withOperatorDeps(cfg)
	page := e.do(req{method: "GET", path: "/dashboard/contact"})
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(page.Body.String(), `src="/captcha.js`) {
		t.Errorf("contact page CSP %q", csp)
	}
	if csp := e.do(req{method: "GET", path: "/dashboard/signin"}).Header().Get("Content-Security-Policy"); csp != admin.CSP {
		t.Errorf("other pages' CSP changed: %q", csp)
	}
	w := e.do(req{method: "POST", path: "/dashboard/contact", form: url.Values{"name": {""}, "email": {"not-an-email"}, "message": {strings.Repeat("x", store.MaxContactMessage+1)}}})
	for _, f := range []string{"name", "email", "message"} {
		if !strings.Contains(w.Body.String(), `aria-describedby="`+f+`-error"`) {
			t.Errorf("no error next to %s", f)
		}
	}
	if w.Code != http.StatusBadRequest {
		t.Errorf("bad form: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: "/dashboard/contact", form: contactForm("")}); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), `id="altcha-error"`) || !strings.Contains(w.Body.String(), "Do you host in the EU?") {
		t.Errorf("without the puzzle: %d %s", w.Code, w.Body)
	}
	ch, _ := cap.Challenge()
	solution, _ := captcha.Solve(ch)
	if w := e.do(req{method: "POST", path: "/dashboard/contact", form: contactForm(solution)}); w.Code != http.StatusSeeOther {
		t.Fatalf("solved: %d %s", w.Code, w.Body)
	}
	msgs, _ := e.st.ContactMessages(context.Background())
	if len(msgs) != 1 || msgs[0].Email != "vera@example.org" {
		t.Fatalf("messages: %+v", msgs)
	}
	if n, _ := e.st.PendingMailCount(context.Background()); n != 1 {
		t.Errorf("%d mails to operators, want 1", n)
	}
	list := e.do(req{method: "GET", path: "/dashboard/operator/messages", token: e.opTok}).Body.String()
	if !strings.Contains(list, "Vera Visitor") || !strings.Contains(list, "vera@example.org") {
		t.Errorf("operator's list: %s", list)
	}
	// Past the burst (two messages so far counted: the refused puzzle and
	// the sent one), the network waits.
	var last int
	for range api.ContactBurst {
		last = e.do(req{method: "POST", path: "/dashboard/contact", form: contactForm("")}).Code
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("past the network's limit: %d, want 429", last)
	}
	settings := e.do(req{method: "GET", path: "/dashboard/operator/settings", token: e.opTok}).Body.String()
	if strings.Contains(settings, "secret-password") || !strings.Contains(settings, "PARLEY_SMTP_URL") || !strings.Contains(settings, "(set)") {
		t.Errorf("settings page shows a secret or misses it: %s", settings)
	}
}

// TestOperatorPostsRefuseCrossOrigin: every POST of the operator area and
// the contact form is refused with 403 when it comes from another site,
// even with the operator's cookie.
func TestOperatorPostsRefuseCrossOrigin(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, r := range append(append([]otherRoute{}, operatorRoutes...), publicRoutes...) {
		q := r.req(e)
		if q.method != "POST" {
			continue
		}
		q.token, q.header = e.opTok, map[string]string{"Sec-Fetch-Site": "cross-site"}
		if w := e.do(q); w.Code != http.StatusForbidden {
			t.Errorf("%s cross-site: %d, want 403", r.pattern, w.Code)
		}
	}
	if _, err := e.st.UserByID(context.Background(), e.owner.ID); err != nil {
		t.Errorf("a refused post deleted the owner: %v", err)
	}
	if ok, _ := e.st.Suspended(context.Background(), e.owner.ID); ok {
		t.Error("a refused post suspended the owner")
	}
}

// TestOperatorListsAndBounds: the account search finds an exact email
// (through the blind index) or part of a name, not part of an email; the
// sites list shows owners and the month's counts; every bound of the
// operator's forms is pushed past.
func TestOperatorListsAndBounds(t *testing.T) {
	e := newEnv(t, "sqlite")
	search := func(q string) string {
		return e.do(req{method: "GET", path: "/dashboard/operator?q=" + url.QueryEscape(q), token: e.opTok}).Body.String()
	}
	if b := search("OWNER@example.com"); !strings.Contains(b, "owner@example.com") || strings.Contains(b, "stranger@example.com") {
		t.Errorf("exact email: %s", b)
	}
	if b := search("strang"); !strings.Contains(b, "stranger@example.com") || strings.Contains(b, "owner@example.com") {
		t.Errorf("part of a name: %s", b)
	}
	if b := search("@example.com"); strings.Contains(b, "owner@example.com") {
		t.Error("part of an email matched: emails are sealed, only the exact one can be looked up")
	}
	sites := e.do(req{method: "GET", path: "/dashboard/operator/sites", token: e.opTok}).Body.String()
	if !strings.Contains(sites, "a.example") || !strings.Contains(sites, "owner@example.com") || !strings.Contains(sites, "<td>2</td>") {
		t.Errorf("sites list: %s", sites)
	}

	tooLong := []struct {
		path string
		form url.Values
		want string
	}{
		{"/dashboard/operator/plans", url.Values{"name": {"x"}, "max_sites": {fmt.Sprint(admin.MaxPlanLimit + 1)}}, `id="max_sites-error"`},
		{"/dashboard/operator/plans", url.Values{"name": {strings.Repeat("n", store.MaxPlanNameLen+1)}}, `id="name-error"`},
		{"/dashboard/operator/broadcasts", url.Values{"subject": {strings.Repeat("s", store.MaxBroadcastSubject+1)}, "body": {"b"}}, `id="subject-error"`},
		{"/dashboard/operator/broadcasts", url.Values{"subject": {"s"}, "body": {strings.Repeat("b", store.MaxBroadcastBody+1)}}, `id="body-error"`},
		{"/dashboard/contact", url.Values{"name": {strings.Repeat("é", store.MaxContactName+1)}, "email": {"a@example.org"}, "message": {"m"}}, `id="name-error"`},
		{"/dashboard/contact", url.Values{"name": {"n"}, "email": {"a@example.org"}, "message": {strings.Repeat("m", admin.MaxTextFormBytes)}}, `could not be read`},
	}
	for _, tt := range tooLong {
		w := e.do(req{method: "POST", path: tt.path, token: e.opTok, form: tt.form})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("%s past a bound: %d, want 400 with %s", tt.path, w.Code, tt.want)
		}
	}
	if list, _ := e.st.Broadcasts(context.Background()); len(list) != 0 {
		t.Errorf("a refused broadcast was sent: %+v", list)
	}
}

package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// MaxSiteOrigins is how many extra origins (www., staging hosts) a site
// may have besides https://HOST and http://HOST.
const MaxSiteOrigins = 20

// SitePagesPageSize is how many pages of a site one page of its pages list
// shows; MaxSitePagesPage is the last page number served (the offset scan
// stays bounded).
const (
	SitePagesPageSize = 50
	MaxSitePagesPage  = 1000
)

// newSiteData is what site_new.html shows.
type newSiteData struct {
	frame
	Host, Origins string
	Fields        map[string]string // per field name, shown next to it
}

// newSitePage serves GET /dashboard/sites/new.
func (h *Handler) newSitePage(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.render(w, r, http.StatusOK, "site_new", newSiteData{frame: frame{"Add a site", u}})
}

// newSiteSubmit serves POST /dashboard/sites/new (host, origins): a new
// site owned by the account, live at once when the account's email is
// confirmed (or it is the operator's), otherwise waiting for that
// confirmation (model.Site.Waiting). It goes to the site's page.
func (h *Handler) newSiteSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	d := newSiteData{frame: frame{"Add a site", u}, Fields: map[string]string{}}
	if !h.limitForm(w, r) {
		d.Fields["host"] = "The form could not be read; try again."
		h.render(w, r, http.StatusBadRequest, "site_new", d)
		return
	}
	d.Host, d.Origins = r.PostForm.Get("host"), r.PostForm.Get("origins")
	site := &model.Site{OwnerID: u.ID, Settings: model.DefaultSiteSettings(), Waiting: !u.Verified() && u.Role != model.RoleOperator}
	host, err := model.ParseHost(d.Host)
	if err != nil {
		d.Fields["host"] = "Enter a domain such as example.com (with a port if it has one: localhost:3000)."
	}
	site.Host = host
	if site.Origins, err = parseOrigins(d.Origins, site); err != nil {
		d.Fields["origins"] = err.Error()
	}
	if len(d.Fields) == 0 {
		err = h.Store.CreateSite(r.Context(), site)
		if errors.Is(err, store.ErrExists) {
			d.Fields["host"] = host + " is registered already."
		} else if err != nil {
			h.fail(w, r, u, "create site", err)
			return
		}
	}
	if len(d.Fields) > 0 {
		h.render(w, r, http.StatusBadRequest, "site_new", d)
		return
	}
	h.SiteChanged(r.Context(), site.ID)
	http.Redirect(w, r, siteURL(site.ID), http.StatusSeeOther)
}

// parseOrigins reads the extra origins of a site from text (separated by
// spaces, commas or lines): each an origin as model.ParseOrigin takes it,
// those the site allows anyway (https://HOST, http://HOST) and repeats
// dropped, at most MaxSiteOrigins.
func parseOrigins(text string, site *model.Site) ([]string, error) {
	var out []string
	probe := &model.Site{Host: site.Host}
	for _, o := range strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' }) {
		origin, err := model.ParseOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("%s: enter origins such as https://www.example.com, one a line", err)
		}
		if !probe.AllowsOrigin(origin) {
			probe.Origins = append(probe.Origins, origin)
			out = append(out, origin)
		}
	}
	if len(out) > MaxSiteOrigins {
		return nil, fmt.Errorf("a site has at most %d extra origins; this list has %d", MaxSiteOrigins, len(out))
	}
	return out, nil
}

// siteData is what site.html shows.
type siteData struct {
	frame
	Site             *model.Site
	Role             model.Role
	Manages          bool // the owner or the operator: settings, members, deletion
	Mine             bool // the account is the site's owner of record
	Snippet          string
	Pages            []store.PageSummary
	Page             int
	PrevURL, NextURL string
}

// sitePage serves GET /dashboard/sites/{site}?page=N: whether the site is
// live, its embed snippet, and its pages with their lock buttons.
func (h *Handler) sitePage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	page, err := pageNumber(r.URL.Query().Get("page"), MaxSitePagesPage)
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	pages, err := h.Store.SitePages(r.Context(), a.Site.ID, (page-1)*SitePagesPageSize, SitePagesPageSize+1)
	if err != nil {
		h.fail(w, r, u, "list pages", err)
		return
	}
	d := siteData{frame: frame{a.Site.Host, u}, Site: a.Site, Role: a.Role, Manages: manages(a, u),
		Mine: a.Site.OwnerID == u.ID, Snippet: h.snippet(a.Site), Pages: pages, Page: page}
	if len(pages) > SitePagesPageSize {
		d.Pages, d.NextURL = pages[:SitePagesPageSize], sitePagesURL(a.Site.ID, page+1)
	}
	if page > 1 {
		d.PrevURL = sitePagesURL(a.Site.ID, page-1)
	}
	h.render(w, r, http.StatusOK, "site", d)
}

// snippet is the HTML a site's pages embed (docs/embedding.md), naming the
// site so that it works on its extra origins too.
func (h *Handler) snippet(site *model.Site) string {
	base := strings.TrimRight(h.PublicURL, "/")
	return fmt.Sprintf("<div id=\"parley\"></div>\n<script src=\"%s/js/parley.js\" data-site=\"%s\" defer></script>", base, site.Host)
}

// pageNumber reads a page number: 1 when empty, else 1 to last.
func pageNumber(s string, last int) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > last {
		return 0, fmt.Errorf("page must be a number from 1 to %d", last)
	}
	return n, nil
}

func siteURL(id int64) string { return fmt.Sprintf("/dashboard/sites/%d", id) }

func sitePagesURL(id int64, page int) string {
	if page <= 1 {
		return siteURL(id) + "#pages"
	}
	return siteURL(id) + "?" + url.Values{"page": {strconv.Itoa(page)}}.Encode() + "#pages"
}

// manages reports whether the account may change the site itself (its
// settings, members, owner, deletion): its owner or the operator, not a
// moderator.
func manages(a siteAccess, u *model.User) bool {
	return a.Role == model.RoleOwner || a.Role == model.RoleOperator || u.Role == model.RoleOperator
}

// manage resolves the {site} of the path for its owner or the operator.
// Anyone else, the site's moderators included, gets the same 404 as for a
// site that does not exist (written here).
func (h *Handler) manage(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, bool) {
	a, ok := h.site(w, r, u)
	if ok && !manages(a, u) {
		h.notFound(w, r, u)
		return a, false
	}
	return a, ok
}

// limitForm reads a posted form of at most MaxFormBytes; false when it
// could not be read, for a caller that says so next to a field.
func (h *Handler) limitForm(w http.ResponseWriter, r *http.Request) bool {
	return readForm(w, r, MaxFormBytes)
}

// readForm reads a posted form of at most limit bytes; false when it could
// not be read.
func readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return r.ParseForm() == nil
}

// deleteSiteData is what site_delete.html shows.
type deleteSiteData struct {
	frame
	Site    *model.Site
	Confirm string
	Fields  map[string]string
}

// deleteSitePage serves GET /dashboard/sites/{site}/delete.
func (h *Handler) deleteSitePage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "site_delete", deleteSiteData{frame: frame{"Delete " + a.Site.Host, u}, Site: a.Site})
}

// deleteSiteSubmit serves POST /dashboard/sites/{site}/delete (confirm:
// the site's domain, typed): the site and everything under it are deleted
// at once (store.DeleteSite, promise P7); it goes home.
func (h *Handler) deleteSiteSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	d := deleteSiteData{frame: frame{"Delete " + a.Site.Host, u}, Site: a.Site, Fields: map[string]string{}}
	if !h.limitForm(w, r) {
		d.Fields["confirm"] = "The form could not be read; try again."
	} else if d.Confirm = r.PostForm.Get("confirm"); strings.ToLower(strings.TrimSpace(d.Confirm)) != a.Site.Host {
		d.Fields["confirm"] = "Type " + a.Site.Host + " to confirm."
	}
	if len(d.Fields) > 0 {
		h.render(w, r, http.StatusBadRequest, "site_delete", d)
		return
	}
	if err := h.Store.DeleteSite(r.Context(), a.Site.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, u, "delete site", err)
		return
	}
	h.Log.InfoContext(r.Context(), "site deleted", "site_id", a.Site.ID, "actor_id", u.ID)
	h.SiteChanged(r.Context(), a.Site.ID)
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

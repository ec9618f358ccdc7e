package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The broadest ranges one IP block may cover: a typo such as 0.0.0.0/0
// must not shut a site.
const (
	MinIPv4BlockBits = 8
	MinIPv6BlockBits = 32
)

// banRow and blockRow are a ban and a block as bans.html lists them.
type banRow struct {
	ID                  int64
	Who, Scope, Until   string
	Since               string
	CommentID           int64
	Everywhere, CanLift bool
}

type blockRow struct {
	ID                  int64
	What, Scope, Until  string
	Since               string
	CanLift, Everywhere bool
}

// bansData is what bans.html shows.
type bansData struct {
	frame
	Site      *model.Site
	Operator  bool
	Bans      []banRow
	Blocks    []blockRow
	MaxBlocks int
	Done      string
	Form      durationForm
	Address   string
	Fields    map[string]string
	Error     string
	MoreBans  bool // the list stops at store.MaxBansListed
}

// doneWords say what was done, after the redirect to the list.
var doneWords = map[string]string{"ban": "The author was banned.", "block": "The address was blocked.",
	"unban": "The ban was lifted.", "unblock": "The block was lifted."}

// bansPage serves GET /dashboard/sites/{site}/bans: the bans and IP blocks
// in force on the site (its own and every site's), and a form to block an
// address or range.
func (h *Handler) bansPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	d := bansData{frame: frame{a.Site.Host + " bans and blocks", u}, Site: a.Site, Done: doneWords[r.URL.Query().Get("done")],
		Form: durationForm{Scope: "site", Duration: "forever"}, Fields: map[string]string{}}
	h.showBans(w, r, a, d, http.StatusOK)
}

// showBans fills d with the lists and renders it with status.
func (h *Handler) showBans(w http.ResponseWriter, r *http.Request, a siteAccess, d bansData, status int) {
	bans, err := h.Store.Bans(r.Context(), a.Site.ID)
	if err != nil {
		h.fail(w, r, d.Account, "list bans", err)
		return
	}
	blocks, err := h.Store.IPBlocks(r.Context(), a.Site.ID)
	if err != nil {
		h.fail(w, r, d.Account, "list blocks", err)
		return
	}
	d.Operator, d.MaxBlocks, d.MoreBans = d.Account.Role == model.RoleOperator, store.MaxIPBlocksPerSite, len(bans) == store.MaxBansListed
	for _, b := range bans {
		who := b.AuthorName
		if who == "" {
			who = "a commenter whose comment is gone"
		}
		d.Bans = append(d.Bans, banRow{ID: b.ID, Who: who, Scope: scopeWords(b.SiteID), Until: untilWords(b.ExpiresAt),
			Since: day(b.CreatedAt), CommentID: b.CommentID, Everywhere: b.SiteID == 0, CanLift: b.SiteID != 0 || d.Operator})
	}
	for _, b := range blocks {
		what := b.Prefix.String()
		switch {
		case b.Hidden:
			what = fmt.Sprintf("the address of comment %d", b.CommentID)
		case b.SiteID == 0 && !d.Operator:
			what = "an address or range the operator chose"
		}
		d.Blocks = append(d.Blocks, blockRow{ID: b.ID, What: what, Scope: scopeWords(b.SiteID), Until: untilWords(b.ExpiresAt),
			Since: day(b.CreatedAt), Everywhere: b.SiteID == 0, CanLift: b.SiteID != 0 || d.Operator})
	}
	h.render(w, r, status, "bans", d)
}

func scopeWords(siteID int64) string {
	if siteID == 0 {
		return "every site"
	}
	return "this site"
}

func untilWords(t *time.Time) string {
	if t == nil {
		return "forever"
	}
	return "until " + t.UTC().Format("2 Jan 2006 15:04 UTC")
}

func day(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

// addBlock serves POST /dashboard/sites/{site}/blocks (address, scope,
// duration, days): an IP address or CIDR range is blocked, at most
// store.MaxIPBlocksPerSite a site; then the list.
func (h *Handler) addBlock(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	r.ParseForm() // a form that cannot be read has no fields, and says so below
	d := bansData{frame: frame{a.Site.Host + " bans and blocks", u}, Site: a.Site, Fields: map[string]string{},
		Address: strings.TrimSpace(r.PostForm.Get("address"))}
	prefix, problem := parseBlock(d.Address)
	if problem != "" {
		d.Fields["address"] = problem
	}
	var expires *time.Time
	var words string
	var forbidden bool
	d.Form, expires, words, forbidden = readDuration(r.PostForm, u, h.Now(), d.Fields)
	if len(d.Fields) == 0 {
		b := &store.IPBlock{Prefix: prefix, CreatedAt: h.Now(), ExpiresAt: expires}
		if d.Form.Scope != "everywhere" {
			b.SiteID = a.Site.ID
		}
		err := h.Store.CreateIPBlock(r.Context(), store.Action{SiteID: a.Site.ID, ActorID: u.ID, Detail: words}, b)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d/bans?done=block", a.Site.ID), http.StatusSeeOther)
			return
		}
		if !errors.Is(err, store.ErrTooManyBlocks) {
			h.fail(w, r, u, "block address", err)
			return
		}
		d.Fields["address"] = fmt.Sprintf("There are already %d blocks; lift some first.", store.MaxIPBlocksPerSite)
	}
	h.showBans(w, r, a, d, formStatus(forbidden))
}

// parseBlock reads an IP address or CIDR range, or says what is wrong.
func parseBlock(s string) (netip.Prefix, string) {
	if s == "" {
		return netip.Prefix{}, "Enter an IP address or a range such as 192.0.2.0/24."
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil || a.Zone() != "" {
			return netip.Prefix{}, "This is not an IP address or a range such as 192.0.2.0/24 or 2001:db8::/48."
		}
		a = a.Unmap()
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	if p.Bits() < 0 || (p.Addr().Is4() && p.Bits() < MinIPv4BlockBits) || (p.Addr().Is6() && p.Bits() < MinIPv6BlockBits) {
		return netip.Prefix{}, fmt.Sprintf("A range may be at most /%d for IPv4 and /%d for IPv6.", MinIPv4BlockBits, MinIPv6BlockBits)
	}
	return p.Masked(), ""
}

// liftBan serves POST /dashboard/sites/{site}/bans/{ban}/lift; a ban on
// every site is lifted by the operator only (404 for anyone else).
func (h *Handler) liftBan(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.lift(w, r, u, "ban", h.Store.LiftBan)
}

// liftBlock serves POST /dashboard/sites/{site}/blocks/{block}/lift, as liftBan.
func (h *Handler) liftBlock(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.lift(w, r, u, "block", h.Store.LiftIPBlock)
}

// lift is liftBan and liftBlock: the {name} of the path, lifted by fn.
func (h *Handler) lift(w http.ResponseWriter, r *http.Request, u *model.User, name string, fn func(ctx context.Context, a store.Action, id int64, everywhere bool) error) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err == nil {
		err = fn(r.Context(), store.Action{SiteID: a.Site.ID, ActorID: u.ID}, id, u.Role == model.RoleOperator)
	}
	var numErr *strconv.NumError
	switch {
	case errors.As(err, &numErr) || errors.Is(err, store.ErrNotFound):
		h.notFound(w, r, u)
	case err != nil:
		h.fail(w, r, u, "lift "+name, err)
	default:
		http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d/bans?done=un%s", a.Site.ID, name), http.StatusSeeOther)
	}
}

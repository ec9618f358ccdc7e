package api

import (
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/clientip"
)

// Messages of the public contact form (/dashboard/contact) one client
// network may send: a burst for a person with follow-ups, then a few an
// hour, so that the operator's inbox cannot be flooded.
const (
	ContactsPerHour = 5
	ContactBurst    = 3
)

// AllowContact takes one contact form message from the request's network
// (clientip.NetworkKey), or reports how long to wait. The dashboard's
// contact form calls it (admin.Deps.AllowContact), so that the limit uses
// the API's view of client addresses (trusted proxies).
func (h *Handler) AllowContact(r *http.Request) (bool, time.Duration) {
	ok, wait := h.contacts.allow(clientip.NetworkKey(h.ClientIP(r)))
	if !ok {
		h.m.rateLimited.Inc()
	}
	return ok, wait
}

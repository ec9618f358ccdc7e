package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/store"
)

// voter identifies a guest voter without a cookie, by keyed hashes only: a
// voter is the client's network (clientip.NetworkKey: the IPv4 address or
// the IPv6 /64) and user agent, so that people behind one NAT keep their own
// votes and each sees their own in the thread; the network alone bounds how
// many such voters count (store.MaxVotesPerNetwork), because a client can
// send any user agent. For IPv4 the voter hash is the one used before votes
// were keyed on networks, so earlier voters still find their votes.
func (h *Handler) voter(r *http.Request) store.Voter {
	network := clientip.NetworkKey(h.ClientIP(r))
	return store.Voter{
		ID:      h.Sealer.VoterHash(network, r.UserAgent()),
		Network: h.Sealer.VoterNetworkHash(network),
	}
}

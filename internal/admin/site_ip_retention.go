package admin

import (
	"cmp"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/importer"
)

// ipRetention is the operator's longest IP retention (PARLEY_IP_RETENTION,
// passed in ImportSettings.IPRetention): a site may only shorten it.
func (h *Handler) ipRetention() time.Duration {
	return cmp.Or(h.Imports.IPRetention, importer.DefaultIPRetention)
}

// maxIPDays is the longest IP retention a site may choose, in whole days of
// the operator's period (0 when that is shorter than a day: then a site
// keeps the operator's period).
func (h *Handler) maxIPDays() int { return int(h.ipRetention() / (24 * time.Hour)) }

// readIPDays reads the site's IP retention in days: empty or 0 keeps the
// operator's period; more than it is refused, so that a site never believes
// it keeps addresses longer than the server does.
func (h *Handler) readIPDays(f url.Values, problems map[string]string) int {
	typed := strings.TrimSpace(f.Get("ip_days"))
	if typed == "" {
		return 0
	}
	days, err := strconv.Atoi(typed)
	if err != nil || days < 0 || days > h.maxIPDays() {
		problems["ip_days"] = fmt.Sprintf("Enter a whole number of days from 0 to %d, this server's longest.", h.maxIPDays())
	}
	return days
}

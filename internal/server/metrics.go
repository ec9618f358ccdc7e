package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Metrics collects the process's metrics and serves them at /metrics in the
// Prometheus text format. Labels are routes and status classes only: never
// a path, a site's visitors or anything personal.
type Metrics struct {
	set *metrics.Set
}

// NewMetrics returns an empty metrics registry.
func NewMetrics() *Metrics { return &Metrics{set: metrics.NewSet()} }

// Set is the registry other packages add their counters to.
func (m *Metrics) Set() *metrics.Set { return m.set }

// observe records one finished request.
func (m *Metrics) observe(route string, status int, d time.Duration) {
	class := strconv.Itoa(status/100) + "xx"
	m.set.GetOrCreateCounter(fmt.Sprintf(`parley_http_requests_total{route=%q,status=%q}`, route, class)).Inc()
	m.set.GetOrCreateSummary(fmt.Sprintf(`parley_http_request_duration_seconds{route=%q}`, route)).Update(d.Seconds())
}

func (m *Metrics) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.set.WritePrometheus(w)
	metrics.WriteProcessMetrics(w)
}

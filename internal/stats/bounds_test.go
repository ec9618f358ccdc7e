package stats

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// An operator sees in /metrics how many pages reads created and how many
// made-up paths the bounds refused.
func TestFlushExportsPageBounds(t *testing.T) {
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("stats-test-secret-stats-test-secret-0123"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "parley.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "blog.example", Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	st.SetNewPagesPerDay(2)
	set := metrics.NewSet()
	v := NewViewCounter(st, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	v.ExportMetrics(set)
	for i := range 5 {
		v.Add(site.ID, fmt.Sprintf("/made-up/%d", i), false)
	}
	if err := v.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	set.WritePrometheus(&out)
	for _, want := range []string{
		"parley_pages_created_by_reads_total 2\n",
		`parley_page_creations_refused_total{limit="daily"} 3` + "\n",
		`parley_page_creations_refused_total{limit="site"} 0` + "\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, out.String())
		}
	}
}

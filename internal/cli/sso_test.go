package cli_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/store"
)

func TestSiteSSOSecret(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	first, _, err := run(t, vars, "site", "sso", "blog.example")
	if err != nil || len(strings.TrimSpace(first)) != 43 {
		t.Fatalf("site sso: %v %q", err, first)
	}
	if again, _, err := run(t, vars, "site", "sso", "blog.example"); err != nil || again != first {
		t.Fatalf("site sso again: %v %q, want the same secret %q", err, again, first)
	}
	rotated, _, err := run(t, vars, "site", "sso", "blog.example", "--rotate")
	if err != nil || rotated == first || len(strings.TrimSpace(rotated)) != 43 {
		t.Fatalf("site sso --rotate: %v %q", err, rotated)
	}
	st := openStore(t, vars)
	site, err := st.SiteByHost(context.Background(), "blog.example")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.SSOSecret(context.Background(), site.ID); err != nil || got != strings.TrimSpace(rotated) {
		t.Fatalf("stored secret: %v, want the rotated one", err)
	}
	if out, _, err := run(t, vars, "site", "sso", "blog.example", "--disable"); err != nil || !strings.Contains(out, "off") {
		t.Fatalf("site sso --disable: %v %q", err, out)
	}
	if _, err := st.SSOSecret(context.Background(), site.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("secret after --disable: %v", err)
	}
	if _, _, err := run(t, vars, "site", "sso", "nowhere.example"); err == nil {
		t.Error("site sso of an unknown site succeeded")
	}
	if _, _, err := run(t, vars, "site", "sso", "blog.example", "--rotate", "--disable"); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("--rotate --disable: %v", err)
	}
}

package auth_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// eachDB runs fn against a migrated SQLite database and a migrated
// PostgreSQL one.
func eachDB(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]func(t *testing.T) (*store.Store, error){
		"sqlite": func(t *testing.T) (*store.Store, error) {
			return store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sealer)
		},
		"postgres": func(t *testing.T) (*store.Store, error) {
			return store.OpenPostgres(context.Background(), pgtest.URL(t), sealer)
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			st, err := open[name](t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if _, err := st.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			fn(t, st)
		})
	}
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newUser(t *testing.T, st *store.Store, email string) *model.User {
	t.Helper()
	u := &model.User{Name: "Ada", Email: email, Role: model.RoleCommenter}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}
